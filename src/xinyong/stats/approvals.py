"""Agency approvals for the console: the agency organisations waiting, each with its latest three-step
verdict, licences and directory entry; decisions go through `accounts.service` and each one is
written to the access audit log with its reason, which the organisation keeps too, with the
verification relied on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.accounts import service as accounts
from xinyong.accounts.errors import Conflict
from xinyong.accounts.models import AccessAudit, Membership, Organisation, User
from xinyong.accounts.org_audit import record_org_action
from xinyong.accounts.principal import Principal
from xinyong.agencies.service import AgencyView, get_agency
from xinyong.agencies.standing import Standing, standings
from xinyong.errors import InvalidInput, NotFound, XinyongError
from xinyong.lists.clock import local_date, resolve
from xinyong.registry.models import Enterprise, Licence
from xinyong.verification.models import Verification
from xinyong.verification.qualification import valid_licences
from xinyong.verification.schemas import VerificationOut, VerificationRequest
from xinyong.verification.service import get_verification, verify

ACTIONS = {True: "approve_org", False: "reject_org"}
STATES = ("pending", "approved", "rejected")


@dataclass
class Applicant:
    """An agency organisation as the operator weighs it."""

    org: Organisation
    members: list[str]
    status: str | None  # 登记状态 in the registry, None when not registered here
    standing: Standing
    verification: VerificationOut | None
    licences: list[Licence]
    agency: AgencyView | None  # its directory entry and fee schedule, if it published one
    decisions: list[AccessAudit] = field(default_factory=list)

    @property
    def blockers(self) -> list[tuple[str, str]]:
        return blockers(self.verification)


def blockers(verification: VerificationOut | None) -> list[tuple[str, str]]:
    """Why an agency cannot be approved now (zh, en); empty when it can."""
    if verification is None:
        return [("尚未进行三步核验", "no three-step verification yet")]
    if verification.verdict == "不通过":
        return [("最近一次三步核验未通过", "the latest three-step verification failed")]
    return []


def _agency_org(session: Session, org_id: int) -> Organisation:
    org = accounts.get_organisation(session, org_id)
    if org.kind != "agency":
        raise NotFound(
            f"机构 {org_id} 不是服务机构，无需审核",
            f"organisation {org_id} is not an agency and needs no approval",
            field="org",
        )
    return org


def _latest_verification(session: Session, code: str) -> VerificationOut | None:
    found = session.scalar(
        select(Verification.id)
        .where(Verification.credit_code == code)
        .order_by(Verification.created_at.desc())
        .limit(1)
    )
    return get_verification(session, found) if found else None


def _decisions(session: Session, org_id: int) -> list[AccessAudit]:
    return list(
        session.scalars(
            select(AccessAudit)
            .where(
                AccessAudit.record == f"account_org:{org_id}",
                AccessAudit.action.in_(ACTIONS.values()),
            )
            .order_by(AccessAudit.id.desc())
        )
    )


def applicant(session: Session, org: Organisation, now: datetime | None = None) -> Applicant:
    today = local_date(now)
    members = session.execute(
        select(User.display_name, User.email)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.org_id == org.id)
        .order_by(Membership.id)
    )
    try:
        agency = get_agency(session, org.credit_code, on=today)
    except XinyongError:
        agency = None
    return Applicant(
        org=org,
        members=[f"{name} <{email}>" for name, email in members],
        status=session.scalar(
            select(Enterprise.status).where(Enterprise.credit_code == org.credit_code)
        ),
        standing=standings(session, [org.credit_code])[org.credit_code],
        verification=_latest_verification(session, org.credit_code),
        licences=valid_licences(session, org.credit_code, today),
        agency=agency,
        decisions=_decisions(session, org.id),
    )


def queue(session: Session, state: str = "pending", now: datetime | None = None) -> list[Applicant]:
    """Agency organisations in one state (pending by default), oldest first."""
    if state not in STATES:
        raise InvalidInput(
            f"state：状态应为 {'、'.join(STATES)} 之一，而不是“{state}”",
            f"state: expected one of {', '.join(STATES)}, not '{state}'",
            field="state",
        )
    return [
        applicant(session, org, now)
        for org in accounts.organisations(session, state)
        if org.kind == "agency"
    ]


def verify_applicant(session: Session, org_id: int, now: datetime | None = None) -> VerificationOut:
    """Run the three-step verification of the organisation now and store it (the caller commits)."""
    org = _agency_org(session, org_id)
    return verify(session, VerificationRequest(code=org.credit_code, name=org.name), now=now)


def decide(
    session: Session,
    org_id: int,
    approve: bool,
    reason: str,
    principal: Principal,
    ip: str | None = None,
    now: datetime | None = None,
) -> Organisation:
    """Approve or reject a pending agency with a reason; approval needs a verification that did
    not fail. The decision and its reason go to the access audit log (the caller commits)."""
    now = resolve(now)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("请填写决定理由", "give the reason for the decision", field="reason")
    if len(reason) > 500:
        raise InvalidInput(
            "理由最长 500 字", "the reason is at most 500 characters", field="reason"
        )
    org = _agency_org(session, org_id)
    if org.state != "pending":
        raise Conflict(
            f"{org.name} 已于 {org.decided_at:%Y-%m-%d} 由 {org.decided_by} 处理（{org.state}）",
            f"{org.name} was already decided ({org.state}) by {org.decided_by}",
            field="org",
        )
    latest = _latest_verification(session, org.credit_code)
    if approve:
        if found := blockers(latest):
            zh, en = found[0]
            raise Conflict(
                f"不能批准{org.name}：{zh}", f"{org.name} cannot be approved: {en}", field="org"
            )
    accounts.decide_organisation(
        session,
        org.id,
        approve,
        principal.actor[:100],
        latest.id if latest else None,
        now=now,
        reason=reason,
    )
    record_org_action(
        session,
        principal,
        org,
        ACTIONS[approve],
        reason,
        ip=ip,
        now=now,
        verification=latest.id if latest else None,
        verdict=latest.verdict if latest else None,
    )
    return org
