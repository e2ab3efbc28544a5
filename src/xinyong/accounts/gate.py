"""Per-request account checks for every route: an API key is resolved, must carry a write scope
for what changes data, is held to its quotas and metered per endpoint. Installed by
`install(app)`."""

from __future__ import annotations

from decimal import InvalidOperation

from fastapi import FastAPI, Request
from sqlalchemy.exc import DataError

from xinyong.accounts.errors import BadCredentials, Forbidden, QuotaExceeded, RateLimited
from xinyong.accounts.metering import meter_call
from xinyong.accounts.middleware import GUARDED, Guarded, GuardMiddleware
from xinyong.accounts.models import ApiKey
from xinyong.accounts.principal import QUESTION, SAFE_METHODS, bearer, resolve
from xinyong.accounts.service import KEY_PREFIX
from xinyong.api.problems import problem


def endpoint_of(request: Request) -> str:
    """The route template, so /enterprises/A and /enterprises/B are one line of the statement."""
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', request.url.path)}"


def needs_write(request: Request) -> bool:
    """Whether a key needs the `write` scope for this request: an unsafe method, unless its
    route is declared a question (principal.QUESTION) — it asks, it changes nothing."""
    if request.method in SAFE_METHODS:
        return False
    declared = getattr(request.scope.get("route"), "openapi_extra", None) or {}
    return not QUESTION.items() <= declared.items()


async def gate(request: Request) -> None:
    given = bearer(request)
    if not given or not given.startswith(KEY_PREFIX):
        return  # anonymous, cookie and token callers are resolved where a route asks
    guarded: Guarded | None = request.scope.get(GUARDED)
    if guarded:
        guarded.charged = True  # to the key's budget or the IP's false-key one, below
    session = request.app.state.sessions()
    try:
        try:
            principal = await resolve(request, session)
        except BadCredentials:
            # The guard let this call past the per-IP limit on its key's word: a false key
            # spends the IP's budget instead, never the key's whose prefix it names.
            wait = guarded.limits.false_key(guarded.ip) if guarded else None
            if wait:
                raise RateLimited(
                    f"来自该 IP 的无效接口密钥过多，请 {wait} 秒后重试",
                    f"too many invalid API keys from this IP address: retry in {wait} s",
                    retry_after=wait,
                ) from None
            raise
        # Counted once the secret checked out (decision 0056): the key look-up above is one
        # indexed row and a SHA-256, which every keyed call makes anyway.
        wait = guarded.limits.key(principal.key_prefix) if guarded else None
        if wait:
            raise RateLimited(
                f"该接口密钥 {principal.key_prefix} 请求过于频繁，请 {wait} 秒后重试",
                f"too many requests from this API key ({principal.key_prefix}): retry in {wait} s",
                retry_after=wait,
            )
        if needs_write(request) and not (principal.allows("write") or principal.allows("operator")):
            raise Forbidden(
                f"接口密钥 {principal.key_prefix} 只读：提交、修改需要 write 权限范围",
                f"API key {principal.key_prefix} is read-only: this needs the 'write' scope",
            )
        key = session.get(ApiKey, principal.key_id)
        try:
            quotas = meter_call(session, key, endpoint_of(request))
        except QuotaExceeded as exc:
            if guarded:
                guarded.quotas = exc.detail.get("allowances", [])
            raise
        session.commit()
        if guarded:
            guarded.quotas = quotas
    finally:
        session.close()


def install(app: FastAPI) -> None:
    """The guard middleware (rate limits, body cap, security headers) and the 429 answer."""
    app.add_middleware(GuardMiddleware)

    async def out_of_range(request: Request, exc: Exception):
        # A number too large for the database column, or not a number at all, reaching a query:
        # the caller's input is wrong, whichever route let it through.
        return problem(
            422,
            "输入无效 / Invalid input",
            "请求中的数值超出允许范围或格式无效（a number in the request is out of range or "
            "malformed）",
            "urn:xinyong:problem:invalid_input",
            request.url.path,
            detail_zh="请求中的数值超出允许范围或格式无效",
            detail_en="a number in the request is out of range or malformed",
        )

    app.add_exception_handler(OverflowError, out_of_range)
    app.add_exception_handler(DataError, out_of_range)
    app.add_exception_handler(InvalidOperation, out_of_range)

    async def too_many(request: Request, exc: QuotaExceeded | RateLimited):
        response = problem(
            exc.status,
            f"{exc.title_zh} / {exc.title_en}",
            exc.message,
            f"urn:xinyong:problem:{exc.code}",
            request.url.path,
            detail_zh=exc.message_zh,
            detail_en=exc.message_en,
        )
        response.headers["Retry-After"] = str(exc.detail.get("retry_after", 60))
        return response

    app.add_exception_handler(QuotaExceeded, too_many)
    app.add_exception_handler(RateLimited, too_many)
