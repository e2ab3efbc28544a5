"""Settling who speaks for an organisation: operators add or remove members, reject, suspend
or reinstate organisations with a stated reason, and decide claim disputes filed by people whose
organisation's code another account registered first. Each action goes to the organisation's
history (read by the people it concerns on /account) and to the access audit log; members are
told of a dispute and its outcome through the notifier, never who filed it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.accounts import notify, service
from xinyong.accounts.errors import Conflict
from xinyong.accounts.models import (
    CLAIM_NOTICES,
    DISPUTE_STATE_NAMES,
    ORG_NOTICES,
    ORG_STATE_NAMES,
    ApiKey,
    ClaimDispute,
    Membership,
    Organisation,
    OrgEvent,
    User,
)
from xinyong.accounts.org_audit import record_org_action
from xinyong.accounts.principal import Principal
from xinyong.codes.masking import mask_email
from xinyong.codes.uscc import check_uscc
from xinyong.errors import InvalidInput, NotFound
from xinyong.types import utcnow
from xinyong.verification.models import Verification

# The audit log's action column is 12 characters (stats.audit_log.ACTION_NAMES names them).
AUDIT_ACTIONS = {
    "member_added": "member_in",
    "member_removed": "member_out",
    "rejected": "revoke_org",
    "suspended": "suspend_org",
    "reinstated": "restore_org",
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
    **detail: Any,
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
    record_org_action(
        session,
        principal,
        org,
        AUDIT_ACTIONS[action],
        reason,
        ip=ip,
        now=now,
        user=user.email if user else None,
        **detail,
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
    _tell(session, user, org, ORG_NOTICES["member_added"], reason, now)
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
    _tell(session, user, org, ORG_NOTICES["member_removed"], reason, now)
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
    _tell_members(session, org, ORG_NOTICES[state], reason, now)
    return org


def reinstate_organisation(
    session: Session,
    principal: Principal,
    org_id: int,
    reason: str | None,
    ip: str | None = None,
    now: datetime | None = None,
) -> Organisation:
    """An operator reinstates (恢复) a suspended or rejected organisation: it is approved again
    and its members regain its rights. An agency needs what its approval needs: a latest
    three-step verification of its code that did not fail (a suspension often follows one)."""
    now = now or utcnow()
    reason = _reason(reason)
    org = service.get_organisation(session, org_id)
    if org.state not in ("rejected", "suspended"):
        zh, en = ORG_STATE_NAMES.get(org.state, (org.state, org.state))
        raise Conflict(
            f"{org.name} 当前为“{zh}”，只有已暂停或已驳回的机构可以恢复",
            f"{org.name} is {en.lower()}: only a suspended or rejected organisation can be "
            "reinstated",
            field="org",
        )
    verification = None
    if org.kind == "agency":
        verification = _latest_verification(session, org.credit_code)
        if verification is None or verification.verdict == "不通过":
            why = ("尚未做过三步核验", "has no three-step verification yet")
            if verification is not None:
                why = ("最近一次三步核验未通过", "failed its latest three-step verification")
            raise Conflict(
                f"不能恢复服务机构{org.name}：代码 {org.credit_code} {why[0]}。"
                "请先在三步核验页（/verifications）核验该机构，核验结论不是“不通过”后再恢复",
                f"agency {org.name} cannot be reinstated: code {org.credit_code} {why[1]}. "
                "Verify it on the three-step verification page (/verifications) first",
                field="org",
            )
        org.verification_id = verification.id
    org.state = "approved"
    org.decided_by = principal.actor[:100]
    org.decided_at = now
    org.decision_reason = reason
    extra = {"verification": verification.id} if verification is not None else {}
    _record(session, principal, org, "reinstated", reason, None, ip, now, **extra)
    _tell_members(session, org, ORG_NOTICES["reinstated"], reason, now)
    return org


def _latest_verification(session: Session, credit_code: str) -> Verification | None:
    return session.scalar(
        select(Verification)
        .where(Verification.credit_code == credit_code)
        .order_by(Verification.created_at.desc())
        .limit(1)
    )


# Who acted, as Principal.actor writes it: "user:12 a@b.cn", "key:ab12cd34 user:12 a@b.cn",
# "operator-token 值班员".
_ACTOR_USER = re.compile(r"(?:^|\s)user:(\d+)(?:\s|$)")


def actor_user_id(actor: str) -> int | None:
    found = _ACTOR_USER.search(actor or "")
    return int(found.group(1)) if found else None


def person_label(user: User) -> str:
    """A person as the operators' pages name them in histories: display name and masked
    e-mail (enough to tell people apart and find them; the full address is on the member list)."""
    return f"{user.display_name} <{mask_email(user.email)}>"


@dataclass(frozen=True)
class OrgView:
    """An organisation as operators review it: its members (with e-mails) and its history,
    with the people named in it (user id → `person_label`)."""

    org: Organisation
    members: list[tuple[Membership, User]]
    events: list[OrgEvent]
    open_disputes: int
    people: dict[int, str] = field(default_factory=dict)

    def by(self, event: OrgEvent) -> str:
        """Who did it: a person's label, or the name an operator token signs with."""
        uid = actor_user_id(event.actor)
        if uid is not None:
            label = self.people.get(uid, f"账户 account {uid}")
            if event.actor.startswith("key:"):
                prefix = event.actor.split(" ", 1)[0].removeprefix("key:")
                return f"{label}（接口密钥 key {prefix}_…）"
            return label
        if event.actor.startswith("operator-token "):
            return f"{event.actor.removeprefix('operator-token ')}（操作员令牌 operator token）"
        return event.actor

    def about(self, event: OrgEvent) -> str | None:
        """The person the action concerns (a member added or removed, a dispute's filer)."""
        if event.user_id is None:
            return None
        return self.people.get(event.user_id, f"账户 account {event.user_id}")


def _people(session: Session, events: list[OrgEvent]) -> dict[int, str]:
    ids = {e.user_id for e in events if e.user_id is not None}
    ids |= {uid for e in events if (uid := actor_user_id(e.actor)) is not None}
    if not ids:
        return {}
    return {u.id: person_label(u) for u in session.scalars(select(User).where(User.id.in_(ids)))}


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
    people = _people(session, [e for found in events.values() for e in found])
    return [OrgView(o, members[o.id], events[o.id], disputes.get(o.id, 0), people) for o in orgs]


CLAIM_ACTIONS = ("claim_filed", "claim_upheld", "claim_dismissed")


def notices_for(
    session: Session, user_id: int, limit: int = 20
) -> list[tuple[OrgEvent, Organisation]]:
    """What concerns this person, newest first, for /account: what operators did to them
    (added, removed, their own dispute decided) or to an organisation they are a member of,
    and claim disputes others filed against it — which the page words as "another account"
    (`CLAIM_NOTICES`), never naming the filer."""
    mine = select(Membership.org_id).where(Membership.user_id == user_id)
    rows = session.execute(
        select(OrgEvent, Organisation)
        .join(Organisation, Organisation.id == OrgEvent.org_id)
        .where(
            ((OrgEvent.user_id == user_id) & (OrgEvent.action != "claim_filed"))
            | (OrgEvent.user_id.is_(None) & OrgEvent.org_id.in_(mine))
            | (
                OrgEvent.action.in_(CLAIM_ACTIONS)
                & (OrgEvent.user_id != user_id)
                & OrgEvent.org_id.in_(mine)
            )
        )
        .order_by(OrgEvent.id.desc())
        .limit(limit)
    )
    return [(e, o) for e, o in rows]


def _tell(
    session: Session,
    user: User,
    org: Organisation,
    text: tuple[str, str],
    reason: str | None,
    now: datetime,
) -> None:
    """One message through the platform's notifier (the outbox unless a deployment registers
    e-mail or SMS): what happened to the organisation, the reason, where to read more."""
    zh, en = text
    why_zh = f"\n理由：{reason}" if reason else ""
    why_en = f"\nReason: {reason}" if reason else ""
    notify.notifier()(
        session,
        user.email,
        f"机构登记：{org.name} / Organisation: {org.credit_code}"[:200],
        f"{org.name}（{org.credit_code}）\n{zh}{why_zh}\n详见“我的账户”：/account\n\n"
        f"{en}{why_en}\nSee your account page: /account",
        now,
    )


def _tell_members(
    session: Session,
    org: Organisation,
    text: tuple[str, str],
    reason: str | None,
    now: datetime,
    but: User | None = None,
) -> None:
    """Every active member (but the filer of a dispute, `but`) hears what an operator did to
    their organisation, or of a dispute over its claim, worded so that the filer stays
    anonymous."""
    members = (
        select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org.id, User.disabled.is_not(True))
        .order_by(Membership.id)
    )
    if but is not None:
        members = members.where(User.id != but.id)
    for user in session.scalars(members):
        _tell(session, user, org, text, reason, now)


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
    now = now or utcnow()
    dispute = ClaimDispute(
        org_id=org.id, filed_by=user.id, statement=text, state="open", created_at=now
    )
    session.add(dispute)
    session.flush()
    # In the history operators read (the statement, since the queue forgets decided disputes),
    # and to the members, who may want to speak to an operator before it is decided.
    session.add(
        OrgEvent(
            org_id=org.id,
            user_id=user.id,
            action="claim_filed",
            reason=f"异议 #{dispute.id}：{text}",
            actor=f"user:{user.id} {user.email}"[:100],
            at=now,
        )
    )
    _tell_members(session, org, CLAIM_NOTICES["claim_filed"], None, now, but=user)
    session.flush()
    return dispute


def count_open_disputes(session: Session) -> int:
    """Claim disputes waiting for an operator: a console tile, counted, not loaded."""
    return session.scalar(select(func.count()).where(ClaimDispute.state == "open")) or 0


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
    the filer and the organisation's members read (told through the notifier). Removing the
    first registrant or rejecting the registration is a separate action with its own reason."""
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
    action = "claim_upheld" if uphold else "claim_dismissed"
    _record(session, principal, org, action, reason, filer, ip, now)
    _tell_members(session, org, CLAIM_NOTICES[action], reason, now, but=filer)
    zh, en = DISPUTE_STATE_NAMES[dispute.state]
    _tell(
        session,
        filer,
        org,
        (
            f"您对本机构登记提出的异议已处理：{zh}。",
            f"Your claim dispute was decided: {en.lower()}.",
        ),
        reason,
        now,
    )
    return dispute
