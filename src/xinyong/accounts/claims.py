"""Settling who speaks for an organisation: operators add or remove members and reject or
suspend organisations with a stated reason, and decide claim disputes filed by people whose
organisation's code another account registered first. Each action goes to the organisation's
history (read by the people it concerns on /account) and to the access audit log."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.accounts import privacy, service
from xinyong.accounts.errors import Conflict
from xinyong.accounts.models import (
    ApiKey,
    ClaimDispute,
    Membership,
    Organisation,
    OrgEvent,
    User,
)
from xinyong.accounts.principal import Principal
from xinyong.codes.uscc import check_uscc
from xinyong.errors import InvalidInput, NotFound
from xinyong.types import utcnow

# The audit log's action column is 12 characters (stats.audit_log.ACTION_NAMES names them).
AUDIT_ACTIONS = {
    "member_added": "member_in",
    "member_removed": "member_out",
    "rejected": "revoke_org",
    "suspended": "suspend_org",
    "claim_upheld": "claim_upheld",
    "claim_dismissed": "claim_denied",
}


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(
            "请填写理由（记入机构历史）",
            "give the reason (it goes into the history)",
            field="reason",
        )
    if len(text) > 500:
        raise InvalidInput(
            "理由最长 500 字", "the reason is at most 500 characters", field="reason"
        )
    return text


def _record(
    session: Session,
    principal: Principal,
    org: Organisation,
    action: str,
    reason: str,
    user: User | None,
    ip: str | None,
    now: datetime,
) -> OrgEvent:
    """The action in the organisation's history and in the access audit log (anchored in the
    ledger, where auditors read it)."""
    event = OrgEvent(
        org_id=org.id,
        user_id=user.id if user else None,
        action=action,
        reason=reason,
        actor=principal.actor[:100],
        at=now,
    )
    session.add(event)
    privacy.record_access(
        session,
        principal,
        action=AUDIT_ACTIONS[action],
        record=f"account_org:{org.id}",
        fields=[],
        subject=privacy.enterprise_ref(org.credit_code),
        purpose="supervision",
        role=principal.role,
        ip=ip,
        detail={
            "reason": reason,
            "credit_code": org.credit_code,
            "user": user.email if user else None,
        },
        now=now,
    )
    session.flush()
    return event


# --- members and organisations --------------------------------------------------------------


def add_member_by_email(
    session: Session,
    principal: Principal,
    org_id: int,
    email: str,
    reason: str | None,
    ip: str | None = None,
    now: datetime | None = None,
) -> Membership:
    """An operator adds a registered user (by e-mail) to an organisation."""
    now = now or utcnow()
    reason = _reason(reason)
    org = service.get_organisation(session, org_id)
    user = service.user_by_email(session, service.normalise_email(email))
    if user is None:
        raise NotFound(
            f"没有以 {email} 注册的账户：请对方先在本平台注册",
            f"no account is registered with {email}: ask them to register first",
            field="email",
        )
    if session.scalar(
        select(Membership.id).where(Membership.user_id == user.id, Membership.org_id == org.id)
    ):
        raise Conflict(
            f"{user.email} 已是 {org.name} 的成员",
            f"{user.email} is already a member of {org.name}",
            field="email",
        )
    member = service.add_member(session, user, org)
    _record(session, principal, org, "member_added", reason, user, ip, now)
    return member


def remove_member(
    session: Session,
    principal: Principal,
    org_id: int,
    user_id: int,
    reason: str | None,
    ip: str | None = None,
    now: datetime | None = None,
) -> User:
    """An operator removes a member; the keys the member holds for that organisation are
    revoked with it (they would speak for it otherwise)."""
    now = now or utcnow()
    reason = _reason(reason)
    org = service.get_organisation(session, org_id)
    member = session.scalar(
        select(Membership).where(Membership.user_id == user_id, Membership.org_id == org.id)
    )
    if member is None:
        raise NotFound(
            f"用户 {user_id} 不是 {org.name} 的成员",
            f"user {user_id} is not a member of {org.name}",
            field="user",
        )
    user = service.get_user(session, user_id)
    session.delete(member)
    for key in session.scalars(
        select(ApiKey).where(ApiKey.user_id == user.id, ApiKey.org_id == org.id)
    ):
        service.revoke_key(session, key, principal.actor[:100], now)
    _record(session, principal, org, "member_removed", reason, user, ip, now)
    return user


def revoke_organisation(
    session: Session,
    principal: Principal,
    org_id: int,
    state: str,
    reason: str | None,
    ip: str | None = None,
    now: datetime | None = None,
) -> Organisation:
    """An operator rejects a registration (the claim was not theirs) or suspends an
    organisation; its members keep their accounts but lose its rights."""
    now = now or utcnow()
    reason = _reason(reason)
    if state not in ("rejected", "suspended"):
        raise InvalidInput(
            f"状态“{state}”无效：应为 rejected（驳回）或 suspended（暂停）",
            f"state {state!r} is invalid: expected rejected or suspended",
            field="state",
        )
    org = service.get_organisation(session, org_id)
    if org.state == state:
        raise Conflict(f"{org.name} 已是该状态", f"{org.name} is already {state}", field="state")
    org.state = state
    org.decided_by = principal.actor[:100]
    org.decided_at = now
    org.decision_reason = reason
    _record(session, principal, org, state, reason, None, ip, now)
    return org


@dataclass(frozen=True)
class OrgView:
    """An organisation as operators review it: its members (with e-mails) and its history."""

    org: Organisation
    members: list[tuple[Membership, User]]
    events: list[OrgEvent]
    open_disputes: int


def review(session: Session, state: str | None = None, code: str | None = None) -> list[OrgView]:
    """Organisations for the operators' page, newest first, with members and history."""
    q = select(Organisation).order_by(Organisation.id.desc()).limit(200)
    if state:
        q = q.where(Organisation.state == state)
    if code and code.strip():
        q = q.where(Organisation.credit_code == code.strip().upper())
    orgs = list(session.scalars(q))
    ids = [o.id for o in orgs]
    members: dict[int, list] = {i: [] for i in ids}
    for m, u in session.execute(
        select(Membership, User)
        .join(User, User.id == Membership.user_id)
        .where(Membership.org_id.in_(ids))
        .order_by(Membership.id)
    ):
        members[m.org_id].append((m, u))
    events: dict[int, list] = {i: [] for i in ids}
    for e in session.scalars(
        select(OrgEvent).where(OrgEvent.org_id.in_(ids)).order_by(OrgEvent.id.desc())
    ):
        events[e.org_id].append(e)
    disputes: dict[int, int] = {}
    for d in session.scalars(
        select(ClaimDispute.org_id).where(
            ClaimDispute.org_id.in_(ids), ClaimDispute.state == "open"
        )
    ):
        disputes[d] = disputes.get(d, 0) + 1
    return [OrgView(o, members[o.id], events[o.id], disputes.get(o.id, 0)) for o in orgs]


def notices_for(
    session: Session, user_id: int, limit: int = 20
) -> list[tuple[OrgEvent, Organisation]]:
    """What operators did that concerns this person: to them (added, removed) or to an
    organisation they are a member of — newest first, for /account."""
    mine = select(Membership.org_id).where(Membership.user_id == user_id)
    rows = session.execute(
        select(OrgEvent, Organisation)
        .join(Organisation, Organisation.id == OrgEvent.org_id)
        .where(
            (OrgEvent.user_id == user_id) | (OrgEvent.user_id.is_(None) & OrgEvent.org_id.in_(mine))
        )
        .order_by(OrgEvent.id.desc())
        .limit(limit)
    )
    return [(e, o) for e, o in rows]


# --- claim disputes -------------------------------------------------------------------------


def file_dispute(
    session: Session, user: User, credit_code: str, statement: str, now: datetime | None = None
) -> ClaimDispute:
    """A signed-in person contests the registration of a code by another account."""
    check = check_uscc((credit_code or "").strip())
    if not check.valid:
        raise InvalidInput(
            f"统一社会信用代码“{credit_code}”无效：{check.errors[0].message_zh}",
            f"credit code {credit_code!r} is invalid: {check.errors[0].message_en}",
            field="credit_code",
        )
    text = (statement or "").strip()
    if len(text) < 10 or len(text) > 2000:
        raise InvalidInput(
            "请用 10–2000 字说明您与该机构的关系及依据（如职务、营业执照、授权书）",
            "state in 10 to 2000 characters how you are tied to the organisation and on what "
            "grounds (position, business licence, letter of authority)",
            field="statement",
        )
    org = session.scalar(select(Organisation).where(Organisation.credit_code == check.code))
    if org is None:
        raise NotFound(
            f"代码 {check.code} 的机构尚未登记，可直接登记",
            f"no organisation with code {check.code} is registered: register it yourself",
            field="credit_code",
        )
    if session.scalar(
        select(Membership.id).where(Membership.user_id == user.id, Membership.org_id == org.id)
    ):
        raise Conflict(
            f"您已是代码 {check.code} 机构的成员",
            f"you are already a member of {check.code}",
            field="credit_code",
        )
    if session.scalar(
        select(ClaimDispute.id).where(
            ClaimDispute.filed_by == user.id,
            ClaimDispute.org_id == org.id,
            ClaimDispute.state == "open",
        )
    ):
        raise Conflict(
            f"您对代码 {check.code} 的异议正在处理中",
            f"your dispute over {check.code} is already open",
            field="credit_code",
        )
    dispute = ClaimDispute(
        org_id=org.id, filed_by=user.id, statement=text, state="open", created_at=now or utcnow()
    )
    session.add(dispute)
    session.flush()
    return dispute


def disputes_of(session: Session, user_id: int) -> list[tuple[ClaimDispute, Organisation]]:
    """The person's own disputes with the organisation's public name and code (never who
    registered it)."""
    rows = session.execute(
        select(ClaimDispute, Organisation)
        .join(Organisation, Organisation.id == ClaimDispute.org_id)
        .where(ClaimDispute.filed_by == user_id)
        .order_by(ClaimDispute.id.desc())
    )
    return [(d, o) for d, o in rows]


def queue(
    session: Session, state: str | None = "open"
) -> list[tuple[ClaimDispute, Organisation, User]]:
    """Disputes for operators, oldest first, with the filer's account."""
    q = (
        select(ClaimDispute, Organisation, User)
        .join(Organisation, Organisation.id == ClaimDispute.org_id)
        .join(User, User.id == ClaimDispute.filed_by)
        .order_by(ClaimDispute.id)
    )
    if state:
        q = q.where(ClaimDispute.state == state)
    return [(d, o, u) for d, o, u in session.execute(q)]


def decide_dispute(
    session: Session,
    principal: Principal,
    dispute_id: int,
    uphold: bool,
    reason: str | None,
    ip: str | None = None,
    now: datetime | None = None,
) -> ClaimDispute:
    """Uphold (the filer is added to the organisation) or dismiss a dispute, with the reason
    the filer reads. Removing the first registrant or rejecting the registration is a
    separate action with its own reason."""
    now = now or utcnow()
    reason = _reason(reason)
    dispute = session.get(ClaimDispute, dispute_id)
    if dispute is None:
        raise NotFound(
            f"异议 {dispute_id} 不存在", f"dispute {dispute_id} does not exist", field="dispute"
        )
    if dispute.state != "open":
        raise Conflict(
            f"异议 {dispute_id} 已处理（{dispute.state}）",
            f"dispute {dispute_id} was already decided ({dispute.state})",
            field="dispute",
        )
    org = service.get_organisation(session, dispute.org_id)
    filer = service.get_user(session, dispute.filed_by)
    dispute.state = "upheld" if uphold else "dismissed"
    dispute.decision_reason = reason
    dispute.decided_by = principal.actor[:100]
    dispute.decided_at = now
    if uphold:
        service.add_member(session, filer, org)
    _record(
        session,
        principal,
        org,
        "claim_upheld" if uphold else "claim_dismissed",
        reason,
        filer,
        ip,
        now,
    )
    return dispute
