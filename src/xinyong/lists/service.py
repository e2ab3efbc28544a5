"""The list-entry lifecycle (propose → approve/reject → publish → expire/repair/revoke) and look-ups."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.codes import is_valid_uscc, mask_id_number
from xinyong.errors import InvalidInput, NotFound, XinyongError
from xinyong.lists import notices, standing
from xinyong.lists.clock import add_working_days, local_date, resolve
from xinyong.lists.config import Policy, load_policy
from xinyong.lists.models import ListEntry, ListEvent, Objection
from xinyong.lists.periods import check_period, default_end
from xinyong.lists.schemas import (
    ProposalIn,
)
from xinyong.lists.workflow import new_query_code

SYSTEM = "system"
STATE_ZH = {
    "proposed": "待审核",
    "approved": "已批准待公示",
    "rejected": "已驳回",
    "published": "公示中",
    "expired": "公示期满",
    "repaired": "已信用修复",
    "revoked": "已撤销",
}
ENDED = ("expired", "repaired", "revoked")
PUBLISHED = "published"  # the one state whose entries ratings, stars and verification read
# Fields an upheld objection may correct, as the operator reads them (Chinese, English).
CORRECTABLE = {
    "subject_name": ("主体名称", "subject name"),
    "reason_zh": ("列入事由（中文）", "reason (Chinese)"),
    "reason_en": ("列入事由（英文）", "reason (English)"),
    "legal_basis_zh": ("法律依据（中文）", "legal basis (Chinese)"),
    "legal_basis_en": ("法律依据（英文）", "legal basis (English)"),
    "authority": ("认定机关", "deciding authority"),
    "decision_date": ("认定日期", "decision date"),
    "publicity_class": ("公示类别", "publicity class"),
    "aggravated": ("情节严重", "aggravated"),
    "publicity_end": ("公示截止日期", "end of publicity"),
}


class WrongState(XinyongError):
    code = "list_wrong_state"
    status = 409
    title_zh = "名单状态不允许此操作"
    title_en = "Not allowed in the entry's state"


def _need(text: str | None, zh: str, en: str, field: str) -> str:
    if not text or not text.strip():
        raise InvalidInput(f"须填写{zh}", f"{en} is required", field=field)
    return text.strip()


def _event(
    session: Session,
    entry: ListEntry,
    action: str,
    actor: str,
    now: datetime,
    to_state: str | None = None,
    reason: str | None = None,
    changes: dict[str, Any] | None = None,
    objection_id: int | None = None,
    repair_id: int | None = None,
) -> None:
    from_state = entry.state
    if to_state is not None and to_state != entry.state:
        entry.state, entry.state_changed_at = to_state, now
    if PUBLISHED in (from_state, entry.state) and (from_state != entry.state or changes):
        # Published, ended, or corrected while published: what the entry publishes, and so
        # the firm's grade, moves with this decision, in its transaction (lists.standing).
        standing.moved(session, entry, action, now)
    session.add(
        ListEvent(
            entry_id=entry.id,
            objection_id=objection_id,
            repair_id=repair_id,
            action=action,
            from_state=from_state,
            to_state=entry.state,
            actor=actor,
            at=now,
            reason=reason,
            changes=changes,
        )
    )


def get_entry(session: Session, entry_id: int, lock: bool = False) -> ListEntry:
    entry = session.get(ListEntry, entry_id, with_for_update=lock)
    if entry is None:
        raise NotFound(f"名单信息 {entry_id} 不存在", f"list entry {entry_id} does not exist")
    return entry


def _require_state(
    entry: ListEntry, allowed: tuple[str, ...], doing_zh: str, doing_en: str
) -> None:
    if entry.state not in allowed:
        raise WrongState(
            f"名单信息 {entry.id} 当前为“{STATE_ZH[entry.state]}”，不能{doing_zh}",
            f"list entry {entry.id} is {entry.state}; it cannot be {doing_en}",
            state=entry.state,
        )


# --- proposing and deciding ---------------------------------------------------------------


def propose(
    session: Session,
    proposal: ProposalIn,
    by: str,
    now: datetime | None = None,
    *,
    rule_id: str | None = None,
    rule_version: int | None = None,
    origin_key: str | None = None,
    policy: Policy | None = None,
) -> ListEntry:
    """A new proposed entry, checked against the policy; the caller commits."""
    now, policy = resolve(now), policy or load_policy()
    by = _need(by, "提请人", "who proposes", "by")
    cls = policy.cls(proposal.publicity_class)
    if cls.list_type != proposal.list_type:
        raise InvalidInput(
            f"公示类别“{cls.label_zh}”属于{'红' if cls.list_type == 'red' else '黑'}名单，与名单类型 {proposal.list_type} 不符",
            f"class '{proposal.publicity_class}' belongs to the {cls.list_type} list, not {proposal.list_type}",
            field="publicity_class",
        )
    code = (proposal.credit_code or "").strip().upper() or None
    if proposal.subject_kind == "organisation" and (code is None or not is_valid_uscc(code)):
        raise InvalidInput(
            f"单位主体须有有效的统一社会信用代码，而不是“{proposal.credit_code or ''}”",
            f"an organisation needs a valid unified social credit code, not '{proposal.credit_code or ''}'",
            field="credit_code",
        )
    if proposal.decision_date > local_date(now):
        raise InvalidInput(
            f"认定日期 {proposal.decision_date} 晚于今天",
            f"the decision date {proposal.decision_date} is in the future",
            field="decision_date",
        )
    end = proposal.publicity_end
    if end is None and proposal.publish:
        end = default_end(
            policy, proposal.publicity_class, proposal.decision_date, proposal.aggravated
        )
    if not proposal.publish:
        end = None
    check_period(policy, proposal.publicity_class, proposal.decision_date, end, proposal.aggravated)
    subject_id = proposal.subject_id
    if subject_id and proposal.subject_kind == "person":
        subject_id = mask_id_number(subject_id)  # a person's ID number is never stored whole
    entry = ListEntry(
        list_type=proposal.list_type,
        publicity_class=proposal.publicity_class,
        aggravated=proposal.aggravated,
        subject_kind=proposal.subject_kind,
        credit_code=code,
        subject_name=proposal.subject_name.strip(),
        subject_id=subject_id,
        reason_zh=proposal.reason_zh.strip(),
        reason_en=proposal.reason_en.strip(),
        legal_basis_zh=proposal.legal_basis_zh.strip(),
        legal_basis_en=proposal.legal_basis_en.strip(),
        source_records=[r.model_dump() for r in proposal.source_records],
        authority=proposal.authority.strip(),
        decision_date=proposal.decision_date,
        publicity_end=end,
        state="proposed",
        origin="rule" if rule_id else "operator",
        rule_id=rule_id,
        rule_version=rule_version,
        origin_key=origin_key,
        created_by=by,
        created_at=now,
        state_changed_at=now,
    )
    session.add(entry)
    session.flush()
    why = f"规则 {rule_id} v{rule_version} 提请" if rule_id else "操作员提请"
    _event(session, entry, "proposed", by, now, reason=why)
    session.flush()
    return entry


def approve(
    session: Session, entry_id: int, by: str, reason: str | None = None, now: datetime | None = None
) -> ListEntry:
    """Approve a proposal and send the party its notice of reasons, basis and rights (告知)."""
    now, policy = resolve(now), load_policy()
    by = _need(by, "审核人", "who approves", "by")
    entry = get_entry(session, entry_id, lock=True)
    _require_state(entry, ("proposed",), "批准", "approved")
    if entry.publicity_end is not None and entry.publicity_end <= local_date(now):
        # Approving would send a notice announcing a period already over: the proposal is
        # history now, and the operator rejects it saying so.
        raise WrongState(
            f"名单信息 {entry.id} 的公示期已于 {entry.publicity_end} 届满，不再告知和公示；请驳回并说明理由",
            f"list entry {entry.id}'s publicity period ended on {entry.publicity_end}; there is "
            "nothing left to notify or publish: reject it with a reason",
            publicity_end=entry.publicity_end.isoformat(),
        )
    entry.notice_code = new_query_code()
    _event(session, entry, "approved", by, now, "approved", reason)
    notices.pre_publication(session, entry, policy, now)
    _event(session, entry, "notified", SYSTEM, now, reason="已发送告知书（事由、依据、权利）")
    session.flush()
    return entry


def reject(
    session: Session, entry_id: int, by: str, reason: str, now: datetime | None = None
) -> ListEntry:
    now = resolve(now)
    by = _need(by, "审核人", "who rejects", "by")
    reason = _need(reason, "驳回理由", "a reason", "reason")
    entry = get_entry(session, entry_id, lock=True)
    _require_state(entry, ("proposed",), "驳回", "rejected")
    _event(session, entry, "rejected", by, now, "rejected", reason)
    session.flush()
    return entry


def publishable_from(session: Session, entry: ListEntry, policy: Policy) -> date:
    """The first local day the entry may be published: the notice's waiting period over."""
    notified = session.scalar(
        select(ListEvent.at)
        .where(ListEvent.entry_id == entry.id, ListEvent.action == "notified")
        .order_by(ListEvent.id.desc())
        .limit(1)
    )
    return add_working_days(local_date(notified), policy.notice.wait_working_days, policy.calendar)


def publish(session: Session, entry_id: int, by: str, now: datetime | None = None) -> ListEntry:
    """Publish an approved entry once the party was told and its waiting period is over."""
    now, policy = resolve(now), load_policy()
    by = _need(by, "发布人", "who publishes", "by")
    entry = get_entry(session, entry_id, lock=True)
    _require_state(entry, ("approved",), "公示", "published")
    today = local_date(now)
    cls = policy.classes[entry.publicity_class]
    if entry.publicity_end is None:
        raise WrongState(
            f"名单信息 {entry.id} 为{cls.label_zh}，认定为不予公示（{cls.rule_zh}）",
            f"list entry {entry.id} is {cls.label_en} decided not to be published ({cls.rule_en})",
        )
    ready = publishable_from(session, entry, policy)
    if today < ready:
        raise WrongState(
            f"告知书发出后须等待 {policy.notice.wait_working_days} 个工作日供当事人陈述申辩，{ready} 起方可公示",
            f"the party has {policy.notice.wait_working_days} working days after the notice to state its case; "
            f"publish from {ready}",
            publishable_from=ready.isoformat(),
        )
    pending = session.scalar(
        select(Objection.id).where(Objection.entry_id == entry.id, Objection.state == "submitted")
    )
    if pending is not None:
        raise WrongState(
            f"名单信息 {entry.id} 有未办结的异议（{pending}），异议处理完毕前不予公示",
            f"list entry {entry.id} has an open objection ({pending}); it is not published until decided",
            objection_id=pending,
        )
    if entry.publicity_end <= today:
        raise WrongState(
            f"公示期已于 {entry.publicity_end} 届满，不再公示",
            f"the publicity period ended on {entry.publicity_end}; it is no longer published",
        )
    entry.publicity_start = today
    _event(session, entry, "published", by, now, "published")
    notices.published(session, entry, now)
    session.flush()
    return entry


def end_publicity(
    session: Session,
    entry: ListEntry,
    how: str,
    by: str,
    reason: str | None,
    now: datetime,
    objection_id: int | None = None,
    repair_id: int | None = None,
) -> None:
    """Expired, repaired or revoked: not published nor shared from now on; the row and history stay."""
    entry.ended_at = now
    _event(
        session, entry, how, by, now, how, reason, objection_id=objection_id, repair_id=repair_id
    )
    notices.ended(session, entry, how, reason, now)


def revoke(
    session: Session, entry_id: int, by: str, reason: str, now: datetime | None = None
) -> ListEntry:
    now = resolve(now)
    by = _need(by, "操作人", "who revokes", "by")
    reason = _need(reason, "撤销理由", "a reason", "reason")
    entry = get_entry(session, entry_id, lock=True)
    _require_state(entry, ("approved", "published"), "撤销", "revoked")
    end_publicity(session, entry, "revoked", by, reason, now)
    session.flush()
    return entry


def correct(
    session: Session,
    entry: ListEntry,
    corrections: dict[str, Any],
    by: str,
    reason: str,
    now: datetime,
    objection_id: int | None = None,
) -> dict[str, Any]:
    """Apply corrections (an upheld objection), rechecking the period; old and new go to history."""
    fields_zh = "、".join(f"{zh}（{key}）" for key, (zh, _) in CORRECTABLE.items())
    fields_en = ", ".join(f"{en} ({key})" for key, (_, en) in CORRECTABLE.items())
    if not corrections:
        raise InvalidInput(
            f"更正须写明更正的字段和新的内容；可更正的字段为 {fields_zh}",
            f"a correction names the field to correct and its new value; correctable fields "
            f"are {fields_en}",
            field="corrections",
        )
    unknown = sorted(set(corrections) - set(CORRECTABLE))
    if unknown:
        raise InvalidInput(
            f"可更正的字段为 {fields_zh}；不能更正 {'、'.join(unknown)}",
            f"correctable fields are {fields_en}; not {', '.join(unknown)}",
            field="corrections",
        )
    policy = load_policy()
    if "publicity_class" in corrections:
        corrections = {
            **corrections,
            "publicity_class": policy.class_by_label(corrections["publicity_class"]),
        }
    try:
        new = ProposalIn.model_validate(
            {**_as_proposal(entry), **corrections, "list_type": entry.list_type}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p) for p in first["loc"])
        raise InvalidInput(
            f"更正内容 corrections.{where} 无效：{first['msg']}（收到 {first.get('input')!r}）",
            f"corrections.{where} is invalid: {first['msg']} (got {first.get('input')!r})",
            field=f"corrections.{where}",
        ) from exc
    cls = policy.cls(new.publicity_class)
    if cls.list_type != entry.list_type:
        raise InvalidInput(
            f"更正后的公示类别不属于{entry.list_type}名单",
            f"the class must stay on the {entry.list_type} list",
            field="publicity_class",
        )
    check_period(policy, new.publicity_class, new.decision_date, new.publicity_end, new.aggravated)
    changes = {}
    for field in corrections:
        old, value = getattr(entry, field), getattr(new, field)
        if old != value:
            changes[field] = {"old": _jsonable(old), "new": _jsonable(value)}
            setattr(entry, field, value)
    _event(
        session,
        entry,
        "corrected",
        by,
        now,
        reason=reason,
        changes=changes,
        objection_id=objection_id,
    )
    return changes


def _as_proposal(entry: ListEntry) -> dict[str, Any]:
    return {
        "publicity_class": entry.publicity_class,
        "aggravated": entry.aggravated,
        "subject_kind": entry.subject_kind,
        "credit_code": entry.credit_code,
        "subject_name": entry.subject_name,
        "subject_id": entry.subject_id,
        "reason_zh": entry.reason_zh,
        "reason_en": entry.reason_en,
        "legal_basis_zh": entry.legal_basis_zh,
        "legal_basis_en": entry.legal_basis_en,
        "source_records": entry.source_records,
        "authority": entry.authority,
        "decision_date": entry.decision_date,
        "publicity_end": entry.publicity_end,
    }


def _jsonable(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


# --- expiry (the job) -----------------------------------------------------------------------


def expire_due(session: Session, now: datetime | None = None) -> list[int]:
    """Expire every entry whose publicity period is over; the caller commits.

    Published entries end their publicity; approved entries never published by their end day
    (a late decision, an objection open until the end) expire unpublished rather than wait
    for a publication the service would refuse (docs/decisions/0055). Run daily from the
    scheduler or `xinyong lists expire`; public look-ups already hide an entry from its end
    day, so a late run never over-publishes.
    """
    now = resolve(now)
    today = local_date(now)
    due = session.scalars(
        select(ListEntry)
        .where(ListEntry.state.in_(("published", "approved")), ListEntry.publicity_end <= today)
        .order_by(ListEntry.id)
        .with_for_update()
    ).all()
    for entry in due:
        why = f"公示期于 {entry.publicity_end} 届满"
        if entry.state == "approved":
            why += "，未经公示"
        end_publicity(session, entry, "expired", SYSTEM, why, now)
    session.flush()
    return [e.id for e in due]


def run_expiry(engine, now: datetime | None = None) -> list[int]:
    """The scheduler's job: one transaction, expired entry ids returned."""
    from xinyong.db import session_scope

    with session_scope(engine) as session:
        return expire_due(session, now)
