"""Accounts API (thin): sign-in, registration, password reset, organisations, API keys, usage."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query, Request, Response
from fastapi.responses import PlainTextResponse
from sqlalchemy.orm import Session

from xinyong.accounts import claims_api, metering, notify, privacy_api, service
from xinyong.accounts import roles as R
from xinyong.accounts.errors import Forbidden
from xinyong.accounts.metering import this_month
from xinyong.accounts.principal import (
    SESSION_COOKIE,
    Principal,
    clear_session_cookie,
    client_ip,
    current_principal,
    for_user,
    require_role,
    require_signed_in,
    reset_link_base,
    set_session_cookie,
)
from xinyong.accounts.schemas import (
    DecisionIn,
    IssuedKeyOut,
    KeyIn,
    KeyOut,
    LoginIn,
    Me,
    MembershipOut,
    OrgIn,
    OrgOut,
    OutboxOut,
    RegisterIn,
    ResetConfirmIn,
    ResetRequestIn,
    Usage,
    UserIn,
)
from xinyong.api.deps import DbSession

router = APIRouter(tags=["accounts 账户"])
signed_in = require_signed_in
operator_only = require_role(R.OPERATOR)


def me_of(session: Session, principal: Principal) -> Me:
    members = []
    if principal.user_id is not None:
        members = [
            MembershipOut(
                org_id=o.id,
                credit_code=o.credit_code,
                name=o.name,
                kind=o.kind,
                state=o.state,
                role=m.role,
            )
            for m, o in service.memberships(session, principal.user_id)
        ]
    return Me(
        kind=principal.kind,
        roles=sorted(principal.roles),
        user_id=principal.user_id,
        email=principal.email,
        name=principal.name,
        scopes=sorted(principal.scopes) if principal.scopes is not None else None,
        key=principal.key_prefix,
        memberships=members,
        csrf_token=principal.csrf_token,
    )


@router.post("/api/v1/auth/login", response_model=Me, summary="登录 / Sign in")
def login(body: LoginIn, request: Request, response: Response, session: Session = DbSession) -> Me:
    try:
        user = service.authenticate(session, body.email, body.password)
    finally:
        session.commit()  # failed attempts count towards the lockout
    token, web_session = service.start_session(session, user, client_ip(request))
    session.commit()
    set_session_cookie(response, token)

    return me_of(session, for_user(session, user, web_session.csrf_token))


@router.post("/api/v1/auth/logout", status_code=204, summary="退出登录 / Sign out")
def logout(
    request: Request,
    response: Response,
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
) -> Response:
    if principal.kind == "user":
        service.end_session(session, request.cookies.get(SESSION_COOKIE, ""))
        session.commit()
    response = Response(status_code=204)
    clear_session_cookie(response)
    return response


@router.post("/api/v1/auth/register", response_model=Me, status_code=201, summary="注册 / Register")
def register(body: RegisterIn, session: Session = DbSession) -> Me:
    user = service.create_user(
        session, body.email, password=body.password, display_name=body.display_name
    )
    session.commit()

    return me_of(session, for_user(session, user))


@router.post(
    "/api/v1/auth/password-reset",
    status_code=202,
    summary="申请重置密码（一次性链接经通知渠道发送）/ Ask for a one-time password reset link",
)
def ask_reset(
    body: ResetRequestIn, request: Request, session: Session = DbSession
) -> dict[str, str]:
    service.request_password_reset(session, body.email, reset_link_base(request))
    session.commit()
    # The same answer whether or not the address is registered.
    return {
        "detail_zh": "如该邮箱已注册，重置链接已发送",
        "detail_en": "if the address is registered, a reset link has been sent",
    }


@router.post(
    "/api/v1/auth/password-reset/confirm", status_code=204, summary="重置密码 / Reset the password"
)
def confirm_reset(body: ResetConfirmIn, session: Session = DbSession) -> Response:
    service.reset_password(session, body.token, body.password)
    session.commit()
    return Response(status_code=204)


@router.get("/api/v1/me", response_model=Me, summary="当前身份 / Who am I")
def me(principal: Principal = Depends(current_principal), session: Session = DbSession) -> Me:
    return me_of(session, principal)


# --- organisations --------------------------------------------------------------------------


@router.post(
    "/api/v1/organisations",
    response_model=OrgOut,
    status_code=201,
    summary="登记机构（服务机构须经操作员审核）/ Register an organisation (agencies await approval)",
)
def register_org(
    body: OrgIn,
    principal: Principal = Depends(signed_in),
    session: Session = DbSession,
) -> OrgOut:
    if principal.user_id is None:
        raise Forbidden("须以用户账户登记机构", "register an organisation as a signed-in user")
    user = service.get_user(session, principal.user_id)
    org = service.register_organisation(session, user, body.credit_code, body.name, body.kind)
    session.commit()
    return OrgOut.model_validate(org)


@router.get(
    "/api/v1/operator/organisations",
    response_model=list[OrgOut],
    summary="机构列表（按状态）/ Organisations by state",
)
def list_orgs(
    state: str | None = Query(None, pattern="^(pending|approved|rejected|suspended)$"),
    _: Principal = Depends(operator_only),
    session: Session = DbSession,
) -> list[OrgOut]:
    return [OrgOut.model_validate(o) for o in service.organisations(session, state)]


@router.post(
    "/api/v1/operator/organisations/{org_id}/approve",
    response_model=OrgOut,
    summary="批准机构 / Approve an organisation",
)
def approve_org(
    org_id: int,
    body: DecisionIn,
    principal: Principal = Depends(operator_only),
    session: Session = DbSession,
) -> OrgOut:
    org = service.decide_organisation(
        session, org_id, True, principal.actor[:100], body.verification_id, reason=body.reason
    )
    session.commit()
    return OrgOut.model_validate(org)


@router.post(
    "/api/v1/operator/organisations/{org_id}/reject",
    response_model=OrgOut,
    summary="驳回机构 / Reject an organisation",
)
def reject_org(
    org_id: int,
    body: DecisionIn,
    principal: Principal = Depends(operator_only),
    session: Session = DbSession,
) -> OrgOut:
    org = service.decide_organisation(
        session, org_id, False, principal.actor[:100], body.verification_id, reason=body.reason
    )
    session.commit()
    return OrgOut.model_validate(org)


@router.post(
    "/api/v1/operator/users", response_model=Me, status_code=201, summary="创建用户 / Create a user"
)
def create_user(
    body: UserIn, _: Principal = Depends(operator_only), session: Session = DbSession
) -> Me:
    user = service.create_user(
        session,
        body.email,
        password=body.password,
        display_name=body.display_name,
        roles=body.roles,
    )
    session.commit()

    return me_of(session, for_user(session, user))


@router.get(
    "/api/v1/operator/outbox",
    response_model=list[OutboxOut],
    summary="通知发件箱（默认通知渠道）/ Notification outbox (the default notifier)",
)
def outbox(_: Principal = Depends(operator_only), session: Session = DbSession) -> list[OutboxOut]:
    return [OutboxOut.model_validate(m) for m in notify.recent(session)]


# --- API keys and usage ---------------------------------------------------------------------


@router.get("/api/v1/api-keys", response_model=list[KeyOut], summary="我的接口密钥 / My API keys")
def my_keys(
    principal: Principal = Depends(signed_in), session: Session = DbSession
) -> list[KeyOut]:
    if principal.user_id is None:
        return []
    return [KeyOut.model_validate(k) for k in service.list_keys(session, principal.user_id)]


@router.post(
    "/api/v1/api-keys",
    response_model=IssuedKeyOut,
    status_code=201,
    summary="创建接口密钥（完整密钥仅显示一次）/ Create an API key (shown once)",
)
def new_key(
    body: KeyIn, principal: Principal = Depends(signed_in), session: Session = DbSession
) -> IssuedKeyOut:
    if principal.kind != "user":
        raise Forbidden("须登录后创建接口密钥", "sign in to create an API key")
    user = service.get_user(session, principal.user_id)
    org = service.get_organisation(session, body.org_id) if body.org_id else None
    given = body.model_dump(exclude_unset=True)
    quotas = {
        k: given[k] for k in ("daily_quota", "monthly_quota", "person_daily_cap") if k in given
    }
    issued = service.issue_api_key(
        session,
        user,
        body.name,
        scopes=body.scopes,
        org=org,
        expires_at=body.expires_at,
        **quotas,
    )
    session.commit()
    return IssuedKeyOut(token=issued.token, **KeyOut.model_validate(issued.key).model_dump())


@router.delete(
    "/api/v1/api-keys/{key_id}", response_model=KeyOut, summary="吊销接口密钥 / Revoke an API key"
)
def revoke(
    key_id: int, principal: Principal = Depends(signed_in), session: Session = DbSession
) -> KeyOut:
    key = service.get_key(session, key_id)
    if key.user_id != principal.user_id and not principal.has_role(R.OPERATOR):
        raise Forbidden("只能吊销自己的密钥", "you may revoke only your own keys")
    service.revoke_key(session, key, principal.actor[:100])
    session.commit()
    return KeyOut.model_validate(key)


@router.get(
    "/api/v1/usage",
    response_model=Usage,
    summary="月度用量对账单（format=csv 导出）/ Monthly usage statement (format=csv to export)",
    responses={200: {"content": {"text/csv": {}}}},
)
def usage(
    month: str | None = Query(None, description="YYYY-MM；默认本月 / default this month"),
    format: str = Query("json", pattern="^(json|csv)$"),
    principal: Principal = Depends(signed_in),
    session: Session = DbSession,
) -> Any:
    month = metering.check_month(month or this_month())
    if principal.has_role(R.OPERATOR, R.AUDITOR):
        lines = metering.statement(session, month)
    else:
        lines = metering.statement(
            session, month, user_id=principal.user_id, org_ids=principal.org_ids
        )
    if format == "csv":
        return PlainTextResponse(
            metering.statement_csv(lines),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="usage-{month}.csv"'},
        )
    return Usage(
        month=month,
        total_calls=sum(x["calls"] for x in lines if x["kind"] == "call"),
        person_lookups=sum(x["calls"] for x in lines if x["kind"] == "person"),
        lines=lines,
    )


router.include_router(privacy_api.router)
router.include_router(claims_api.router)
