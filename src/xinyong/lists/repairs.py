"""Credit repair (信用修复): an application with materials; approval ends publicity early and is recorded."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.errors import NotFound
from xinyong.lists import notices
from xinyong.lists.clock import local_date, resolve
from xinyong.lists.config import load_policy
from xinyong.lists.models import RepairRequest
from xinyong.lists.schemas import OperatorRepairOut, RepairDecisionIn, RepairIn, RepairOut
from xinyong.lists.service import WrongState, _event, _need, end_publicity, get_entry
from xinyong.lists.workflow import (
    check_materials,
    check_query_code,
    due_on,
    is_overdue,
    new_query_code,
    unknown_case,
)

STATE_ZH = {"submitted": "审核中", "repaired": "修复成功", "rejected": "不予修复"}


class NotRepairable(WrongState):
    code = "not_repairable"
    title_zh = "不符合信用修复条件"
    title_en = "Not eligible for credit repair"


def submit(session: Session, data: RepairIn, now: datetime | None = None) -> RepairRequest:
    now, policy = resolve(now), load_policy()
    entry = get_entry(session, data.entry_id, lock=True)
    cls = policy.classes[entry.publicity_class]
    if entry.list_type != "black" or entry.state != "published":
        raise NotRepairable(
            f"只有公示中的失信信息可以申请信用修复；名单信息 {entry.id} 不是",
            f"only a published blacklist entry can be repaired; list entry {entry.id} is not",
        )
    # The same terms the notice told the party (notices.pre_publication).
    terms = policy.repair_terms(entry.publicity_class, entry.decision_date)
    if not terms.repairable:
        raise NotRepairable(terms.zh, terms.en)
    earliest = terms.earliest
    if local_date(now) < earliest:
        after = policy.repair_after(entry.publicity_class)
        raise NotRepairable(
            f"{cls.label_zh}信息自认定之日起满{after.zh()}方可申请信用修复，即 {earliest} 起",
            f"{cls.label_en} can be repaired {after.en()} after the decision, from {earliest}",
            earliest=earliest.isoformat(),
        )
    pending = session.scalar(
        select(RepairRequest.id).where(
            RepairRequest.entry_id == entry.id, RepairRequest.state == "submitted"
        )
    )
    if pending is not None:
        raise WrongState(
            f"名单信息 {entry.id} 已有审核中的修复申请（{pending}）",
            f"list entry {entry.id} already has a repair application under review ({pending})",
        )
    case = policy.repairs.case_types[entry.publicity_class]
    check_materials(
        policy,
        case.materials,
        data.materials,
        f"{cls.label_zh}信用修复",
        f"repairing {cls.label_en}",
    )
    repair = RepairRequest(
        entry_id=entry.id,
        applicant_name=data.applicant_name.strip(),
        applicant_contact=data.applicant_contact.strip(),
        statement=data.statement.strip(),
        query_code=new_query_code(),
        materials=[m.model_dump() for m in data.materials],
        state="submitted",
        submitted_at=now,
        due_on=due_on(policy, now, policy.repairs.decide_within_working_days),
    )
    session.add(repair)
    session.flush()
    _event(
        session,
        entry,
        "repair_submitted",
        repair.applicant_name,
        now,
        reason=repair.statement,
        repair_id=repair.id,
    )
    notices.to_applicant(
        session,
        repair,
        "repair_received",
        now,
        (
            f"信用修复申请已受理（编号 {repair.id}）",
            f"Credit repair application {repair.id} received",
        ),
        (
            f"您对名单信息 {entry.id} 的信用修复申请已受理，将于 {repair.due_on} 前作出决定。查询码：{repair.query_code}",
            f"Your credit repair application for list entry {entry.id} was received; decision by {repair.due_on}. "
            f"Query code: {repair.query_code}",
        ),
    )
    session.flush()
    return repair


def get(
    session: Session, repair_id: int, query_code: str | None = None, check: bool = True
) -> RepairRequest:
    """The applicant's view needs the query code given on filing; operators pass check=False."""
    repair = session.get(RepairRequest, repair_id)
    if repair is None and check:
        raise unknown_case(repair_id, "信用修复申请", "repair application")
    if repair is None:
        raise NotFound(
            f"信用修复申请 {repair_id} 不存在", f"repair application {repair_id} does not exist"
        )
    if check:
        check_query_code(repair, query_code, "信用修复申请", "repair application")
    return repair


def decide(
    session: Session,
    repair_id: int,
    decision: RepairDecisionIn,
    by: str,
    now: datetime | None = None,
) -> RepairRequest:
    """Approved: publicity ends today (the entry becomes `repaired`); rejected: it continues."""
    now = resolve(now)
    by = _need(by, "处理人", "who decides", "by")
    reason = _need(decision.reason, "决定理由", "a reason", "reason")
    repair = session.get(RepairRequest, repair_id, with_for_update=True)
    if repair is None:
        raise NotFound(
            f"信用修复申请 {repair_id} 不存在", f"repair application {repair_id} does not exist"
        )
    if repair.state != "submitted":
        raise WrongState(
            f"信用修复申请 {repair_id} 已处理（{STATE_ZH[repair.state]}）",
            f"repair application {repair_id} is already decided ({repair.state})",
        )
    entry = get_entry(session, repair.entry_id, lock=True)
    if decision.approved:
        if entry.state != "published":
            raise WrongState(
                f"名单信息 {entry.id} 已不在公示中（{entry.state}），无需修复",
                f"list entry {entry.id} is no longer published ({entry.state}); nothing to repair",
            )
        end_publicity(
            session, entry, "repaired", by, f"信用修复：{reason}", now, repair_id=repair.id
        )
    repair.state = "repaired" if decision.approved else "rejected"
    repair.decided_at, repair.decided_by, repair.decision_reason = now, by, reason
    _event(session, entry, f"repair_{repair.state}", by, now, reason=reason, repair_id=repair.id)
    notices.to_applicant(
        session,
        repair,
        "repair_decided",
        now,
        (f"信用修复决定：{STATE_ZH[repair.state]}", f"Credit repair decision: {repair.state}"),
        (
            f"您的信用修复申请（编号 {repair.id}）{STATE_ZH[repair.state]}"
            f"{'，名单信息已停止公示和共享' if decision.approved else ''}。理由：{reason}",
            f"Your credit repair application {repair.id}: {repair.state}"
            f"{'; the entry is no longer published or shared' if decision.approved else ''}. Reason: {reason}",
        ),
    )
    session.flush()
    return repair


def count_open(session: Session) -> int:
    """How many are undecided: a console tile, counted, not loaded."""
    query = (
        select(func.count()).select_from(RepairRequest).where(RepairRequest.state == "submitted")
    )
    return session.scalar(query) or 0


def open_cases(session: Session, limit: int = 100) -> list[RepairRequest]:
    """Undecided, oldest deadline first: what operators must answer next."""
    query = (
        select(RepairRequest)
        .where(RepairRequest.state == "submitted")
        .order_by(RepairRequest.due_on, RepairRequest.id)
        .limit(limit)
    )
    return list(session.scalars(query))


def to_out(
    repair: RepairRequest, now: datetime | None = None, reveal_code: bool = False
) -> RepairOut:
    return RepairOut(
        id=repair.id,
        entry_id=repair.entry_id,
        state=repair.state,
        state_zh=STATE_ZH[repair.state],
        submitted_at=repair.submitted_at,
        due_on=repair.due_on,
        overdue=is_overdue(repair.state, repair.due_on, now),
        decided_at=repair.decided_at,
        decision_reason=repair.decision_reason,
        materials=repair.materials,
        query_code=repair.query_code if reveal_code else None,
    )


def to_operator_out(
    session: Session, repair: RepairRequest, now: datetime | None = None
) -> OperatorRepairOut:
    """The operator's view: the applicant's name, contact and statement, the entry by name."""
    entry = get_entry(session, repair.entry_id)
    cls = load_policy().classes[entry.publicity_class]
    return OperatorRepairOut(
        **to_out(repair, now).model_dump(),
        applicant_name=repair.applicant_name,
        applicant_contact=repair.applicant_contact,
        statement=repair.statement,
        subject_name=entry.subject_name,
        class_label_zh=cls.label_zh,
        class_label_en=cls.label_en,
        entry_state=entry.state,
    )
