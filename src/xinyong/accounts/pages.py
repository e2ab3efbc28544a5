"""Account pages (thin): sign in, register, password reset, my account, its organisations and API
keys (the operator's outbox is a console page: web/console_pages.py)."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.accounts import claims, claims_pages, metering, privacy, service
from xinyong.accounts import roles as R
from xinyong.accounts.models import (
    CLAIM_NOTICES,
    DISPUTE_STATE_NAMES,
    ORG_EVENT_NAMES,
    ORG_KIND_NAMES,
    ORG_STATE_NAMES,
)
from xinyong.accounts.principal import (
    SESSION_COOKIE,
    Principal,
    clear_session_cookie,
    client_ip,
    current_principal,
    reset_link_base,
    set_session_cookie,
)
from xinyong.api.deps import DbSession
from xinyong.errors import XinyongError
from xinyong.settings import get_settings
from xinyong.stats.audit_log import ACTION_NAMES
from xinyong.web.pages import templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, status: int = 200, **context):
    context.setdefault("error", None)
    context.setdefault("principal", getattr(request.state, "principal", None))
    return templates.TemplateResponse(
        request,
        name,
        {
            "settings": get_settings(),
            "role_names": R.ROLE_NAMES,
            "scopes": R.SCOPES,
            **context,
        },
        status_code=status,
    )


def _local(target: str | None) -> str:
    """Where to go after signing in: a path on this site only (never //host or a scheme), so a
    crafted link cannot send a fresh session elsewhere."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return "/account"


@router.get("/login", response_class=HTMLResponse)
def login_form(
    request: Request, next: str | None = None, principal: Principal = Depends(current_principal)
):
    # The header's sign-in link is the same on every (cached) page; a signed-in person who
    # follows it goes on to their account instead of a form they do not need.
    if principal.kind == "user":
        return RedirectResponse(_local(next), status_code=303)
    return _page(request, "login.html", mode="login", next=_local(next))


@router.post("/login", response_class=HTMLResponse)
def login(
    request: Request,
    email: str = Form("", max_length=254),
    password: str = Form("", max_length=256),
    next: str = Form("/account", max_length=500),
    session: Session = DbSession,
):
    target = _local(next)
    try:
        user = service.authenticate(session, email, password)
    except XinyongError as exc:
        session.commit()  # the failure counts towards the lockout
        status = 400 if exc.status == 401 else exc.status  # a form has no WWW-Authenticate
        return _page(
            request, "login.html", status, mode="login", error=exc, email=email, next=target
        )
    token, _ = service.start_session(session, user, client_ip(request))
    session.commit()
    response = RedirectResponse(target, status_code=303)
    set_session_cookie(response, token)
    return response


@router.get("/register", response_class=HTMLResponse)
def register_form(request: Request):
    return _page(request, "login.html", mode="register")


@router.post("/register", response_class=HTMLResponse)
def register(
    request: Request,
    email: str = Form("", max_length=254),
    password: str = Form("", max_length=256),
    display_name: str = Form("", max_length=100),
    session: Session = DbSession,
):
    try:
        user = service.create_user(
            session, email, password=password, display_name=display_name or None
        )
    except XinyongError as exc:
        return _page(request, "login.html", exc.status, mode="register", error=exc, email=email)
    token, _ = service.start_session(session, user, client_ip(request))
    session.commit()
    response = RedirectResponse("/account", status_code=303)
    set_session_cookie(response, token)
    return response


@router.post("/logout")
def logout(
    request: Request,
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
):
    if principal.kind == "user":
        service.end_session(session, request.cookies.get(SESSION_COOKIE, ""))
        session.commit()
    response = RedirectResponse("/", status_code=303)
    clear_session_cookie(response)
    return response


@router.get("/password-reset", response_class=HTMLResponse)
def reset_form(request: Request, token: str | None = None):
    return _page(request, "account_reset.html", token=token, sent=False)


@router.post("/password-reset", response_class=HTMLResponse)
def reset(
    request: Request,
    email: str = Form("", max_length=254),
    token: str = Form("", max_length=200),
    password: str = Form("", max_length=256),
    session: Session = DbSession,
):
    try:
        if token:
            service.reset_password(session, token, password)
            session.commit()
            return RedirectResponse("/login", status_code=303)
        service.request_password_reset(session, email, reset_link_base(request))
        session.commit()
    except XinyongError as exc:
        return _page(request, "account_reset.html", exc.status, token=token, error=exc, sent=False)
    return _page(request, "account_reset.html", token=None, sent=True)


def _signed_in_or_login(principal: Principal):
    return None if principal.kind == "user" else RedirectResponse("/login", status_code=303)


@router.get("/account", response_class=HTMLResponse)
def account(
    request: Request,
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
):
    if redirect := _signed_in_or_login(principal):
        return redirect
    return account_page(request, principal, session)


def account_page(
    request,
    principal,
    session,
    status=200,
    new_token=None,
    error=None,
    org_error=None,
    org_form=None,
    dispute_error=None,
    dispute_form=None,
):
    month = metering.this_month()
    # Turned away because another account registered the code: the contest form, filled in.
    contested = org_error is not None and org_error.status == 409 and not dispute_form
    if contested and "already registered by another account" in org_error.message_en:
        dispute_form = {"credit_code": (org_form or {}).get("credit_code", ""), "statement": ""}
    return _page(
        request,
        "account_home.html",
        status,
        me=principal,
        members=service.memberships(session, principal.user_id),
        org_states=ORG_STATE_NAMES,
        org_kinds=ORG_KIND_NAMES,
        scopes=privacy.offered_scopes(set(principal.roles)),
        keys=service.list_keys(session, principal.user_id),
        usage=metering.statement(
            session, month, user_id=principal.user_id, org_ids=principal.org_ids
        ),
        month=month,
        new_token=new_token,
        error=error,
        org_error=org_error,
        org_form=org_form or {"credit_code": "", "name": "", "kind": "creditor"},
        notices=claims.notices_for(session, principal.user_id),
        event_names=ORG_EVENT_NAMES,
        claim_notices=CLAIM_NOTICES,
        disputes=claims.disputes_of(session, principal.user_id),
        dispute_states=DISPUTE_STATE_NAMES,
        dispute_error=dispute_error,
        dispute_form=dispute_form or {"credit_code": "", "statement": ""},
    )


@router.post("/account/organisations", response_class=HTMLResponse)
def register_org(
    request: Request,
    credit_code: str = Form("", max_length=40),
    name: str = Form("", max_length=200),
    kind: str = Form("", max_length=12),
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
):
    """The account page's 登记机构 form: the same service as POST /api/v1/organisations."""
    if redirect := _signed_in_or_login(principal):
        return redirect
    try:
        user = service.get_user(session, principal.user_id)
        service.register_organisation(session, user, credit_code, name, kind)
    except XinyongError as exc:
        session.rollback()
        typed = {"credit_code": credit_code, "name": name, "kind": kind}
        return account_page(request, principal, session, exc.status, org_error=exc, org_form=typed)
    session.commit()
    return RedirectResponse("/account#orgs", status_code=303)


@router.post("/account/api-keys", response_class=HTMLResponse)
def new_key(
    request: Request,
    name: str = Form("default", max_length=100),
    scopes: list[str] = Form(["read"]),
    org_id: int | None = Form(None),
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
):
    if redirect := _signed_in_or_login(principal):
        return redirect
    try:
        user = service.get_user(session, principal.user_id)
        org = service.get_organisation(session, org_id) if org_id else None
        issued = service.issue_api_key(session, user, name, scopes=scopes, org=org)
    except XinyongError as exc:
        session.rollback()
        return account_page(request, principal, session, exc.status, error=exc)
    session.commit()
    # The full key is on this one page, never again.
    return account_page(request, principal, session, 201, new_token=issued.token)


@router.post("/account/api-keys/{key_id}/revoke")
def revoke_key(
    key_id: int,
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
):
    if redirect := _signed_in_or_login(principal):
        return redirect
    key = service.get_key(session, key_id)
    if key.user_id == principal.user_id:
        service.revoke_key(session, key, principal.actor[:100])
        session.commit()
    return RedirectResponse("/account", status_code=303)


@router.get("/account/access-log", response_class=HTMLResponse)
def my_access_log(
    request: Request,
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
):
    """The data subject's view: who saw their unmasked personal data, when and for what."""
    if redirect := _signed_in_or_login(principal):
        return redirect
    refs = privacy.subject_refs_of(session, principal)
    return _page(
        request,
        "account_access.html",
        entries=privacy.audit_log(session, subject_refs=refs),
        purposes=privacy.PURPOSES,
        actions=ACTION_NAMES,
        full=False,
    )


@router.get("/operator/access-log", response_class=HTMLResponse)
def access_log_page(request: Request, principal: Principal = Depends(current_principal)):
    """The whole access audit log now lives in the console (`/operator/audit`, with filters)."""
    if not principal.has_role(R.AUDITOR, R.OPERATOR):
        status = 401 if principal.anonymous else 403
        return _page(request, "account_access.html", status, entries=None, full=True)
    return RedirectResponse("/operator/audit", status_code=308)


router.include_router(claims_pages.router)
