"""Complaints against agencies (投诉): 48-hour response clock, reminder, escalation, satisfaction."""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import case, func, select, type_coerce
from sqlalchemy.orm import Session

from xinyong.accounts import privacy
from xinyong.accounts.principal import Principal
from xinyong.agencies.models import Agency
from xinyong.agencies.service import AgencyView, get_agency
from xinyong.cases import evidence, notices
from xinyong.cases.actors import Actor, Upload
from xinyong.cases.errors import NotAllowed, WrongState
from xinyong.cases.models import Complaint, DebtCase, EvidenceItem
from xinyong.cases.service import shanghai_text
from xinyong.errors import InvalidInput, NotFound
from xinyong.ledger import service as ledger
from xinyong.ledger.config import LedgerSettings
from xinyong.lists.clock import resolve
from xinyong.paging import PAGE_SIZE, Page, keyset
from xinyong.types import UTCDateTime

RESPONSE_WITHIN = timedelta(hours=48)  # 48 小时内答复
REMIND_BEFORE = timedelta(hours=12)  # one reminder when 12 hours are left
COMPLAINANTS = {
    "creditor": ("债权人", "creditor"),
    "debtor": ("债务人", "debtor"),
    "relative": ("债务人亲友", "a debtor's relative or friend"),
    "public": ("其他公众", "member of the public"),
}
CATEGORIES = {
    "harassment": ("骚扰、威胁或其他违法催收", "harassment, threats or other unlawful collection"),
    "privacy": ("泄露或滥用个人信息", "leaking or misusing personal information"),
    "fees": ("收费问题", "fees"),
    "service": ("服务质量（拖延、不报告进展）", "service (delays, no progress reports)"),
    "other": ("其他", "other"),
}


# A complaint's history as people read it (`_history` entries' "what").
HISTORY_NAMES = {
    "filed": ("提交投诉", "filed"),
    "reminded": ("提醒机构答复", "agency reminded"),
    "answered": ("机构答复", "answered by the agency"),
    "escalated": ("移交平台", "escalated to the platform"),
    "taken": ("认领", "taken"),
    "resolved": ("办结", "resolved"),
    "rated": ("投诉人评价", "rated by the complainant"),
}


def _hash(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def _history(c: Complaint, what: str, who: str, now: datetime, **more: Any) -> None:
    c.history = [*(c.history or []), {"what": what, "who": who, "at": now.isoformat(), **more}]


def queue(session: Session, state: str | None = None, limit: int = 500) -> list[Complaint]:
    """Complaints by their 48-hour deadline, soonest first (the operators' queue)."""
    q = select(Complaint).order_by(Complaint.due_at).limit(limit)
    if state:
        q = q.where(Complaint.state == state)
    return list(session.scalars(q))


def count_in(session: Session, state: str) -> int:
    """How many complaints are in a state: a console tile, counted, not loaded."""
    return session.scalar(select(func.count()).where(Complaint.state == state)) or 0


def get_complaint(session: Session, complaint_id: int) -> Complaint:
    c = session.get(Complaint, complaint_id)
    if c is None:
        raise NotFound(f"没有编号为 {complaint_id} 的投诉", f"no complaint with id {complaint_id}")
    return c


def _not_found_or_wrong_code(complaint_id: int) -> NotFound:
    return NotFound(
        f"投诉 {complaint_id} 不存在或查询码不符，请核对提交投诉时显示的查询码",
        f"complaint {complaint_id} does not exist or the query code is wrong; "
        "check the code you were shown when you filed",
        field="code",
    )


def check_query_code(c: Complaint, code: str | None) -> None:
    """A wrong code looks like a missing complaint: complaints name people."""
    if not code or not secrets.compare_digest(_hash(code), c.query_code_hash):
        raise _not_found_or_wrong_code(c.id)


def with_code(session: Session, complaint_id: int, code: str | None) -> Complaint:
    """The complaint its query code opens; a missing one and a wrong code get the same answer,
    so nobody can find out which complaint numbers exist."""
    c = session.get(Complaint, complaint_id)
    if c is None:
        raise _not_found_or_wrong_code(complaint_id)
    check_query_code(c, code)
    return c


def evidence_of(session: Session, complaint_ids: list[int]) -> dict[int, list[EvidenceItem]]:
    """The complainant's exhibits and the agency's attachments, per complaint, in filing order."""
    out: dict[int, list[EvidenceItem]] = {i: [] for i in complaint_ids}
    if complaint_ids:
        for item in session.scalars(
            select(EvidenceItem)
            .where(EvidenceItem.complaint_id.in_(complaint_ids))
            .order_by(EvidenceItem.id)
        ):
            out[item.complaint_id].append(item)
    return out


def evidence_file(session: Session, complaint_id: int, item_id: int) -> EvidenceItem:
    """One stored file of a complaint (an exhibit or the answer's attachment)."""
    item = session.get(EvidenceItem, item_id)
    if item is None or item.complaint_id != complaint_id or item.file_sha256 is None:
        raise NotFound(
            f"投诉 {complaint_id} 没有文件 {item_id}",
            f"complaint {complaint_id} has no file {item_id}",
        )
    return item


_CODE_SHAPE = re.compile(r"[0-9A-Z]{18}")


def complained_agency(session: Session, given: str) -> AgencyView:
    """The agency a complaint is about: its credit code, or its name exactly as the directory
    has it (a debtor's relative knows the firm's name, rarely its code)."""
    text = (given or "").strip()
    if not text:
        raise InvalidInput(
            "agency_code：请填写被投诉机构的名称或统一社会信用代码",
            "agency_code: give the agency's name or its credit code",
            field="agency_code",
        )
    if _CODE_SHAPE.fullmatch(text.upper()):
        return get_agency(session, text)
    names = {text, text.replace("(", "（").replace(")", "）")}
    codes = session.scalars(select(Agency.credit_code).where(Agency.name.in_(names)).limit(2)).all()
    if len(codes) > 1:
        raise InvalidInput(
            f"agency_code：名录中有多家名为“{text}”的机构，请填写其统一社会信用代码",
            f"agency_code: several agencies in the directory are named '{text}'; give its credit code",
            field="agency_code",
        )
    if not codes:
        raise InvalidInput(
            f"agency_code：机构名录中没有名为“{text}”的机构；请填写与名录一致的机构全称或"
            "18 位统一社会信用代码，或在机构页面点击“投诉该机构”",
            f"agency_code: no agency named '{text}' in the directory; give its full name as the "
            "directory lists it, or its 18-character credit code, or use 'Complain about this "
            "agency' on its page",
            field="agency_code",
        )
    return get_agency(session, codes[0])


def _choice(value: str, options: dict, field: str) -> str:
    if value not in options:
        raise InvalidInput(
            f"{field}：“{value}”无效，可选：{'、'.join(f'{k}（{v[0]}）' for k, v in options.items())}",
            f"{field}: '{value}' is invalid; one of: {', '.join(options)}",
            field=field,
        )
    return value


def file_complaint(
    session: Session,
    *,
    agency_code: str,
    complainant_kind: str,
    complainant_name: str,
    text: str,
    category: str = "other",
    complainant_contact: str | None = None,
    case_id: int | None = None,
    files: list[Upload] | None = None,
    now: datetime | None = None,
    settings: LedgerSettings | None = None,
    creditor: Actor | None = None,
) -> tuple[Complaint, str]:
    """Anyone files; the agency's 48 hours start now. Returns the complaint and its query code.

    A signed-in creditor (`creditor`) files about its own case, and follows the complaint in its
    workspace without the query code."""
    now = resolve(now)
    _choice(complainant_kind, COMPLAINANTS, "complainant_kind")
    _choice(category, CATEGORIES, "category")
    name = (complainant_name or "").strip()
    if not name or len(name) > 200:
        raise InvalidInput(
            "complainant_name：投诉人姓名为必填项（最长 200 字）",
            "complainant_name: the complainant's name is required (at most 200 characters)",
            field="complainant_name",
        )
    text = (text or "").strip()
    if not text or len(text) > 5000:
        raise InvalidInput(
            "text：投诉内容为必填项（最长 5000 字）",
            "text: the complaint is required (at most 5000 characters)",
            field="text",
        )
    agency = complained_agency(session, agency_code)
    if creditor is not None and creditor.kind != "creditor":
        raise NotAllowed("只有债权人可以代表机构投诉", "only a creditor files as one")
    if case_id is not None:
        case = session.get(DebtCase, case_id)
        if creditor is not None and (case is None or case.creditor_id != creditor.id):
            raise InvalidInput(
                f"case_id：案件 {case_id} 不是{creditor.name}的案件",
                f"case_id: case {case_id} is not a case of {creditor.name}",
                field="case_id",
            )
        if case is None or case.agency_code != agency.credit_code:
            raise InvalidInput(
                f"case_id：案件 {case_id} 不是委托给{agency.name}的案件",
                f"case_id: case {case_id} is not a case entrusted to {agency.name}",
                field="case_id",
            )
    files = files or []
    evidence.check_uploads(files)
    code = secrets.token_urlsafe(12)
    c = Complaint(
        agency_code=agency.credit_code,
        agency_name=agency.name,
        case_id=case_id,
        complainant_kind=complainant_kind,
        complainant_name=name,
        complainant_contact=(complainant_contact or "").strip() or None,
        creditor_id=creditor.id if creditor is not None else None,
        category=category,
        text=text,
        query_code_hash=_hash(code),
        state="filed",
        filed_at=now,
        due_at=now + RESPONSE_WITHIN,
        history=[],
    )
    session.add(c)
    session.flush()
    _history(c, "filed", COMPLAINANTS[complainant_kind][1], now)
    evidence.record(
        session,
        role="complaint",
        payload={
            "complaint": c.id,
            "agency": agency.credit_code,
            "filed_at": now,
            "text_sha256": evidence.text_digest(text),
        },
        files=files,
        now=now,
        settings=settings,
        complaint_id=c.id,
        agency_code=agency.credit_code,
        text_only=True,
    )
    due = shanghai_text(c.due_at)
    notices.notify(
        session,
        kind="complaint_filed",
        recipient_kind="agency",
        recipient_code=agency.credit_code,
        recipient_name=agency.name,
        subject=(f"收到投诉 {c.id}，请于 {due} 前答复", f"Complaint {c.id}: answer by {due}"),
        body=(
            f"{COMPLAINANTS[complainant_kind][0]}投诉（{CATEGORIES[category][0]}）。"
            f"依委托协议和平台规则，须在 48 小时内（{due} 前）答复，逾期将移交平台处理。",
            f"A {COMPLAINANTS[complainant_kind][1]} complains ({CATEGORIES[category][1]}). "
            f"Answer within 48 hours (by {due}, Asia/Shanghai) or it is escalated to the platform.",
        ),
        now=now,
        complaint_id=c.id,
    )
    return c, code


def respond(
    session: Session,
    complaint_id: int,
    actor: Actor,
    text: str,
    files: list[Upload] | None = None,
    now: datetime | None = None,
    settings: LedgerSettings | None = None,
) -> Complaint:
    """The agency's answer; whether it came within 48 hours is recorded for good."""
    now = resolve(now)
    c = get_complaint(session, complaint_id)
    if not (actor.kind == "agency" and actor.org_code == c.agency_code):
        raise NotAllowed("只有被投诉机构可以答复", "only the agency complained about may answer")
    if c.responded_at is not None or c.state == "resolved":
        raise WrongState(f"投诉 {c.id} 已答复", f"complaint {c.id} was already answered")
    text = (text or "").strip()
    if not text:
        raise InvalidInput("text：答复内容为必填项", "text: the answer is required", field="text")
    files = files or []
    evidence.check_uploads(files)
    c.responded_at = now
    c.response_text = text
    c.responded_by = actor.name[:200]
    c.state = "answered"
    in_time = now <= c.due_at
    _history(c, "answered", actor.name, now, in_time=in_time)
    evidence.record(
        session,
        role="response",
        payload={
            "complaint": c.id,
            "agency": c.agency_code,
            "answered_at": now,
            "text_sha256": evidence.text_digest(text),
        },
        files=files,
        now=now,
        settings=settings,
        complaint_id=c.id,
        agency_code=c.agency_code,
        text_only=True,
    )
    late_zh = "" if in_time else "（已超过 48 小时答复期限）"
    late_en = "" if in_time else " (after the 48-hour deadline)"
    notices.notify(
        session,
        kind="complaint_answered",
        recipient_kind="complainant",
        recipient_code=c.complainant_contact,
        recipient_name=c.complainant_name,
        subject=(f"投诉 {c.id} 已答复{late_zh}", f"Complaint {c.id} answered{late_en}"),
        body=(
            f"{c.agency_name}答复：{text[:500]}。请凭查询码评价满意度。",
            f"{c.agency_name} answered. Use your query code to rate the answer.",
        ),
        now=now,
        complaint_id=c.id,
    )
    return c


def answered_in_time(c: Complaint) -> bool | None:
    if c.responded_at is None:
        return None
    return c.responded_at <= c.due_at


def _anchor(
    session: Session, c: Complaint, step: str, by: str, now: datetime, text: str | None
) -> int:
    """A step the platform takes on a complaint (移交平台, 办结) as a ledger leaf, like its filing
    and its answer: by whom as a role ("system", "complainant", "operator": the log is public
    and an operator's name can carry an e-mail address), when, and the words by their hash
    (they may name people). The complaint's history keeps the operator's name."""
    receipt = ledger.append(
        session,
        "complaint_step",
        {
            "complaint": c.id,
            "agency": c.agency_code,
            "step": step,
            "by": by,
            "at": now,
            "text_sha256": evidence.text_digest(text),
        },
        now=now,
    )
    return receipt.index


def _escalate(
    session: Session,
    c: Complaint,
    now: datetime,
    who: str,
    *,
    subject: tuple[str, str],
    body: tuple[str, str],
    reason: str | None = None,
) -> None:
    """移交平台, the one way a complaint reaches the operators: from the 48-hour sweep (`who`
    "system") or from its complainant (with the reason). Both the operators and the agency are
    told; the step goes on the ledger."""
    c.state = "escalated"
    c.escalated_at = now
    more = {"reason": reason} if reason is not None else {}
    leaf = _anchor(session, c, "escalated", who, now, reason)
    _history(c, "escalated", who, now, **more, leaf=leaf)
    for kind, name, code in (
        ("operator", "平台操作员 / operators", None),
        ("agency", c.agency_name, c.agency_code),
    ):
        notices.notify(
            session,
            kind="complaint_escalated",
            recipient_kind=kind,
            recipient_code=code,
            recipient_name=name,
            subject=subject,
            body=body,
            now=now,
            complaint_id=c.id,
        )


def sweep(session: Session, now: datetime | None = None) -> dict[str, list[int]]:
    """Remind agencies 12 hours before the deadline; escalate every breach to the operators."""
    now = resolve(now)
    open_ = select(Complaint).where(Complaint.state == "filed", Complaint.responded_at.is_(None))
    reminded, escalated = [], []
    due_soon = open_.where(
        Complaint.reminded_at.is_(None),
        Complaint.due_at <= now + REMIND_BEFORE,
        Complaint.due_at >= now,
    )
    for c in session.scalars(due_soon).all():
        c.reminded_at = now
        _history(c, "reminded", "system", now)
        due = shanghai_text(c.due_at)
        notices.notify(
            session,
            kind="complaint_reminder",
            recipient_kind="agency",
            recipient_code=c.agency_code,
            recipient_name=c.agency_name,
            subject=(
                f"提醒：投诉 {c.id} 须于 {due} 前答复",
                f"Reminder: answer complaint {c.id} by {due}",
            ),
            body=(
                "距 48 小时答复期限不足 12 小时，逾期将移交平台操作员处理并计入服务记录。",
                "Less than 12 hours are left of the 48 hours; a breach goes to the platform's "
                "operators and counts in your service record.",
            ),
            now=now,
            complaint_id=c.id,
        )
        reminded.append(c.id)
    for c in session.scalars(open_.where(Complaint.due_at < now).with_for_update()).all():
        c.breached_at = c.due_at
        _escalate(
            session,
            c,
            now,
            "system",
            subject=(
                f"投诉 {c.id} 超过 48 小时未答复，已移交平台",
                f"Complaint {c.id}: no answer within 48 hours, escalated",
            ),
            body=(
                f"{c.agency_name}未在 {shanghai_text(c.due_at)} 前答复投诉 {c.id}"
                f"（{CATEGORIES[c.category][0]}），请操作员跟进处理。",
                f"{c.agency_name} did not answer complaint {c.id} "
                f"({CATEGORIES[c.category][1]}) by the deadline; an operator must follow up.",
            ),
        )
        escalated.append(c.id)
    return {"reminded": reminded, "escalated": escalated}


_WHO = {
    "system": ("系统（48 小时时钟）", "system (the 48-hour clock)"),
    "complainant": ("投诉人", "complainant"),
    **{en: (zh, en) for zh, en in COMPLAINANTS.values()},
}


def history_view(c: Complaint) -> list[dict[str, Any]]:
    """The history for reading: each step's time as a datetime and who took it in both
    languages (an operator or the agency by name)."""
    out = []
    for h in c.history or []:
        zh, en = _WHO.get(h.get("who", ""), (h.get("who", ""), h.get("who", "")))
        at = datetime.fromisoformat(h["at"]) if h.get("at") else None
        out.append({**h, "at": at, "who_zh": zh, "who_en": en})
    return out


def holder_of(c: Complaint) -> dict[str, Any] | None:
    """The operator who holds the complaint and since when (its latest take), or None."""
    if not c.operator:
        return None
    taken = [h for h in c.history or [] if h.get("what") == "taken" and h.get("who") == c.operator]
    return {"who": c.operator, "at": datetime.fromisoformat(taken[-1]["at"]) if taken else None}


def reveal_complainant(
    session: Session,
    principal: Principal,
    complaint_id: int,
    ip: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """Who complained and how to reach them, for an operator handling the complaint (投诉处理,
    the purpose "supervision"): shown only when asked, each time a line of the access audit
    log, as every unmasked read of a person's data is."""
    c = get_complaint(session, complaint_id)
    entry = privacy.record_access(
        session,
        principal,
        action="unmask",
        record=f"complaint:{c.id}",
        fields=["complainant_name", "complainant_contact"],
        subject=privacy.person_ref(c.complainant_name, None),
        purpose="supervision",
        role=principal.role,
        ip=ip,
        now=resolve(now),
    )
    return {
        "name": c.complainant_name,
        "kind": c.complainant_kind,
        "contact": c.complainant_contact,
        "audit_id": entry.id,
    }


def take(
    session: Session,
    complaint_id: int,
    operator: str,
    now: datetime | None = None,
    take_over_from: str | None = None,
) -> Complaint:
    """认领: an operator takes a complaint to handle it; the complaint shows who holds it.

    One another operator holds is handed over only when the taker says whom it takes it from
    (`take_over_from`, the holder they were shown): covering for a colleague is normal, doing
    it by accident or over someone who took it a moment ago is not. The history keeps the
    hand-over. Taking one's own complaint again changes nothing."""
    now = resolve(now)
    c = get_complaint(session, complaint_id)
    operator = (operator or "").strip()[:200]
    if not operator:
        raise InvalidInput(
            "operator：须注明认领的操作员", "operator: name the operator who takes it"
        )
    if c.state == "resolved":
        raise WrongState(
            f"投诉 {c.id} 已办结（{c.operator or '操作员'}），无须认领",
            f"complaint {c.id} is already resolved (by {c.operator or 'an operator'}); "
            "there is nothing to take",
        )
    held = c.operator
    if held == operator:
        return c
    given = (take_over_from or "").strip() or None
    if held and given != held:
        since = holder_of(c) or {}
        when = f"（{shanghai_text(since['at'])} 起）" if since.get("at") else ""
        if given:
            raise WrongState(
                f"投诉 {c.id} 现由 {held} 认领{when}，不是您看到的 {given}；请刷新页面后再决定是否接手",
                f"complaint {c.id} is now held by {held}, not {given} as you saw; "
                "reload the page and decide again whether to take it over",
            )
        raise WrongState(
            f"投诉 {c.id} 已由 {held} 认领{when}；如需接手，请确认从 {held} 处接手",
            f"complaint {c.id} is held by {held}; to take it over, confirm that you take it "
            f"from {held}",
        )
    c.operator = operator
    if held:
        _history(c, "taken", operator, now, **{"from": held})
    else:
        _history(c, "taken", operator, now)
    return c


RESOLUTION_LIMIT = 5000


def resolve_complaint(
    session: Session, complaint_id: int, operator: str, resolution: str, now: datetime | None = None
) -> Complaint:
    """办结: an operator records how it was resolved; the complainant is told, the step goes on
    the ledger (the resolution by its hash)."""
    now = resolve(now)
    c = get_complaint(session, complaint_id)
    if c.state == "resolved":
        raise WrongState(
            f"投诉 {c.id} 已由 {c.operator or '操作员'} 办结",
            f"complaint {c.id} is already resolved by {c.operator or 'an operator'}",
        )
    resolution = (resolution or "").strip()
    if not resolution or len(resolution) > RESOLUTION_LIMIT:
        raise InvalidInput(
            f"resolution：办结意见为必填项（最长 {RESOLUTION_LIMIT} 字），请写明如何处理",
            f"resolution: the resolution is required (at most {RESOLUTION_LIMIT} characters); "
            "say how the complaint was dealt with",
            field="resolution",
        )
    c.state = "resolved"
    c.resolved_at = now
    c.resolution = resolution
    c.operator = c.operator or operator
    leaf = _anchor(session, c, "resolved", "operator", now, resolution)
    _history(c, "resolved", operator, now, leaf=leaf)
    notices.notify(
        session,
        kind="complaint_resolved",
        recipient_kind="complainant",
        recipient_code=c.complainant_contact,
        recipient_name=c.complainant_name,
        subject=(f"投诉 {c.id} 已办结", f"Complaint {c.id} resolved"),
        body=(f"办结意见：{resolution}", f"Resolution: {resolution}"),
        now=now,
        complaint_id=c.id,
    )
    return c


# --- the operators' queue (投诉处理) -------------------------------------------------------

# Which complaints a queue shows; "open" (not resolved yet) is the console's default.
QUEUE_STATES: dict[str, tuple[str, str]] = {
    "open": ("未办结", "open"),
    "escalated": ("已移交平台", "escalated"),
    "filed": ("待答复", "awaiting answer"),
    "answered": ("已答复", "answered"),
    "resolved": ("已办结", "resolved"),
    "all": ("全部", "all"),
}
_RANK = {"escalated": 0, "filed": 1, "answered": 2, "resolved": 3}
# The queue's order: escalated first, then awaiting an answer, answered, resolved; within each
# the longest waiting first (escalated longest ago, the nearest deadline, answered longest ago).
_QUEUE_RANK = case(
    *((Complaint.state == state, rank) for state, rank in _RANK.items() if rank < 3), else_=3
)
_QUEUE_AT = type_coerce(
    case(
        (Complaint.state == "escalated", Complaint.escalated_at),
        (Complaint.state == "filed", Complaint.due_at),
        (Complaint.state == "answered", Complaint.responded_at),
        else_=Complaint.resolved_at,
    ),
    UTCDateTime,
)


def _cursor(text: str | None) -> int | None:
    """A complaint id from the address; anything else starts at the first page."""
    return int(text) if text and text.isdigit() else None


def operator_queue(
    session: Session,
    state: str = "open",
    *,
    before: str | None = None,
    after: str | None = None,
    size: int = PAGE_SIZE,
) -> Page[Complaint]:
    """One page of the operators' queue: escalated complaints first, the oldest escalation at
    the top, then those awaiting the agency's answer (nearest deadline first) and the answered
    ones; resolved ones come last, or newest first on their own. `state` is one of
    QUEUE_STATES; a cursor that does not read starts at the first page."""
    if state not in QUEUE_STATES:
        raise InvalidInput(
            f"state：“{state}”无效，可选：{'、'.join(f'{k}（{v[0]}）' for k, v in QUEUE_STATES.items())}",
            f"state: '{state}' is invalid; one of: {', '.join(QUEUE_STATES)}",
            field="state",
        )
    query = select(Complaint)
    if state == "open":
        query = query.where(Complaint.state != "resolved")
    elif state != "all":
        query = query.where(Complaint.state == state)
    return keyset(
        session,
        query,
        Complaint.id,
        before=_cursor(before),
        after=_cursor(after),
        size=size,
        # Resolved complaints are looked back on, the latest first.
        ascending=state != "resolved",
        behind=(_QUEUE_RANK, _QUEUE_AT),
    )


def rate(
    session: Session,
    complaint_id: int,
    query_code: str,
    satisfaction: int,
    note: str | None = None,
    now: datetime | None = None,
    creditor: Actor | None = None,
) -> Complaint:
    """The complainant's satisfaction, 1 (very dissatisfied) to 5 (very satisfied), once answered.

    The query code proves who complained; a creditor that filed while signed in (`creditor`)
    needs none."""
    now = resolve(now)
    c = session.get(Complaint, complaint_id)
    if not (c is not None and creditor is not None and c.creditor_id == creditor.id):
        c = with_code(session, complaint_id, query_code)
    if c.responded_at is None and c.resolved_at is None:
        raise WrongState(
            f"投诉 {c.id} 尚未答复或办结，暂不能评价",
            f"complaint {c.id} has not been answered or resolved yet",
        )
    if not isinstance(satisfaction, int) or not 1 <= satisfaction <= 5:
        raise InvalidInput(
            f"satisfaction：满意度应为 1–5 的整数，收到 {satisfaction!r}",
            f"satisfaction: expected an integer from 1 to 5, got {satisfaction!r}",
            field="satisfaction",
        )
    c.satisfaction = satisfaction
    c.satisfaction_note = (note or "").strip() or None
    _history(c, "rated", "complainant", now, satisfaction=satisfaction)
    return c


ESCALATION_REASON_LIMIT = 2000


def escalation_of(c: Complaint) -> dict[str, Any] | None:
    """The latest escalation (移交平台) as its history entry: who ("system" for a breach of the
    48 hours, "complainant"), when and, from a complainant, why."""
    found = [h for h in c.history or [] if h.get("what") == "escalated"]
    return found[-1] if found else None


def escalated_by_complainant(c: Complaint) -> bool:
    return any(
        h.get("what") == "escalated" and h.get("who") == "complainant" for h in c.history or []
    )


def may_escalate(c: Complaint) -> bool:
    """Whether the complainant may ask the platform to step in now: once the agency has answered,
    before the platform holds or has closed it, and once per complaint."""
    return c.state == "answered" and not escalated_by_complainant(c)


def escalate(
    session: Session,
    complaint_id: int,
    query_code: str | None,
    reason: str,
    now: datetime | None = None,
    creditor: Actor | None = None,
) -> Complaint:
    """申请平台介入: the complainant, not satisfied with the agency's answer, hands the complaint
    to the platform's operators with a stated reason; they take and resolve it as they do a
    breach of the 48 hours. The query code proves who complained; the creditor that filed it
    signed in (`creditor`) needs none."""
    now = resolve(now)
    c = session.get(Complaint, complaint_id)
    if not (c is not None and creditor is not None and c.creditor_id == creditor.id):
        c = with_code(session, complaint_id, query_code)
    if c.state == "resolved":
        raise WrongState(
            f"投诉 {c.id} 已由平台办结，不能再申请平台介入；如有新情况请另行投诉",
            f"complaint {c.id} is resolved by the platform and cannot be escalated again; "
            "file a new complaint if something new happened",
        )
    if c.state == "escalated":
        raise WrongState(
            f"投诉 {c.id} 已移交平台，操作员正在处理，无须再次申请",
            f"complaint {c.id} is already with the platform's operators",
        )
    if escalated_by_complainant(c):
        raise WrongState(
            f"投诉 {c.id} 已申请过一次平台介入，每件投诉只能申请一次",
            f"complaint {c.id} was escalated by its complainant once already; "
            "a complaint can be escalated once",
        )
    if c.responded_at is None:
        raise WrongState(
            f"投诉 {c.id} 机构尚未答复：请等待答复；48 小时内未答复的投诉会自动移交平台",
            f"complaint {c.id} is not answered yet: wait for the answer; a complaint not "
            "answered within 48 hours goes to the platform by itself",
        )
    reason = (reason or "").strip()
    if not reason or len(reason) > ESCALATION_REASON_LIMIT:
        raise InvalidInput(
            f"reason：请说明申请平台介入的理由（必填，最长 {ESCALATION_REASON_LIMIT} 字）",
            f"reason: say why the platform should step in (required, at most "
            f"{ESCALATION_REASON_LIMIT} characters)",
            field="reason",
        )
    _escalate(
        session,
        c,
        now,
        "complainant",
        subject=(
            f"投诉 {c.id}：投诉人对答复不满意，申请平台介入",
            f"Complaint {c.id}: the complainant is not satisfied and escalated it",
        ),
        body=(
            f"投诉人对{c.agency_name}的答复不满意（{CATEGORIES[c.category][0]}），"
            f"理由：{reason[:500]}。请操作员跟进处理。",
            f"The complainant is not satisfied with {c.agency_name}'s answer "
            f"({CATEGORIES[c.category][1]}) and gave this reason: {reason[:500]}. "
            "An operator must follow up.",
        ),
        reason=reason,
    )
    return c


def sla_clock(c: Complaint, now: datetime | None = None) -> dict[str, Any]:
    now = resolve(now)
    if c.responded_at is not None:
        status = "answered_in_time" if c.responded_at <= c.due_at else "answered_late"
    elif now > c.due_at:
        status = "breached"
    else:
        status = "running"
    left = max(int((c.due_at - now).total_seconds()), 0) if status == "running" else None
    return {"status": status, "due_at": c.due_at, "seconds_left": left}
