"""Objections (异议): submitted with materials, answered by a deadline, upheld (correct/revoke) or rejected."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.errors import InvalidInput, NotFound
from xinyong.lists import notices
from xinyong.lists.clock import resolve
from xinyong.lists.config import load_policy
from xinyong.lists.models import Objection
from xinyong.lists.schemas import (
    ObjectionDecisionIn,
    ObjectionIn,
    ObjectionOut,
    OperatorObjectionOut,
)
from xinyong.lists.service import WrongState, _event, _need, correct, end_publicity, get_entry
from xinyong.lists.workflow import (
    check_materials,
    check_query_code,
    due_on,
    is_overdue,
    new_query_code,
    unknown_case,
)

STATE_ZH = {"submitted": "处理中", "upheld": "异议成立", "rejected": "异议不成立"}
# An objection is possible once the party was told (approved) and while the entry is published.
OPEN_TO_OBJECTION = ("approved", "published")


def submit(session: Session, data: ObjectionIn, now: datetime | None = None) -> Objection:
    now, policy = resolve(now), load_policy()
    entry = get_entry(session, data.entry_id, lock=True)
    if entry.state not in OPEN_TO_OBJECTION:
        raise WrongState(
            f"名单信息 {entry.id} 当前不在告知或公示阶段，不受理异议",
            f"list entry {entry.id} is neither notified nor published; objections are not accepted",
            state=entry.state,
        )
    case = policy.objections.case_types.get(data.case_type)
    if case is None:
        raise InvalidInput(
            f"case_type 只能是 {'、'.join(policy.objections.case_types)}，而不是“{data.case_type}”",
            f"case_type must be one of {', '.join(policy.objections.case_types)}, not '{data.case_type}'",
            field="case_type",
        )
    check_materials(
        policy,
        case.materials,
        data.materials,
        f"异议（{case.label_zh}）",
        f"an objection ({case.label_en})",
    )
    objection = Objection(
        entry_id=entry.id,
        case_type=data.case_type,
        applicant_name=data.applicant_name.strip(),
        applicant_contact=data.applicant_contact.strip(),
        statement=data.statement.strip(),
        query_code=new_query_code(),
        materials=[m.model_dump() for m in data.materials],
        state="submitted",
        submitted_at=now,
        due_on=due_on(policy, now, policy.objections.answer_within_working_days),
    )
    session.add(objection)
    session.flush()
    _event(
        session,
        entry,
        "objection_submitted",
        data.applicant_name.strip(),
        now,
        reason=data.statement.strip(),
        objection_id=objection.id,
    )
    notices.to_applicant(
        session,
        objection,
        "objection_received",
        now,
        (f"异议申请已受理（编号 {objection.id}）", f"Objection {objection.id} received"),
        (
            f"您对名单信息 {entry.id} 提出的异议已受理，将于 {objection.due_on} 前答复。查询码：{objection.query_code}",
            f"Your objection to list entry {entry.id} was received; you will be answered by {objection.due_on}. "
            f"Query code: {objection.query_code}",
        ),
    )
    session.flush()
    return objection


def get(
    session: Session, objection_id: int, query_code: str | None = None, check: bool = True
) -> Objection:
    """The applicant's view needs the query code given on filing; operators pass check=False."""
    objection = session.get(Objection, objection_id)
    if objection is None and check:
        raise unknown_case(objection_id, "异议", "objection")
    if objection is None:
        raise NotFound(f"异议 {objection_id} 不存在", f"objection {objection_id} does not exist")
    if check:
        check_query_code(objection, query_code, "异议", "objection")
    return objection


def decide(
    session: Session,
    objection_id: int,
    decision: ObjectionDecisionIn,
    by: str,
    now: datetime | None = None,
) -> Objection:
    """Upheld: the entry is revoked or corrected; rejected: it stands. The applicant is told why."""
    now = resolve(now)
    by = _need(by, "处理人", "who decides", "by")
    reason = _need(decision.reason, "处理理由", "a reason", "reason")
    objection = session.get(Objection, objection_id, with_for_update=True)
    if objection is None:
        raise NotFound(f"异议 {objection_id} 不存在", f"objection {objection_id} does not exist")
    if objection.state != "submitted":
        raise WrongState(
            f"异议 {objection_id} 已处理（{STATE_ZH[objection.state]}）",
            f"objection {objection_id} is already decided ({objection.state})",
        )
    entry = get_entry(session, objection.entry_id, lock=True)
    changes: dict[str, Any] | None = None
    if decision.upheld:
        if decision.outcome is None:
            raise InvalidInput(
                "异议成立时须注明处理方式：revoke（撤销）或 correct（更正）",
                "an upheld objection says its outcome: revoke or correct",
                field="outcome",
            )
        if entry.state not in ("approved", "published"):
            raise WrongState(
                f"名单信息 {entry.id} 已{entry.state}，无法更正或撤销",
                f"list entry {entry.id} is {entry.state}; it can no longer be corrected or revoked",
            )
        if decision.outcome == "revoke":
            end_publicity(
                session, entry, "revoked", by, f"异议成立：{reason}", now, objection_id=objection.id
            )
        else:
            changes = correct(
                session,
                entry,
                decision.corrections or {},
                by,
                f"异议成立：{reason}",
                now,
                objection_id=objection.id,
            )
        objection.outcome, objection.corrections = decision.outcome, changes
    objection.state = "upheld" if decision.upheld else "rejected"
    objection.decided_at, objection.decided_by, objection.decision_reason = now, by, reason
    _event(
        session,
        entry,
        f"objection_{objection.state}",
        by,
        now,
        reason=reason,
        objection_id=objection.id,
    )
    outcome_zh = {"revoke": "名单信息已撤销", "correct": "名单信息已更正", None: "维持原认定"}[
        objection.outcome
    ]
    notices.to_applicant(
        session,
        objection,
        "objection_decided",
        now,
        (f"异议处理结果：{STATE_ZH[objection.state]}", f"Objection decided: {objection.state}"),
        (
            f"您的异议（编号 {objection.id}）{STATE_ZH[objection.state]}，{outcome_zh}。理由：{reason}",
            f"Your objection {objection.id} was {objection.state}"
            f"{f' and the entry {objection.outcome}d' if objection.outcome else '; the entry stands'}. Reason: {reason}",
        ),
    )
    session.flush()
    return objection


def count_open(session: Session) -> int:
    """How many are undecided: a console tile, counted, not loaded."""
    query = select(func.count()).select_from(Objection).where(Objection.state == "submitted")
    return session.scalar(query) or 0


def open_cases(session: Session, limit: int = 100) -> list[Objection]:
    """Undecided, oldest deadline first: what operators must answer next."""
    query = (
        select(Objection)
        .where(Objection.state == "submitted")
        .order_by(Objection.due_on, Objection.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def to_out(
    objection: Objection, now: datetime | None = None, reveal_code: bool = False
) -> ObjectionOut:
    return ObjectionOut(
        id=objection.id,
        entry_id=objection.entry_id,
        case_type=objection.case_type,
        state=objection.state,
        state_zh=STATE_ZH[objection.state],
        submitted_at=objection.submitted_at,
        due_on=objection.due_on,
        overdue=is_overdue(objection.state, objection.due_on, now),
        decided_at=objection.decided_at,
        decision_reason=objection.decision_reason,
        outcome=objection.outcome,
        corrections=objection.corrections,
        materials=objection.materials,
        query_code=objection.query_code if reveal_code else None,
    )


def to_operator_out(
    session: Session, objection: Objection, now: datetime | None = None
) -> OperatorObjectionOut:
    """The operator's view: the applicant's name, contact and statement, the entry by name,
    the case type in words. Personal contact details leave the platform only this way."""
    entry = get_entry(session, objection.entry_id)
    case = load_policy().objections.case_types.get(objection.case_type)
    return OperatorObjectionOut(
        **to_out(objection, now).model_dump(),
        case_type_zh=case.label_zh if case else objection.case_type,
        case_type_en=case.label_en if case else objection.case_type,
        applicant_name=objection.applicant_name,
        applicant_contact=objection.applicant_contact,
        statement=objection.statement,
        subject_name=entry.subject_name,
        entry_state=entry.state,
    )
