"""What the creditor and agency workspaces read: their cases, complaints, the case timeline with each
item's ledger proof status, and entrusting a new debt in one step."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.accounts.models import Organisation
from xinyong.agencies.service import AgencyView, get_agency, list_agencies, today_shanghai
from xinyong.cases import service
from xinyong.cases.actors import Actor, Upload
from xinyong.cases.models import CaseEvent, Complaint, DebtCase, EvidenceItem
from xinyong.errors import InvalidInput, NotFound
from xinyong.ledger.config import LedgerSettings
from xinyong.ledger.models import LedgerCheckpoint, LedgerLeaf
from xinyong.lists.clock import resolve

PROGRESS_KINDS = ("progress", "report")
LIMIT = 500


# --- who the signed-in member works for --------------------------------------------------


def creditor_orgs(session: Session, org_codes: tuple[str, ...]) -> list[Organisation]:
    """The approved creditor organisations among a member's organisations."""
    if not org_codes:
        return []
    return list(
        session.scalars(
            select(Organisation)
            .where(
                Organisation.credit_code.in_(org_codes),
                Organisation.kind == "creditor",
                Organisation.state == "approved",
            )
            .order_by(Organisation.name)
        )
    )


def agency_orgs(session: Session, org_codes: tuple[str, ...]) -> list[AgencyView]:
    """The member's approved agency organisations that are in the agency directory."""
    if not org_codes:
        return []
    codes = session.scalars(
        select(Organisation.credit_code).where(
            Organisation.credit_code.in_(org_codes),
            Organisation.kind == "agency",
            Organisation.state == "approved",
        )
    ).all()
    out = []
    for code in sorted(codes):
        try:
            out.append(get_agency(session, code))
        except NotFound:  # an approved organisation not (yet) in the directory has no workspace
            continue
    return out


# --- cases -------------------------------------------------------------------------------


@dataclass
class CaseRow:
    case: DebtCase
    last_progress: CaseEvent | None


def _rows(session: Session, cases: list[DebtCase]) -> list[CaseRow]:
    ids = [c.id for c in cases]
    last: dict[int, CaseEvent] = {}
    if ids:
        newest = (
            select(func.max(CaseEvent.id))
            .where(CaseEvent.case_id.in_(ids), CaseEvent.kind.in_(PROGRESS_KINDS))
            .group_by(CaseEvent.case_id)
        )
        for ev in session.scalars(select(CaseEvent).where(CaseEvent.id.in_(newest))):
            last[ev.case_id] = ev
    return [CaseRow(c, last.get(c.id)) for c in cases]


def creditor_cases(session: Session, creditor_id: str) -> list[CaseRow]:
    """A creditor's cases, the most recently active first."""
    cases = session.scalars(
        select(DebtCase)
        .where(DebtCase.creditor_id == creditor_id)
        .order_by(DebtCase.updated_at.desc(), DebtCase.id.desc())
        .limit(LIMIT)
    ).all()
    return _rows(session, list(cases))


def agency_cases(session: Session, agency_code: str) -> list[CaseRow]:
    """An agency's cases: open ones first by their first-report deadline, then the rest."""
    cases = session.scalars(
        select(DebtCase).where(DebtCase.agency_code == agency_code).limit(LIMIT)
    ).all()
    far = datetime.max.replace(tzinfo=None)

    def key(c: DebtCase):
        waiting = c.first_report_at is None and c.state in service.OPEN_STATES
        due = c.first_report_due_at.replace(tzinfo=None) if c.first_report_due_at else far
        return (not waiting, c.state not in service.OPEN_STATES, due, -c.id)

    return _rows(session, sorted(cases, key=key))


def creditor_complaints(session: Session, creditor_id: str) -> list[Complaint]:
    """Complaints a creditor filed while signed in, newest first."""
    return list(
        session.scalars(
            select(Complaint)
            .where(Complaint.creditor_id == creditor_id)
            .order_by(Complaint.id.desc())
            .limit(LIMIT)
        )
    )


def case_complaints(session: Session, case: DebtCase, actor: Actor) -> list[Complaint]:
    """Complaints tied to a case that the viewer may read: all of them for its agency and
    operators, the ones it filed for the creditor (a debtor's complaint names people)."""
    q = select(Complaint).where(Complaint.case_id == case.id).order_by(Complaint.id).limit(LIMIT)
    if actor.kind == "creditor":
        q = q.where(Complaint.creditor_id == case.creditor_id)
    elif actor.kind not in ("agency", "operator"):
        return []
    return list(session.scalars(q))


def agency_complaints(session: Session, agency_code: str) -> list[Complaint]:
    """An agency's complaint inbox: unanswered first, by their 48-hour deadline."""
    rows = session.scalars(
        select(Complaint).where(Complaint.agency_code == agency_code).limit(LIMIT)
    ).all()
    return sorted(rows, key=lambda c: (c.responded_at is not None, c.due_at))


def listed_agencies(session: Session) -> list[AgencyView]:
    """Agencies a case can be entrusted to (listed, with a compliant schedule in force)."""
    return list_agencies(session, sort="name")


def entrust_new_debt(
    session: Session,
    creditor: Actor,
    *,
    debtor_name: str,
    amount: Decimal,
    basis: str,
    due_date: date,
    agency_code: str,
    contract_number: str,
    accepted_version: int | None,
    debtor_code: str | None = None,
    contract: Upload | None = None,
    now: datetime | None = None,
    settings: LedgerSettings | None = None,
) -> DebtCase:
    """Register a debt and entrust it at once, under the schedule version the creditor accepted.

    The creditor saw and accepted one version of the agency's fees; if the agency published
    another since, the creditor must look again rather than be bound by fees it did not see.
    """
    now = resolve(now)
    agency = get_agency(session, agency_code, on=today_shanghai(now))
    current = agency.schedule.version if agency.schedule else None
    if accepted_version is None:
        raise InvalidInput(
            "schedule_version：请阅读并接受该机构的收费标准",
            "schedule_version: read and accept the agency's fee schedule",
            field="schedule_version",
        )
    if current != accepted_version:
        raise InvalidInput(
            f"schedule_version：{agency.name}的收费标准已更新为第 {current} 版"
            f"（您接受的是第 {accepted_version} 版），请重新阅读后再委托",
            f"schedule_version: {agency.name} now publishes schedule version {current} "
            f"(you accepted version {accepted_version}); read it again before entrusting",
            field="schedule_version",
        )
    case = service.register_debt(
        session,
        creditor,
        debtor_name=debtor_name,
        debtor_code=debtor_code,
        amount=amount,
        basis=basis,
        due_date=due_date,
        now=now,
        settings=settings,
    )
    return service.entrust(
        session,
        case.id,
        creditor,
        agency_code=agency.credit_code,
        contract_number=contract_number,
        contract=contract,
        now=now,
        settings=settings,
    )


# --- the timeline and its proofs --------------------------------------------------------


@dataclass(frozen=True)
class Proof:
    """A ledger leaf as a party sees it: included in a signed checkpoint, or pending one."""

    leaf_index: int
    leaf_hash: str  # hex
    included: bool
    tree_size: int | None  # of the checkpoint that includes it
    item_id: int | None = None
    name: str | None = None
    media_type: str | None = None
    sha256: str | None = None
    size: int | None = None

    @property
    def proof_url(self) -> str:
        if self.included:
            return (
                f"/api/v1/ledger/proofs/inclusion?leaf_hash={self.leaf_hash}"
                f"&tree_size={self.tree_size}"
            )
        return f"/api/v1/ledger/leaves/{self.leaf_index}"

    @property
    def is_image(self) -> bool:
        return (self.media_type or "").startswith("image/")


@dataclass
class TimelineEntry:
    event: CaseEvent
    proofs: list[Proof] = field(default_factory=list)


def signed_size(session: Session) -> int:
    """The tree size of the latest signed checkpoint (0 when none was signed yet)."""
    return session.scalar(select(func.max(LedgerCheckpoint.tree_size))) or 0


def timeline(session: Session, case_id: int, after: int = 0) -> list[TimelineEntry]:
    """A case's events after `after`, each with its evidence leaves and their proof status."""
    events = service.events_after(session, case_id, after, LIMIT)
    if not events:
        return []
    items = session.scalars(
        select(EvidenceItem)
        .where(EvidenceItem.event_id.in_([e.id for e in events]))
        .order_by(EvidenceItem.id)
    ).all()
    by_event: dict[int, list[EvidenceItem]] = {}
    for item in items:
        by_event.setdefault(item.event_id, []).append(item)
    leaves: dict[int, list[tuple[EvidenceItem | None, int]]] = {}
    for ev in events:
        pairs = [(i, i.leaf_index) for i in by_event.get(ev.id, [])]
        extra = (ev.data or {}).get("leaf_index")
        if extra is not None and extra not in {p[1] for p in pairs}:
            pairs.insert(0, (None, int(extra)))  # e.g. the registration leaf itself
        leaves[ev.id] = pairs
    indexes = {idx for pairs in leaves.values() for _, idx in pairs}
    hashes = dict(
        session.execute(
            select(LedgerLeaf.leaf_index, LedgerLeaf.leaf_hash).where(
                LedgerLeaf.leaf_index.in_(indexes)
            )
        ).all()
    )
    size = signed_size(session)
    out = []
    for ev in events:
        proofs = []
        for item, idx in leaves[ev.id]:
            proofs.append(
                Proof(
                    leaf_index=idx,
                    leaf_hash=hashes[idx].hex() if idx in hashes else "",
                    included=idx < size,
                    tree_size=size if idx < size else None,
                    item_id=item.id if item is not None else None,
                    name=item.file_name if item is not None else None,
                    media_type=item.media_type if item is not None else None,
                    sha256=item.file_sha256 if item is not None else None,
                    size=item.size if item is not None else None,
                )
            )
        out.append(TimelineEntry(ev, proofs))
    return out
