"""Connects the domains through their seams: lists feed verification and reports; the latest
verification verdict, the rating and case performance feed the agency directory; case service
records and list decisions feed the rating; verifications and list decisions are anchored in the
ledger. Called once by the app and the CLI."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy.orm import Session

from xinyong.agencies.service import adopts_model, declared_templates
from xinyong.agencies.standing import STANDING_PROVIDERS, VERDICT_PROVIDERS, Verdict
from xinyong.cases.performance import service_record as case_service_record
from xinyong.cases.performance import standing_provider as case_standing
from xinyong.documents.reports import REPORT_SECTIONS, ReportSection
from xinyong.ledger import anchors
from xinyong.lists import standing, stars
from xinyong.lists.clock import local_date
from xinyong.lists.lookups import active_entries, active_for
from xinyong.profile.glance import at_a_glance
from xinyong.rating import service as rating
from xinyong.rating.signals import SERVICE_RECORDS, ServiceRecord
from xinyong.verification.lists import LIST_PROBES, LIST_PROVIDERS
from xinyong.verification.lists import ListEntry as VerificationListEntry
from xinyong.verification.schemas import VerificationOut
from xinyong.verification.service import headline, standing_verdicts, standing_verification

LIST_NAMES = {
    "black": ("失信惩戒名单（黑名单）", "black list"),
    "red": ("守信激励名单（红名单）", "red list"),
}
VERDICTS = {
    "通过": ("pass", "passed"),
    "警示": ("warn", "passed with warnings"),
    "不通过": ("fail", "failed"),
}


def _list_entries(session: Session, credit_code: str, today: date) -> list[VerificationListEntry]:
    """Official entries published now, in the shape verification's step 3 reads."""
    out = []
    for e in active_entries(session, credit_code):
        zh, en = LIST_NAMES[e.list_type]
        out.append(
            VerificationListEntry(
                list_zh=zh,
                list_en=en,
                blacklist=e.list_type == "black",
                record_id=e.id,
                reason_zh=e.reason_zh,
                reason_en=e.reason_en,
                listed_on=e.decision_date,
                source="lists",
                source_record_id=str(e.id),
                as_of=e.decision_date,
            )
        )
    return out


def _list_section(session: Session, credit_code: str) -> ReportSection | None:
    entries = active_entries(session, credit_code)
    if not entries:
        return None
    rows = [["名单 List", "事由 Reason", "依据 Basis", "认定部门 Authority", "公示期 Publicity"]]
    for e in entries:
        rows.append(
            [
                LIST_NAMES[e.list_type][0],
                e.reason_zh,
                e.legal_basis_zh,
                e.authority,
                f"{e.publicity_start or ''} — {e.publicity_end or ''}",
            ]
        )
    return ReportSection(
        key="lists",
        title_zh="红黑名单",
        title_en="Red and black lists",
        rows=rows,
        notes_zh=["仅列示公示期内的官方名单信息；已修复、已到期的信息不再公示。"],
    )


def _verdicts(session: Session, codes: list[str]) -> dict[str, dict[str, Any]]:
    """Each agency's three-step verification over the data as it stands (an agency the
    registry does not know, such as a law firm registered with the justice bureau, has none),
    and the stars that ask for it. The record link opens the form filled in: a creditor's own
    check is kept and shareable."""
    outs = standing_verdicts(session, codes)
    found: dict[str, dict[str, Any]] = {
        code: {"verdict": _verdict(code, out)} for code, out in outs.items()
    }
    # The stars ask for this very verdict (criteria: verification passed): passed on, where the
    # stars' own provider worked out every agency's verification a second time.
    verdicts = {code: out.verdict for code, out in outs.items()}
    for code, facts in stars.standing_provider(session, codes, verdicts).items():
        found.setdefault(code, {}).update(facts)
    return found


def _verdict(code: str, out: VerificationOut) -> Verdict:
    result, label_en = VERDICTS[out.verdict]
    reason = headline(out)
    return Verdict(
        result=result,
        label_zh=out.verdict,
        label_en=label_en,
        checked_at=out.created_at.isoformat(),
        record_url=f"/verifications?query={code}",
        reason_zh=reason.message_zh if reason else None,
        reason_en=reason.message_en if reason else None,
    )


def _quote_verdict(session: Session, code: str, cache: Any, shown: set[str]) -> Verdict | None:
    """A fee quote's verdict: the directory's verification of the agency, reused and carried
    with the server's answer cache as a creditor's own check is (decision 0043)."""
    carrier = cache.carrier if cache is not None and cache.store is not None else None
    out = standing_verification(
        session,
        code,
        store=cache.store if carrier is not None else None,
        carrier=carrier,
        shown=shown if carrier is not None else None,
    )
    return _verdict(code, out) if out is not None else None


def _records(session: Session, codes: list[str]) -> dict[str, dict[str, Any]]:
    """Each agency's records at a glance: the directory keeps a black-listed or dishonest
    agency out and says why."""
    return {code: {"records": g} for code, g in at_a_glance(session, codes).items()}


def _service_records(session: Session, codes: list[str], now: datetime) -> dict[str, ServiceRecord]:
    """The cases domain's service record in the shape the rating reads, with whether the agency
    uses the platform's model agreement (its contracts, else its schedule's declaration). An
    agency the platform knows none of this about is left out: the rating says "no record", not
    "perfect"."""
    declared = declared_templates(session, codes, local_date(now))
    out = {}
    for code, r in case_service_record(session, codes, now).items():
        template = declared.get(code)
        if not (r.cases or r.complaints or template):
            continue
        sources = []
        if r.cases or r.complaints:
            sources.append(
                {"record": "service_record", "source": "cases", "source_record_id": code}
            )
        if template:
            sources.append(
                {"record": "fee_schedule", "source": "agencies", "source_record_id": code}
            )
        out[code] = ServiceRecord(
            complaints=r.complaints,
            answered_in_time=r.answered_in_time,
            breached=r.breached,
            first_reports_due=r.first_reports_due,
            first_reports_on_time=r.first_reports_on_time,
            evidence_items=r.evidence_items,
            cases=r.cases,
            contract_template_adopted=adopts_model(
                template, r.contracts_reviewed, r.contracts_short
            ),
            template_declared=template,
            contracts_reviewed=r.contracts_reviewed,
            contracts_short=r.contracts_short,
            sources=sources,
        )
    return out


def connect() -> None:
    """Register every seam (idempotent)."""
    LIST_PROVIDERS.register("lists", _list_entries)
    LIST_PROBES.register("lists", active_for(False))
    REPORT_SECTIONS.register("lists", _list_section)
    STANDING_PROVIDERS.register("verification", _verdicts)
    STANDING_PROVIDERS.register("rating", rating.standing_provider)
    REPORT_SECTIONS.register("rating", rating.report_section)
    STANDING_PROVIDERS.register("cases", case_standing)
    VERDICT_PROVIDERS.register("verification", _quote_verdict)
    STANDING_PROVIDERS.register("records", _records)
    SERVICE_RECORDS.register("cases", _service_records)
    # A list decision regrades its firm in its own transaction, not at the next rating pass.
    standing.STANDING_MOVED.register("rating", rating.regrade)
    standing.install()
    anchors.install()
