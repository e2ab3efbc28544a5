"""Who is the operator on the console pages: a signed-in account with the operator role, or the
break-glass operator token kept in an HttpOnly cookie by the sign-in form here.

The one place the console asks "who is this operator?".
"""

from __future__ import annotations

import secrets
from urllib.parse import quote, unquote

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from xinyong.accounts.principal import Principal, current_principal, operator_token_principal
from xinyong.accounts.roles import OPERATOR
from xinyong.api.operator import OperatorSettings
from xinyong.web.i18n import _local
from xinyong.web.site import page

TOKEN_COOKIE = "xy_operator"
NAME_COOKIE = "xy_operator_name"
router = APIRouter(include_in_schema=False)


async def resolve_caller(request: Request) -> None:
    """Console router dependency: works out an account caller before the page runs (a session
    cookie on a form post must carry the page's CSRF token), so `signed_in` can read it."""
    await current_principal(request)


def signed_in(request: Request, *also: str) -> str | None:
    """The operator's name, or None: an operator account, else the token cookie (no cookie, a
    wrong token, or operators closed give None). `also` lets accounts of other roles in too
    (auditors read the statistics and the audit log)."""
    principal = getattr(request.state, "principal", None)
    if principal is not None and principal.has_role(OPERATOR, *also):
        return principal.name
    token = OperatorSettings().operator_token
    given = request.cookies.get(TOKEN_COOKIE, "")
    name = unquote(request.cookies.get(NAME_COOKIE, "")).strip()
    if not token or not given or not name or not secrets.compare_digest(given, token):
        return None
    return name


def acting_principal(request: Request) -> Principal | None:
    """Who acts, for the audit log: the operator account, else the token operator by name."""
    principal = getattr(request.state, "principal", None)
    if principal is not None and principal.has_role(OPERATOR):
        return principal
    name = signed_in(request)
    return operator_token_principal(name) if name else None


def sign_in_redirect(request: Request) -> RedirectResponse:
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/operator/login?next={quote(target)}", status_code=303)


@router.get("/operator/login", response_class=HTMLResponse)
def login_form(request: Request, next: str = "/operator"):
    return page(
        request,
        "operator_login.html",
        next=_local(next),
        error=None,
        closed=not OperatorSettings().operator_token,
        name="",
    )


@router.post("/operator/login", response_class=HTMLResponse)
def login(request: Request, name: str = Form(""), token: str = Form(""), next: str = Form("/")):
    configured = OperatorSettings().operator_token
    name = name.strip()
    error = None
    if not configured:
        error = ("本平台未配置操作员令牌，操作员功能已停用", "operator actions are disabled here")
    elif not name:
        error = (
            "请填写操作员姓名（记入操作历史）",
            "enter the operator's name (it goes into the history)",
        )
    elif not secrets.compare_digest(token.strip(), configured):
        error = ("操作员令牌不正确", "the operator token is wrong")
    if error:
        return page(
            request,
            "operator_login.html",
            status_code=401 if configured else 403,
            next=_local(next),
            error=error,
            closed=not configured,
            name=name,
        )
    response = RedirectResponse(_local(next), status_code=303)
    # Strict same-site: a form on another site cannot act with this operator's cookie.
    options = {"httponly": True, "samesite": "strict", "secure": request.url.scheme == "https"}
    response.set_cookie(TOKEN_COOKIE, token.strip(), **options)
    response.set_cookie(NAME_COOKIE, quote(name), **options)
    return response


@router.post("/operator/logout")
def logout() -> RedirectResponse:
    response = RedirectResponse("/", status_code=303)
    response.delete_cookie(TOKEN_COOKIE)
    response.delete_cookie(NAME_COOKIE)
    return response
