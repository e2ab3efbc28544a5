"""Organisation claims API (thin): operators review organisations with their members, add or
remove members, reject, suspend or reinstate; people file claim disputes that operators decide."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from xinyong.accounts import claims, service
from xinyong.accounts import roles as R
from xinyong.accounts.errors import Forbidden
from xinyong.accounts.models import ClaimDispute, Organisation, User
from xinyong.accounts.principal import Principal, client_ip, require_role, require_signed_in
from xinyong.accounts.schemas import (
    AddMemberIn,
    DisputeDecisionIn,
    DisputeIn,
    DisputeOut,
    MemberOut,
    MyDisputeOut,
    OrgEventOut,
    OrgOut,
    OrgReviewOut,
    ReasonIn,
    RevokeOrgIn,
)
from xinyong.api.deps import DbSession

router = APIRouter(tags=["accounts 账户"])
operator_only = require_role(R.OPERATOR)


def _review_out(view: claims.OrgView) -> OrgReviewOut:
    return OrgReviewOut(
        **OrgOut.model_validate(view.org).model_dump(),
        members=[
            MemberOut(user_id=u.id, email=u.email, display_name=u.display_name, role=m.role)
            for m, u in view.members
        ],
        history=[
            OrgEventOut.model_validate(e).model_copy(
                update={"by": view.by(e), "about": view.about(e)}
            )
            for e in view.events
        ],
        open_disputes=view.open_disputes,
    )


def _mine(d: ClaimDispute, o: Organisation) -> dict:
    return {
        "id": d.id,
        "credit_code": o.credit_code,
        "org_name": o.name,
        "statement": d.statement,
        "state": d.state,
        "decision_reason": d.decision_reason,
        "decided_at": d.decided_at,
        "created_at": d.created_at,
    }


def _full(d: ClaimDispute, o: Organisation, u: User) -> DisputeOut:
    return DisputeOut(
        **_mine(d, o), org_id=o.id, filed_by=u.id, filer_email=u.email, decided_by=d.decided_by
    )


@router.get(
    "/api/v1/operator/organisations/{org_id}",
    response_model=OrgReviewOut,
    summary="机构成员与历史 / An organisation with its members and history",
)
def review_org(
    org_id: int, _: Principal = Depends(operator_only), session: Session = DbSession
) -> OrgReviewOut:
    org = service.get_organisation(session, org_id)
    return _review_out(claims.review(session, code=org.credit_code)[0])


@router.post(
    "/api/v1/operator/organisations/{org_id}/members",
    response_model=OrgReviewOut,
    status_code=201,
    summary="加入成员（按电子邮箱）/ Add a member by e-mail",
)
def add_member(
    org_id: int,
    body: AddMemberIn,
    request: Request,
    principal: Principal = Depends(operator_only),
    session: Session = DbSession,
) -> OrgReviewOut:
    claims.add_member_by_email(
        session, principal, org_id, body.email, body.reason, client_ip(request)
    )
    session.commit()
    return review_org(org_id, principal, session)


@router.post(
    "/api/v1/operator/organisations/{org_id}/members/{user_id}/remove",
    response_model=OrgReviewOut,
    summary="移出成员 / Remove a member",
)
def remove_member(
    org_id: int,
    user_id: int,
    body: ReasonIn,
    request: Request,
    principal: Principal = Depends(operator_only),
    session: Session = DbSession,
) -> OrgReviewOut:
    claims.remove_member(session, principal, org_id, user_id, body.reason, client_ip(request))
    session.commit()
    return review_org(org_id, principal, session)


@router.post(
    "/api/v1/operator/organisations/{org_id}/revoke",
    response_model=OrgReviewOut,
    summary="驳回或暂停机构 / Reject or suspend an organisation",
)
def revoke_org(
    org_id: int,
    body: RevokeOrgIn,
    request: Request,
    principal: Principal = Depends(operator_only),
    session: Session = DbSession,
) -> OrgReviewOut:
    claims.revoke_organisation(
        session, principal, org_id, body.state, body.reason, client_ip(request)
    )
    session.commit()
    return review_org(org_id, principal, session)


@router.post(
    "/api/v1/operator/organisations/{org_id}/reinstate",
    response_model=OrgReviewOut,
    summary="恢复被暂停或驳回的机构 / Reinstate a suspended or rejected organisation",
)
def reinstate_org(
    org_id: int,
    body: ReasonIn,
    request: Request,
    principal: Principal = Depends(operator_only),
    session: Session = DbSession,
) -> OrgReviewOut:
    claims.reinstate_organisation(session, principal, org_id, body.reason, client_ip(request))
    session.commit()
    return review_org(org_id, principal, session)


@router.get(
    "/api/v1/operator/claim-disputes",
    response_model=list[DisputeOut],
    summary="机构登记异议（待处理）/ Claim disputes (open by default)",
)
def dispute_queue(
    state: str | None = Query("open", pattern="^(open|upheld|dismissed)$"),
    _: Principal = Depends(operator_only),
    session: Session = DbSession,
) -> list[DisputeOut]:
    return [_full(d, o, u) for d, o, u in claims.queue(session, state)]


@router.post(
    "/api/v1/operator/claim-disputes/{dispute_id}/decision",
    response_model=DisputeOut,
    summary="处理登记异议 / Decide a claim dispute",
)
def decide(
    dispute_id: int,
    body: DisputeDecisionIn,
    request: Request,
    principal: Principal = Depends(operator_only),
    session: Session = DbSession,
) -> DisputeOut:
    d = claims.decide_dispute(
        session, principal, dispute_id, body.uphold, body.reason, client_ip(request)
    )
    session.commit()
    org = service.get_organisation(session, d.org_id)
    return _full(d, org, service.get_user(session, d.filed_by))


@router.post(
    "/api/v1/claim-disputes",
    response_model=MyDisputeOut,
    status_code=201,
    summary="对机构登记提出异议 / Contest an organisation's registration",
)
def file(
    body: DisputeIn, principal: Principal = Depends(require_signed_in), session: Session = DbSession
) -> MyDisputeOut:
    if principal.user_id is None:
        raise Forbidden("须以用户账户提出异议", "file a dispute as a signed-in user")
    d = claims.file_dispute(
        session, service.get_user(session, principal.user_id), body.credit_code, body.statement
    )
    session.commit()
    return MyDisputeOut(**_mine(d, service.get_organisation(session, d.org_id)))


@router.get(
    "/api/v1/claim-disputes",
    response_model=list[MyDisputeOut],
    summary="我的登记异议 / My claim disputes",
)
def mine(
    principal: Principal = Depends(require_signed_in), session: Session = DbSession
) -> list[MyDisputeOut]:
    if principal.user_id is None:
        return []
    return [MyDisputeOut(**_mine(d, o)) for d, o in claims.disputes_of(session, principal.user_id)]
