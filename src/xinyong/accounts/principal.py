"""Who is calling: an API key, the operator break-glass token, a signed-in browser, or an anonymous
visitor; the FastAPI dependencies `current_principal`, `require_role` and `require_scope`."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from urllib.parse import unquote

from fastapi import Request
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy.orm import Session

from xinyong.accounts import roles as R
from xinyong.accounts import service
from xinyong.accounts.errors import BadCredentials, CsrfRefused, Forbidden, NotSignedIn
from xinyong.accounts.models import ApiKey, User
from xinyong.errors import XinyongError
from xinyong.types import utcnow

SESSION_COOKIE = "xy_session"
CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS")
# A POST that asks a question instead of changing the platform's data (a verification, whose
# answer is recorded; a fee quote; a generated document or report; an audited export): a
# read-scoped key may make it. Routes declare it with `openapi_extra=QUESTION`, so the one list
# is the routes themselves and the OpenAPI spec tells clients which scope each needs.
QUESTION = {"x-key-scope": "read"}


class OperatorSettings(BaseSettings):
    """XINYONG_OPERATOR_TOKEN: the bootstrap / break-glass operator credential (see docs/accounts.md),
    read per request so a changed environment takes effect."""

    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    operator_token: str | None = None


class OperatorsClosed(XinyongError):
    code = "operators_closed"
    status = 403
    title_zh = "操作员令牌未启用"
    title_en = "Operator token disabled"


@dataclass(frozen=True)
class Principal:
    """The caller. `scopes` is None for a signed-in person (a key's scopes bound what it may do)."""

    kind: str  # anonymous / user / key / token
    roles: frozenset[str] = frozenset({R.VISITOR})
    user_id: int | None = None
    email: str | None = None
    name: str = "访客 visitor"
    org_ids: tuple[int, ...] = ()
    org_codes: tuple[str, ...] = ()
    key_id: int | None = None
    key_prefix: str | None = None
    scopes: frozenset[str] | None = None
    csrf_token: str | None = None
    person_daily_cap: int | None = None
    extra: dict = field(default_factory=dict, compare=False)

    @property
    def anonymous(self) -> bool:
        return self.kind == "anonymous"

    def has_role(self, *wanted: str) -> bool:
        return any(r in self.roles for r in wanted)

    def allows(self, scope: str) -> bool:
        return self.scopes is None or scope in self.scopes

    @property
    def role(self) -> str:
        """The one role written to the audit log: the most privileged held."""
        for r in (R.OPERATOR, R.AUDITOR, R.AGENCY_MEMBER, R.CREDITOR, R.API_CLIENT):
            if r in self.roles:
                return r
        return R.VISITOR

    @property
    def actor(self) -> str:
        """Who, for histories and the audit log."""
        if self.kind == "key":
            return f"key:{self.key_prefix} user:{self.user_id} {self.email}"
        if self.kind == "user":
            return f"user:{self.user_id} {self.email}"
        if self.kind == "token":
            return f"operator-token {self.name}"
        return "anonymous"


ANONYMOUS = Principal(kind="anonymous")


def for_user(session: Session, user: User, csrf_token: str | None = None) -> Principal:
    held, orgs = service.effective_roles(session, user)
    return Principal(
        kind="user",
        # A person with an account but no role yet is still a visitor (and signed in).
        roles=frozenset(held or {R.VISITOR}),
        user_id=user.id,
        email=user.email,
        name=user.display_name,
        org_ids=tuple(o.id for o in orgs),
        org_codes=tuple(o.credit_code for o in orgs),
        csrf_token=csrf_token,
    )


def for_key(session: Session, key: ApiKey, user: User) -> Principal:
    """A key acts as its owner, narrowed: operator rights need the `operator` scope, and a key
    tied to one organisation speaks for that organisation only."""
    held, orgs = service.effective_roles(session, user)
    if "operator" not in key.scopes:
        held.discard(R.OPERATOR)
    held.add(R.API_CLIENT)
    if key.org_id is not None:
        orgs = [o for o in orgs if o.id == key.org_id]
    return Principal(
        kind="key",
        roles=frozenset(held),
        user_id=user.id,
        email=user.email,
        name=f"{user.display_name} ({key.name})",
        org_ids=tuple(o.id for o in orgs),
        org_codes=tuple(o.credit_code for o in orgs),
        key_id=key.id,
        key_prefix=key.prefix,
        scopes=frozenset(key.scopes),
        person_daily_cap=key.person_daily_cap,
    )


def operator_token_principal(name: str) -> Principal:
    return Principal(kind="token", roles=frozenset({R.OPERATOR}), name=name)


def bearer(request: Request) -> str | None:
    scheme, _, given = (request.headers.get("authorization") or "").partition(" ")
    if scheme.lower() != "bearer":
        return None
    return given.strip() or None


def resolve_key(session: Session, token: str, now: datetime | None = None) -> Principal:
    """The principal of an API key, or 401 saying why the key is refused."""
    now = now or utcnow()
    key = service.key_for_token(session, token)
    if key is None:
        raise BadCredentials(
            "接口密钥无效：请使用 Authorization: Bearer xk_…（创建时显示一次的完整密钥）",
            "invalid API key: send Authorization: Bearer xk_… (the full key shown once at creation)",
        )
    if key.revoked_at is not None:
        raise BadCredentials(
            f"接口密钥 {key.prefix} 已于 {key.revoked_at:%Y-%m-%d} 吊销",
            f"API key {key.prefix} was revoked on {key.revoked_at:%Y-%m-%d}",
        )
    if key.expires_at is not None and key.expires_at <= now:
        raise BadCredentials(
            f"接口密钥 {key.prefix} 已于 {key.expires_at:%Y-%m-%d} 过期",
            f"API key {key.prefix} expired on {key.expires_at:%Y-%m-%d}",
        )
    user = session.get(User, key.user_id)
    if user is None or user.disabled:
        raise BadCredentials("密钥所属账户已停用", "the key's account is disabled")
    return for_key(session, key, user)


def _operator_token(request: Request, given: str) -> Principal | None:
    """The break-glass operator token (XINYONG_OPERATOR_TOKEN), when it matches."""
    token = OperatorSettings().operator_token
    if not token:
        raise OperatorsClosed(
            "本平台未配置操作员令牌（XINYONG_OPERATOR_TOKEN），令牌访问已停用；请使用接口密钥 xk_… 或登录",
            "operator token access is disabled: this deployment has no XINYONG_OPERATOR_TOKEN; "
            "use an API key (xk_…) or sign in",
        )
    if not secrets.compare_digest(given.encode(), token.encode()):
        return None
    name = header_text(request.headers.get("x-operator") or "").strip() or "operator-token"
    return operator_token_principal(name)


def header_text(value: str) -> str:
    """A header's text, sent either percent-encoded (`%E7%8E%8B`) or as raw UTF-8 bytes (as
    `curl -H 'X-Operator: 王敏'` sends it). Starlette decodes header bytes as latin-1, so raw
    UTF-8 arrives as mojibake and is decoded again; bytes that are not UTF-8 stay latin-1."""
    if value.isascii():
        return unquote(value)
    try:
        return value.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return value


async def resolve(request: Request, session: Session) -> Principal:
    """Work out the caller once per request (cached on request.state)."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    principal = ANONYMOUS
    given = bearer(request)
    if given is not None:
        if given.startswith(service.KEY_PREFIX):
            principal = resolve_key(session, given)
        else:
            principal = _operator_token(request, given)
            if principal is None:
                raise BadCredentials(
                    "凭据无效：请使用 Authorization: Bearer <接口密钥 xk_… 或操作员令牌>",
                    "invalid credentials: send Authorization: Bearer <API key xk_… or operator token>",
                )
    elif request.cookies.get(SESSION_COOKIE):
        found = service.session_for_token(session, request.cookies[SESSION_COOKIE])
        if found is not None:
            web_session, user = found
            await _check_csrf(request, web_session.csrf_token)
            principal = for_user(session, user, web_session.csrf_token)
    request.state.principal = principal
    return principal


async def _check_csrf(request: Request, expected: str) -> None:
    """A cookie travels with forged cross-site requests; the token in the page does not."""
    if request.method in SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER)
    if sent is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get(CSRF_FIELD)
            sent = value if isinstance(value, str) else None
    if not sent or not secrets.compare_digest(sent.encode(), expected.encode()):
        raise CsrfRefused(
            f"表单或请求头缺少有效的跨站校验令牌（{CSRF_FIELD} / {CSRF_HEADER}），请刷新页面后重试",
            f"missing or wrong CSRF token ({CSRF_FIELD} field or {CSRF_HEADER} header): "
            "reload the page and try again",
        )


def check_csrf_header(request: Request, principal: Principal) -> None:
    """The CSRF header, for a cookie-authenticated GET that has an effect (an audited read)."""
    sent = request.headers.get(CSRF_HEADER) or ""
    if not principal.csrf_token or not secrets.compare_digest(
        sent.encode(), principal.csrf_token.encode()
    ):
        raise CsrfRefused(
            f"须在请求头 {CSRF_HEADER} 中附上页面的跨站校验令牌",
            f"send the page's CSRF token in the {CSRF_HEADER} header",
        )


async def current_principal(request: Request) -> Principal:
    """FastAPI dependency: the caller, an anonymous visitor when no credentials are sent."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached
    session = request.app.state.sessions()
    try:
        principal = await resolve(request, session)
        session.commit()
        return principal
    finally:
        session.close()


def _names(wanted: tuple[str, ...]) -> tuple[str, str]:
    zh = "、".join(R.ROLE_NAMES[r][0] for r in wanted)
    en = ", ".join(R.ROLE_NAMES[r][1] for r in wanted)
    return zh, en


def deny(principal: Principal, wanted: tuple[str, ...]) -> None:
    zh, en = _names(wanted)
    if principal.anonymous:
        raise NotSignedIn(
            f"须登录或提供接口密钥，且具有以下角色之一：{zh}",
            f"sign in or send an API key of one of these roles: {en}",
        )
    raise Forbidden(
        f"当前身份（{principal.name}）无此权限：须具有以下角色之一：{zh}",
        f"{principal.name} may not do this: it needs one of these roles: {en}",
    )


def require_role(*wanted: str) -> Callable:
    """FastAPI dependency factory: the principal, if it holds one of the roles (401/403 if not)."""
    for r in wanted:
        if r not in R.ROLES:
            raise ValueError(f"unknown role {r!r}")

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        if not principal.has_role(*wanted):
            deny(principal, wanted)
        return principal

    dependency.__name__ = f"require_role_{'_'.join(wanted)}"
    return dependency


async def require_signed_in(request: Request) -> Principal:
    """FastAPI dependency: any signed-in person or API key (401 for an anonymous visitor)."""
    principal = await current_principal(request)
    if principal.anonymous:
        raise NotSignedIn("须登录或提供接口密钥", "sign in or send an API key")
    return principal


def require_scope(scope: str) -> Callable:
    """FastAPI dependency factory: a key must carry the scope (signed-in people have them all)."""
    if scope not in R.SCOPES:
        raise ValueError(f"unknown scope {scope!r}")

    async def dependency(request: Request) -> Principal:
        principal = await current_principal(request)
        if principal.anonymous:
            raise NotSignedIn("须登录或提供接口密钥", "sign in or send an API key")
        if not principal.allows(scope):
            zh, en = R.SCOPES[scope]
            raise Forbidden(
                f"接口密钥 {principal.key_prefix} 没有权限范围“{scope}”（{zh}）",
                f"API key {principal.key_prefix} lacks the {scope!r} scope ({en})",
            )
        return principal

    dependency.__name__ = f"require_scope_{scope}"
    return dependency


def set_session_cookie(response, token: str) -> None:
    """HttpOnly (no script reads it), SameSite=Lax (not sent on cross-site posts), Secure."""
    from xinyong.accounts.config import account_settings

    settings = account_settings()
    response.set_cookie(
        SESSION_COOKIE,
        token,
        max_age=settings.session_hours * 3600,
        path="/",
        httponly=True,
        secure=settings.cookie_secure,
        samesite="lax",
    )


def clear_session_cookie(response) -> None:
    response.delete_cookie(SESSION_COOKIE, path="/")


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


def reset_link_base(request: Request) -> str:
    """The reset page as an absolute address: the link travels by e-mail or SMS, where a path
    alone leads nowhere. Taken from the request (behind a proxy, its forwarded headers)."""
    return str(request.base_url).rstrip("/") + "/password-reset"
