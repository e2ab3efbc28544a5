"""Debt registration (债务登记), entrustment to a listed agency, states, progress, recovery and fees."""

from __future__ import annotations

import hashlib
import re
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies.fees import quote
from xinyong.agencies.money import is_fen_exact, yuan
from xinyong.agencies.schedule import FeeSchedule
from xinyong.agencies.service import get_agency, today_shanghai
from xinyong.cases import evidence, notices
from xinyong.cases.actors import Actor, Upload
from xinyong.cases.errors import (
    AgencyNotListed,
    ContractRefused,
    DuplicateDebt,
    NotAllowed,
    WrongState,
)
from xinyong.cases.models import CaseEvent, DebtCase, EvidenceItem
from xinyong.errors import InvalidInput, NotFound
from xinyong.ledger import canonical
from xinyong.ledger import service as ledger
from xinyong.ledger.config import LedgerSettings
from xinyong.lists.clock import local_date, resolve
from xinyong.money import fen_to_yuan

FIRST_REPORT_WITHIN = timedelta(days=3)  # 首次调查报告：委托后 3 日内
STATE_ZH = {
    "registered": "已登记",
    "entrusted": "已委托",
    "investigating": "调查中",
    "negotiating": "协商中",
    "mediating": "调解中",
    "litigating": "诉讼中",
    "recovered_partly": "部分回收",
    "recovered_fully": "全部回收",
    "closed": "已结案",
}
STATE_EN = {
    "registered": "registered",
    "entrusted": "entrusted",
    "investigating": "investigating",
    "negotiating": "negotiating",
    "mediating": "mediating",
    "litigating": "litigating",
    "recovered_partly": "partly recovered",
    "recovered_fully": "fully recovered",
    "closed": "closed",
}
WORKING = ("investigating", "negotiating", "mediating", "litigating")
# Where an agency may move a case by hand; recovery states follow from recorded amounts.
MOVES = {
    "entrusted": {"investigating", "closed"},
    "investigating": {"negotiating", "mediating", "litigating", "closed"},
    "negotiating": {"mediating", "litigating", "closed"},
    "mediating": {"negotiating", "litigating", "closed"},
    "litigating": {"mediating", "negotiating", "closed"},
    "recovered_partly": {"negotiating", "mediating", "litigating", "closed"},
    "recovered_fully": {"closed"},
}
OPEN_STATES = ("entrusted", *WORKING, "recovered_partly")


def _norm(text: str | None) -> str:
    """Same debt, different typing: full/half width, spaces, book-title marks and case ignored."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return re.sub(r"[\s《》〈〉“”\"'‘’()（）\[\]【】,，.。:：;；\-_/]", "", text)


def debt_key(creditor_id: str, debtor_name: str, debtor_code: str | None, basis: str) -> str:
    parts = [_norm(creditor_id), _norm(debtor_name), _norm(debtor_code), _norm(basis)]
    return hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _need(value: str | None, field: str, zh: str, en: str, limit: int = 200) -> str:
    value = (value or "").strip()
    if not value:
        raise InvalidInput(f"{field}：{zh}为必填项", f"{field}: {en} is required", field=field)
    if len(value) > limit:
        raise InvalidInput(
            f"{field}：{zh}最长 {limit} 个字符",
            f"{field}: {en} is at most {limit} characters",
            field=field,
        )
    return value


def _amount(value: Decimal, field: str = "amount") -> int:
    if not isinstance(value, Decimal) or not is_fen_exact(value) or value <= 0:
        raise InvalidInput(
            f"{field}：金额“{value}”无效，应为大于 0、最多两位小数（精确到分）的元",
            f"{field}: amount '{value}' is invalid: expected yuan > 0 with at most two decimals",
            field=field,
        )
    return int(value * 100)


def get_case(session: Session, case_id: int) -> DebtCase:
    case = session.get(DebtCase, case_id)
    if case is None:
        raise NotFound(f"没有编号为 {case_id} 的案件", f"no case with id {case_id}")
    return case


def is_creditor(case: DebtCase, actor: Actor) -> bool:
    return actor.kind == "creditor" and actor.id == case.creditor_id


def is_agency(case: DebtCase, actor: Actor) -> bool:
    return actor.kind == "agency" and bool(case.agency_code) and actor.org_code == case.agency_code


def can_read(case: DebtCase, actor: Actor) -> bool:
    return actor.kind == "operator" or is_creditor(case, actor) or is_agency(case, actor)


def require_read(case: DebtCase, actor: Actor) -> None:
    if not can_read(case, actor):
        # Looks like a missing case: who entrusted what to whom is not public.
        raise NotFound(f"没有编号为 {case.id} 的案件", f"no case with id {case.id}")


def _require(ok: bool, what_zh: str, what_en: str) -> None:
    if not ok:
        raise NotAllowed(f"只有{what_zh}可以进行此操作", f"only {what_en} may do this")


def _event(
    session: Session,
    case: DebtCase,
    actor: Actor,
    kind: str,
    now: datetime,
    *,
    text: str | None = None,
    to_state: str | None = None,
    data: dict[str, Any] | None = None,
) -> CaseEvent:
    ev = CaseEvent(
        case_id=case.id,
        kind=kind,
        actor_kind=actor.kind,
        actor_id=actor.id[:64],  # e.g. "key:xk_… user:7 clerk@…": the column keeps 64
        actor_name=actor.name[:200],
        from_state=case.state if to_state else None,
        to_state=to_state,
        text=text,
        data=data or {},
        at=now,
    )
    if to_state:
        case.state = to_state
    case.updated_at = now
    session.add(ev)
    session.flush()
    return ev


def _tell_creditor(session: Session, case: DebtCase, kind: str, now: datetime, subject, body):
    return notices.notify(
        session,
        kind=kind,
        recipient_kind="creditor",
        recipient_code=case.creditor_id,
        recipient_name=case.creditor_name,
        subject=subject,
        body=body,
        now=now,
        case_id=case.id,
    )


def _tell_agency(session: Session, case: DebtCase, kind: str, now: datetime, subject, body):
    return notices.notify(
        session,
        kind=kind,
        recipient_kind="agency",
        recipient_code=case.agency_code,
        recipient_name=case.agency_name or "",
        subject=subject,
        body=body,
        now=now,
        case_id=case.id,
    )


def _open_duplicate(session: Session, key: str, exclude: int | None, entrusted_only: bool):
    q = select(DebtCase).where(DebtCase.debt_key == key, DebtCase.state != "closed")
    if exclude is not None:
        q = q.where(DebtCase.id != exclude)
    if entrusted_only:
        q = q.where(DebtCase.entrusted_at.is_not(None))
    return session.scalars(q.order_by(DebtCase.id).limit(1)).first()


def _duplicate_error(other: DebtCase) -> DuplicateDebt:
    where_zh = f"已委托给{other.agency_name}" if other.agency_name else "尚未委托"
    where_en = f"entrusted to {other.agency_name}" if other.agency_name else "not yet entrusted"
    return DuplicateDebt(
        f"同一债权人、债务人和债权依据的债务已登记（{other.number}，{where_zh}），不得重复登记或委托",
        f"this creditor already registered the same debt (same debtor and basis) as {other.number}, "
        f"{where_en}: one debt cannot be registered or entrusted twice",
        existing=other.number,
    )


def register_debt(
    session: Session,
    actor: Actor,
    *,
    debtor_name: str,
    amount: Decimal,
    basis: str,
    due_date: date,
    debtor_code: str | None = None,
    documents: list[Upload] | None = None,
    now: datetime | None = None,
    settings: LedgerSettings | None = None,
) -> DebtCase:
    """债务登记: the debt, its basis and documents, on the ledger (as a salted commitment)."""
    now = resolve(now)
    _require(actor.kind == "creditor", "债权人", "a creditor")
    debtor_name = _need(debtor_name, "debtor_name", "债务人名称", "the debtor's name")
    basis = _need(basis, "basis", "债权依据", "the basis of the debt", 2000)
    debtor_code = (debtor_code or "").strip().upper() or None
    fen = _amount(amount)
    if not isinstance(due_date, date):
        raise InvalidInput("due_date：应为日期", "due_date: expected a date", field="due_date")
    documents = documents or []
    evidence.check_uploads(documents, "documents")
    key = debt_key(actor.id, debtor_name, debtor_code, basis)
    other = _open_duplicate(session, key, None, entrusted_only=False)
    if other is not None:
        raise _duplicate_error(other)
    case = DebtCase(
        number=f"tmp-{secrets.token_hex(8)}",
        state="registered",
        creditor_kind=actor.kind,
        creditor_id=actor.id,
        creditor_code=actor.org_code,
        creditor_name=actor.name,
        debtor_name=debtor_name,
        debtor_code=debtor_code,
        amount_fen=fen,
        basis=basis,
        due_date=due_date,
        debt_key=key,
        commitment_salt=secrets.token_hex(16),
        recovered_fen=0,
        created_at=now,
        updated_at=now,
    )
    session.add(case)
    session.flush()
    case.number = f"ZW-{case.id:08d}"
    ev = _event(session, case, actor, "registered", now, data={"amount": str(amount)})
    items = evidence.record(
        session,
        role="document",
        payload={"case": case.number, "registered_at": now},
        files=documents,
        now=now,
        settings=settings,
        case_id=case.id,
        event_id=ev.id,
    )
    commitment = hashlib.sha256(
        canonical.dumps(
            {
                "salt": case.commitment_salt,
                "creditor": actor.id,
                "debtor": debtor_name,
                "debtor_code": debtor_code,
                "basis": basis,
                "amount": str(amount),
                "due_date": due_date,
            }
        )
    ).hexdigest()
    receipt = ledger.append(
        session,
        "debt_registration",
        {
            "case": case.number,
            "commitment": commitment,
            "amount": f"{fen_to_yuan(fen)}",
            "due_date": due_date,
            "documents": [i.file_sha256 for i in items],
        },
        now=now,
        settings=settings,
    )
    case.registration_leaf = receipt.index
    ev.data = {**ev.data, "leaf_index": receipt.index, "documents": len(items)}
    return case


def registration_commitment_input(case: DebtCase) -> dict[str, Any]:
    """What the creditor reveals to prove the registration leaf is this debt (salt included)."""
    return {
        "salt": case.commitment_salt,
        "creditor": case.creditor_id,
        "debtor": case.debtor_name,
        "debtor_code": case.debtor_code,
        "basis": case.basis,
        "amount": str(fen_to_yuan(case.amount_fen)),
        "due_date": case.due_date,
    }


def _review(session: Session, contract: Upload, agency_code: str, now: datetime) -> dict[str, Any]:
    """The documents domain's review, with the agency's kind and published maximum rate (a law
    firm's contingency fee is held to the legal cap)."""
    from xinyong.documents.review.extract import read_contract
    from xinyong.documents.review.service import review_for_agency

    report = review_for_agency(
        session, read_contract(contract.content), contract.name, agency_code=agency_code
    )
    if report.verdict == "unlawful_terms":
        flags = "；".join(f.title_zh for f in report.flags)
        flags_en = "; ".join(f.title_en for f in report.flags)
        raise ContractRefused(
            f"委托合同含有违法或不公平条款，不能据此委托：{flags}",
            f"the contract has unlawful or unfair terms and cannot be used: {flags_en}",
            field="contract",
        )
    return {
        "verdict": report.verdict,
        "missing": report.missing,
        # The clauses by name, as the rules in force called them: both parties read them.
        "missing_titles": [
            {"zh": c.title_zh, "en": c.title_en} for c in report.clauses if not c.found
        ],
        "summary_zh": report.summary_zh,
        "summary_en": report.summary_en,
    }


def entrust(
    session: Session,
    case_id: int,
    actor: Actor,
    *,
    agency_code: str,
    contract_number: str,
    contract: Upload | None = None,
    now: datetime | None = None,
    settings: LedgerSettings | None = None,
) -> DebtCase:
    """委托: to a listed agency, under a numbered contract (reviewed when the file is given)."""
    now = resolve(now)
    case = get_case(session, case_id)
    require_read(case, actor)
    _require(is_creditor(case, actor), "委托人（债权人）", "the creditor")
    if case.state != "registered":
        raise WrongState(
            f"案件 {case.number} 状态为“{STATE_ZH[case.state]}”，只有已登记的债务可以委托",
            f"case {case.number} is {STATE_EN[case.state]}: only a registered debt can be entrusted",
        )
    contract_number = _need(
        contract_number, "contract_number", "委托合同编号", "contract number", 64
    )
    agency = get_agency(session, agency_code, on=today_shanghai(now))
    if not agency.listed:
        why_zh = "；".join(zh for zh, _ in agency.notices) or "不符合名录条件"
        why_en = "; ".join(en for _, en in agency.notices) or "does not meet the listing rules"
        raise AgencyNotListed(
            f"{agency.name}未列入机构名录，不能受托：{why_zh}",
            f"{agency.name} is not listed and cannot take cases: {why_en}",
            field="agency_code",
        )
    other = _open_duplicate(session, case.debt_key, case.id, entrusted_only=True)
    if other is not None:
        raise _duplicate_error(other)
    review = _review(session, contract, agency.credit_code, now) if contract is not None else None
    case.agency_code = agency.credit_code
    case.agency_name = agency.name
    case.agency_kind = agency.kind
    case.contract_number = contract_number
    case.contract_review = review
    assert agency.schedule is not None  # listed implies a schedule in force
    case.schedule_version = agency.schedule.version
    case.schedule = agency.schedule.schedule.model_dump(mode="json", by_alias=True)
    case.entrusted_at = now
    case.first_report_due_at = now + FIRST_REPORT_WITHIN
    ev = _event(
        session,
        case,
        actor,
        "entrusted",
        now,
        to_state="entrusted",
        data={
            "agency_code": agency.credit_code,
            "agency_name": agency.name,
            "contract_number": contract_number,
            "schedule_version": agency.schedule.version,
            "first_report_due_at": case.first_report_due_at.isoformat(),
        },
    )
    if contract is not None:
        (item,) = evidence.record(
            session,
            role="contract",
            payload={
                "case": case.number,
                "contract_number": contract_number,
                "agency": agency.credit_code,
                "entrusted_at": now,
            },
            files=[contract],
            now=now,
            settings=settings,
            case_id=case.id,
            event_id=ev.id,
            agency_code=agency.credit_code,
        )
        case.contract_sha256 = item.file_sha256
        case.contract_leaf = item.leaf_index
        ev.data = {**ev.data, "contract_sha256": item.file_sha256, "leaf_index": item.leaf_index}
    due = shanghai_text(case.first_report_due_at)
    _tell_agency(
        session,
        case,
        "case_entrusted",
        now,
        (f"新委托案件 {case.number}", f"New case {case.number} entrusted"),
        (
            f"{case.creditor_name}依合同 {contract_number} 委托案件 {case.number}，"
            f"首次调查报告须于 {due} 前提交。",
            f"{case.creditor_name} entrusted case {case.number} under contract {contract_number}; "
            f"the first investigation report is due by {due} (Asia/Shanghai).",
        ),
    )
    return case


def shanghai_text(at: datetime) -> str:
    from xinyong.lists.clock import SHANGHAI

    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def move(
    session: Session,
    case_id: int,
    actor: Actor,
    to_state: str,
    note: str | None = None,
    now: datetime | None = None,
) -> CaseEvent:
    """The agency moves its case on; the creditor may only close (withdraw) it."""
    now = resolve(now)
    case = get_case(session, case_id)
    require_read(case, actor)
    if to_state not in STATE_ZH:
        raise InvalidInput(
            f"to_state：未知状态“{to_state}”，可用：{'、'.join(STATE_ZH)}",
            f"to_state: unknown state '{to_state}'; known: {', '.join(STATE_ZH)}",
            field="to_state",
        )
    if is_creditor(case, actor):
        _require(to_state == "closed", "受托机构", "the agency")
    else:
        _require(is_agency(case, actor) or actor.kind == "operator", "受托机构", "the agency")
    if to_state not in MOVES.get(case.state, set()):
        allowed = sorted(MOVES.get(case.state, set()))
        raise WrongState(
            f"案件 {case.number} 不能从“{STATE_ZH[case.state]}”转为“{STATE_ZH[to_state]}”；"
            f"可转为：{'、'.join(STATE_ZH[s] for s in allowed) or '无'}",
            f"case {case.number} cannot go from {case.state} to {to_state}; "
            f"allowed: {', '.join(allowed) or 'none'}",
            field="to_state",
        )
    if to_state == "closed":
        case.finished_at = case.finished_at or now
    ev = _event(session, case, actor, "state", now, text=note, to_state=to_state)
    _tell_creditor(
        session,
        case,
        "state_changed",
        now,
        (
            f"案件 {case.number}：{STATE_ZH[to_state]}",
            f"Case {case.number}: {STATE_EN[to_state]}",
        ),
        (
            f"{actor.name}将案件转为“{STATE_ZH[to_state]}”。{note or ''}",
            f"{actor.name} moved the case to {STATE_EN[to_state]}. {note or ''}".strip(),
        ),
    )
    return ev


def next_states(case: DebtCase, actor: Actor) -> list[str]:
    """Where this actor may move the case now (what `move` accepts), in the life's order: the
    agency and operators any next state, the creditor only 已结案 (close, withdraw)."""
    allowed = MOVES.get(case.state, set())
    if is_creditor(case, actor):
        return ["closed"] if "closed" in allowed else []
    if is_agency(case, actor) or actor.kind == "operator":
        return [s for s in STATE_ZH if s in allowed]
    return []


def may_record_recovery(case: DebtCase, actor: Actor) -> bool:
    """Whether `record_recovery` would take an amount from this actor now."""
    working = case.state in (*WORKING, "recovered_partly")
    return working and (is_agency(case, actor) or actor.kind == "operator")


def may_post_progress(case: DebtCase, actor: Actor) -> bool:
    """Whether `post_progress` would take an update from this actor now."""
    return is_agency(case, actor) and case.state in (*OPEN_STATES, "recovered_fully")


def post_progress(
    session: Session,
    case_id: int,
    actor: Actor,
    text: str,
    files: list[Upload] | None = None,
    *,
    report: bool = False,
    now: datetime | None = None,
    settings: LedgerSettings | None = None,
) -> CaseEvent:
    """进展: text with images and files, each on the ledger; `report` marks an investigation report."""
    now = resolve(now)
    case = get_case(session, case_id)
    require_read(case, actor)
    _require(is_agency(case, actor), "受托机构", "the agency the case is entrusted to")
    if case.state not in OPEN_STATES and case.state != "recovered_fully":
        raise WrongState(
            f"案件 {case.number} 状态为“{STATE_ZH[case.state]}”，不能再发布进展",
            f"case {case.number} is {STATE_EN[case.state]}: no more progress can be posted",
        )
    text = _need(text, "text", "进展说明", "the progress text", 5000)
    files = files or []
    evidence.check_uploads(files)
    data: dict[str, Any] = {"report": report}
    if report and case.first_report_at is None:
        case.first_report_at = now
        on_time = now <= case.first_report_due_at
        data["first_report"] = True
        data["on_time"] = on_time
        if not on_time and case.first_report_missed_at is None:
            case.first_report_missed_at = case.first_report_due_at
        if case.state == "entrusted":
            _event(session, case, actor, "state", now, to_state="investigating")
    ev = _event(session, case, actor, "report" if report else "progress", now, text=text, data=data)
    items = evidence.record(
        session,
        role="report" if report else "progress",
        payload={
            "case": case.number,
            "event": ev.id,
            "agency": case.agency_code,
            "posted_at": now,
            "text_sha256": evidence.text_digest(text),
        },
        files=files,
        now=now,
        settings=settings,
        case_id=case.id,
        event_id=ev.id,
        agency_code=case.agency_code,
        text_only=True,
    )
    ev.data = {
        **data,
        "evidence": [
            {
                "id": i.id,
                "sha256": i.file_sha256,
                "name": i.file_name,
                "media_type": i.media_type,
                "size": i.size,
                "leaf_index": i.leaf_index,
            }
            for i in items
        ],
    }
    what_zh = "调查报告" if report else "进展"
    what_en = "investigation report" if report else "progress update"
    _tell_creditor(
        session,
        case,
        "progress",
        now,
        (f"案件 {case.number} 有新{what_zh}", f"New {what_en} on case {case.number}"),
        (
            f"{case.agency_name}：{text[:200]}（附件 {len(files)} 个）",
            f"{case.agency_name} posted an {what_en} with {len(files)} file(s).",
        ),
    )
    return ev


@dataclass
class FeeFigures:
    low: Decimal
    high: Decimal
    lines: list[dict[str, str]]
    summary_zh: str
    summary_en: str


def compute_fee(case: DebtCase) -> FeeFigures:
    """The agreed schedule applied to what has been recovered, line by line."""
    schedule = FeeSchedule.model_validate(case.schedule)
    q = quote(
        schedule,
        fen_to_yuan(case.amount_fen),
        fen_to_yuan(case.recovered_fen),
        kind=case.agency_kind,
    )
    lines = [
        {
            "kind": ln.kind,
            "zh": ln.text_zh,
            "en": ln.text_en,
            "low": str(ln.low),
            "high": str(ln.high),
        }
        for ln in q.lines
    ]
    return FeeFigures(q.total_low, q.total_high, lines, q.summary_zh, q.summary_en)


# How the money came in (回款方式), as the recovery form offers it.
RECOVERY_METHODS = {
    "bank_transfer": ("银行转账", "bank transfer"),
    "court_enforcement": ("法院执行款划付", "court enforcement payout"),
    "cash": ("现金", "cash"),
    "offset": ("债务抵销", "set-off against a debt"),
    "in_kind": ("以物抵债", "property in lieu of payment"),
    "other": ("其他（请在说明中写明）", "other (say how in the note)"),
}


def _received_on(case: DebtCase, received_on: date | None, now: datetime) -> date:
    """The day the money came in (Asia/Shanghai): today when not given, never in the future,
    never before the case was entrusted (money recovered before belongs to no engagement)."""
    today = local_date(now)
    day = received_on or today
    if day > today:
        raise InvalidInput(
            f"received_on：回款日期 {day} 晚于今天（{today}，北京时间），不能登记将来的回款",
            f"received_on: {day} is after today ({today}, Beijing time); "
            "a recovery cannot be recorded ahead",
            field="received_on",
        )
    entrusted = local_date(case.entrusted_at) if case.entrusted_at else None
    if entrusted and day < entrusted:
        raise InvalidInput(
            f"received_on：回款日期 {day} 早于委托日期 {entrusted}，委托前收回的款项不计入本案",
            f"received_on: {day} is before the case was entrusted on {entrusted}; money "
            "recovered before the entrustment is not part of this case",
            field="received_on",
        )
    return day


def record_recovery(
    session: Session,
    case_id: int,
    actor: Actor,
    amount: Decimal,
    note: str | None = None,
    now: datetime | None = None,
    *,
    method: str,
    received_on: date | None = None,
) -> CaseEvent:
    """回款: money recovered, on which day (`received_on`, Asia/Shanghai; today when not given)
    and how (`method`, one of RECOVERY_METHODS); the state follows and the fee is recomputed
    from the agreed schedule."""
    now = resolve(now)
    case = get_case(session, case_id)
    require_read(case, actor)
    _require(is_agency(case, actor) or actor.kind == "operator", "受托机构", "the agency")
    if case.state not in (*WORKING, "recovered_partly"):
        raise WrongState(
            f"案件 {case.number} 状态为“{STATE_ZH[case.state]}”，不能登记回款",
            f"case {case.number} is {STATE_EN[case.state]}: no recovery can be recorded",
        )
    fen = _amount(amount)
    if method not in RECOVERY_METHODS:
        raise InvalidInput(
            f"method：回款方式“{method}”无效，可选："
            + "、".join(f"{k}（{v[0]}）" for k, v in RECOVERY_METHODS.items()),
            f"method: '{method}' is not a way money comes in; one of: "
            + ", ".join(RECOVERY_METHODS),
            field="method",
        )
    day = _received_on(case, received_on, now)
    if case.recovered_fen + fen > case.amount_fen:
        left = fen_to_yuan(case.amount_fen - case.recovered_fen)
        raise InvalidInput(
            f"amount：回款 {yuan(amount)} 元超过尚未回收的 {yuan(left)} 元",
            f"amount: {yuan(amount)} yuan is more than the {yuan(left)} yuan still owed",
            field="amount",
        )
    if case.recovered_via is None:
        case.recovered_via = case.state
    case.recovered_fen += fen
    full = case.recovered_fen == case.amount_fen
    fee = compute_fee(case)
    case.fee_fen = int(fee.low * 100)
    case.fee_high_fen = int(fee.high * 100)
    case.fee_lines = fee.lines
    if full:
        case.finished_at = now
    to_state = "recovered_fully" if full else "recovered_partly"
    ev = _event(
        session,
        case,
        actor,
        "recovery",
        now,
        text=note,
        to_state=to_state,
        data={
            "amount": str(amount),
            "received_on": day.isoformat(),
            "method": method,
            "recovered": str(fen_to_yuan(case.recovered_fen)),
            "fee": str(fee.low),
            "fee_high": str(fee.high),
            "fee_lines": fee.lines,
        },
    )
    _tell_creditor(
        session,
        case,
        "recovery",
        now,
        (
            f"案件 {case.number} 回款 {yuan(amount)} 元",
            f"Case {case.number}: {yuan(amount)} yuan recovered",
        ),
        (
            f"{day} {RECOVERY_METHODS[method][0]}收回 {yuan(amount)} 元。"
            f"累计回收 {yuan(fen_to_yuan(case.recovered_fen))} 元。按约定收费标准：{fee.summary_zh}",
            f"{yuan(amount)} yuan came in on {day} by {RECOVERY_METHODS[method][1]}. "
            f"{yuan(fen_to_yuan(case.recovered_fen))} yuan recovered in all. "
            f"Under the agreed schedule: {fee.summary_en}",
        ),
    )
    return ev


def recoveries(session: Session, case_id: int) -> list[CaseEvent]:
    """The case's recoveries (回款记录), in the order they were recorded."""
    return list(
        session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.kind == "recovery")
            .order_by(CaseEvent.id)
        )
    )


def first_report_clock(case: DebtCase, now: datetime | None = None) -> dict[str, Any]:
    """The 3-day clock as the creditor and the agency see it."""
    now = resolve(now)
    due = case.first_report_due_at
    if due is None:
        return {"status": "not_started", "due_at": None, "seconds_left": None}
    if case.first_report_at is not None:
        status = "on_time" if case.first_report_at <= due else "late"
    elif case.first_report_missed_at is not None or now > due:
        status = "missed"
    else:
        status = "running"
    left = max(int((due - now).total_seconds()), 0) if status == "running" else None
    return {
        "status": status,
        "due_at": due,
        "seconds_left": left,
        "reported_at": case.first_report_at,
        "missed_at": case.first_report_missed_at,
    }


def sweep_first_reports(session: Session, now: datetime | None = None) -> list[int]:
    """Record every first report now overdue, and tell both sides; the caller commits."""
    now = resolve(now)
    overdue = session.scalars(
        select(DebtCase)
        .where(
            DebtCase.first_report_at.is_(None),
            DebtCase.first_report_missed_at.is_(None),
            DebtCase.first_report_due_at < now,
            DebtCase.state.in_(OPEN_STATES),
        )
        .with_for_update()
    ).all()
    system = Actor("operator", "system", "系统 / system")
    for case in overdue:
        case.first_report_missed_at = case.first_report_due_at
        _event(session, case, system, "first_report_missed", now)
        subject = (
            f"案件 {case.number} 首次调查报告逾期",
            f"Case {case.number}: first investigation report overdue",
        )
        body = (
            f"{case.agency_name}未在委托后 3 日内（{shanghai_text(case.first_report_due_at)} 前）"
            "提交首次调查报告，已记录在案并计入机构服务记录。",
            f"{case.agency_name} did not deliver the first investigation report within 3 days "
            "of entrustment; the miss is on record and counts in the agency's service record.",
        )
        _tell_creditor(session, case, "first_report_missed", now, subject, body)
        _tell_agency(session, case, "first_report_missed", now, subject, body)
    return [c.id for c in overdue]


def evidence_items(session: Session, case_id: int) -> list[EvidenceItem]:
    """The case's evidence in the order it was recorded."""
    return list(
        session.scalars(
            select(EvidenceItem).where(EvidenceItem.case_id == case_id).order_by(EvidenceItem.id)
        )
    )


def events_after(
    session: Session, case_id: int, after: int = 0, limit: int = 100
) -> list[CaseEvent]:
    return list(
        session.scalars(
            select(CaseEvent)
            .where(CaseEvent.case_id == case_id, CaseEvent.id > after)
            .order_by(CaseEvent.id)
            .limit(limit)
        )
    )
