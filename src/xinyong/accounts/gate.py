"""Per-request account checks for every route: an API key is resolved, must carry a write scope
for unsafe methods, is held to its quotas and metered per endpoint. Installed by `install(app)`."""

from __future__ import annotations

from decimal import InvalidOperation

from fastapi import FastAPI, Request
from sqlalchemy.exc import DataError

from xinyong.accounts.errors import Forbidden, QuotaExceeded
from xinyong.accounts.metering import meter_call
from xinyong.accounts.middleware import GuardMiddleware
from xinyong.accounts.models import ApiKey
from xinyong.accounts.principal import SAFE_METHODS, bearer, resolve
from xinyong.accounts.service import KEY_PREFIX
from xinyong.api.problems import problem


def endpoint_of(request: Request) -> str:
    """The route template, so /enterprises/A and /enterprises/B are one line of the statement."""
    route = request.scope.get("route")
    return f"{request.method} {getattr(route, 'path', request.url.path)}"


async def gate(request: Request) -> None:
    given = bearer(request)
    if not given or not given.startswith(KEY_PREFIX):
        return  # anonymous, cookie and token callers are resolved where a route asks
    session = request.app.state.sessions()
    try:
        principal = await resolve(request, session)
        if request.method not in SAFE_METHODS and not (
            principal.allows("write") or principal.allows("operator")
        ):
            raise Forbidden(
                f"接口密钥 {principal.key_prefix} 只读：提交、修改需要 write 权限范围",
                f"API key {principal.key_prefix} is read-only: this needs the 'write' scope",
            )
        key = session.get(ApiKey, principal.key_id)
        meter_call(session, key, endpoint_of(request))
        session.commit()
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

    @app.exception_handler(QuotaExceeded)
    async def quota_exceeded(request: Request, exc: QuotaExceeded):
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
