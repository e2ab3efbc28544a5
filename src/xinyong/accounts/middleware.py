"""The outer guard of every request: rate limits per client IP or per API key (the `limits`
library, in memory or a shared Redis), a body-size cap, security headers on every answer, and
the quota headers of a keyed call."""

from __future__ import annotations

import json
import math
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from limits import RateLimitItem, parse_many
from limits.storage import storage_from_string
from limits.strategies import MovingWindowRateLimiter
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xinyong.accounts.config import AccountSettings, account_settings
from xinyong.accounts.limit_storage import SweptMemoryStorage
from xinyong.api.deps import ARRIVED

if TYPE_CHECKING:
    from xinyong.accounts.metering import Allowance

# The pages load /static/echarts.min.js and run small inline scripts; nothing is loaded from
# elsewhere, and no page may be framed.
CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
# FastAPI's /docs and /redoc pull Swagger UI / ReDoc from a CDN.
DOCS_CSP = (
    "default-src 'self'; script-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net; "
    "style-src 'self' 'unsafe-inline' https://cdn.jsdelivr.net https://fonts.googleapis.com; "
    "img-src 'self' data: https://fastapi.tiangolo.com https://cdn.redoc.ly; "
    "font-src 'self' https://fonts.gstatic.com; worker-src 'self' blob:; object-src 'none'; "
    "frame-ancestors 'none'"
)
HEADERS = {
    "x-content-type-options": "nosniff",
    "x-frame-options": "DENY",
    "referrer-policy": "strict-origin-when-cross-origin",
    "permissions-policy": "camera=(), microphone=(), geolocation=(), payment=()",
    "cross-origin-opener-policy": "same-origin",
}
EXEMPT = ("/healthz", "/readyz", "/static/")


def _encoded(csp: str, https: bool) -> list[tuple[bytes, bytes]]:
    pairs = {**HEADERS, "content-security-policy": csp}
    if https:
        pairs["strict-transport-security"] = "max-age=31536000"
    return [(k.encode("latin-1"), v.encode("latin-1")) for k, v in pairs.items()]


# The security headers as raw ASGI pairs, encoded once per policy: every answer carries them,
# and setting them one by one through MutableHeaders was a visible share of a cached answer.
_PLAIN = {csp: _encoded(csp, False) for csp in (CSP, DOCS_CSP)}
_SECURE = {csp: _encoded(csp, True) for csp in (CSP, DOCS_CSP)}


def _with_defaults(raw, defaults: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
    """The answer's headers plus each default it does not set itself (names are lower case
    in ASGI)."""
    raw = list(raw)
    present = {name.lower() for name, _ in raw}
    raw.extend(pair for pair in defaults if pair[0] not in present)
    return raw


class RateLimits:
    """Moving-window limits per IP and per key, over memory or Redis storage."""

    def __init__(self, settings: AccountSettings) -> None:
        if settings.redis_url:
            storage = storage_from_string(
                settings.redis_url,
                key_prefix=settings.rate_limit_namespace,
            )
        else:
            storage = SweptMemoryStorage()
        self.limiter = MovingWindowRateLimiter(storage)
        self.per_ip = parse_many(settings.rate_limit_ip) if settings.rate_limit_ip else []
        self.per_key = parse_many(settings.rate_limit_key) if settings.rate_limit_key else []

    def _refused(self, items: list[RateLimitItem], *ids: str) -> int | None:
        for item in items:
            if not self.limiter.hit(item, *ids):
                reset = self.limiter.get_window_stats(item, *ids).reset_time
                return max(1, math.ceil(reset - time.time()))
        return None

    def check(self, ip: str) -> int | None:
        """An anonymous (or cookie, or token) call against its IP's limit: None when allowed,
        else the seconds to wait. A keyed call is not counted here but by the gate, once its
        secret is checked (`key`, `false_key`)."""
        return self._refused(self.per_ip, "ip", ip)

    def key(self, prefix: str) -> int | None:
        """Charge a call whose key checked out to that key's own budget (decision 0056: not
        the anonymous per-IP one, which a bank's servers behind one NAT address would share).
        Only a genuine key is counted here, so someone who knows a prefix but not its secret
        cannot spend it (decision 0056). The seconds to wait when it is spent, else None."""
        return self._refused(self.per_key, "key", prefix)

    def false_key(self, ip: str) -> int | None:
        """Charge a refused key (unknown, forged, revoked, expired, or never checked because no
        route answered) to its IP, in a budget of the per-IP size kept apart from the anonymous
        one: made-up xk_ prefixes must not be a way around the per-IP limit. The seconds to
        wait when that budget is spent, else None."""
        return self._refused(self.per_ip, "false-key", ip)


@dataclass
class Guarded:
    """What the guard hands the routes' gate (gate.py) for one request, in the ASGI scope: the
    rate limits, the client's IP (to charge a false key to), the key prefix the call names
    (none for an anonymous call), whether the gate has charged that keyed call to a budget,
    and the quotas the gate metered the call against (shown in the answer's headers)."""

    limits: RateLimits
    ip: str
    key_prefix: str | None = None
    charged: bool = False
    quotas: Sequence[Allowance] = field(default_factory=list)


GUARDED = "xinyong.guarded"


def quota_headers(quotas: Sequence[Allowance]) -> list[tuple[bytes, bytes]]:
    """A keyed call's quotas as X-RateLimit-* headers: each quota the key has by its window
    (-Day, -Month), and unsuffixed the one that runs out first, with the seconds until it
    renews (docs/accounts.md)."""
    if not quotas:
        return []
    pairs: dict[str, int] = {}
    for q in quotas:
        window = "day" if q.window == "day" else "month"
        pairs[f"x-ratelimit-limit-{window}"] = q.limit
        pairs[f"x-ratelimit-remaining-{window}"] = q.remaining
    first = min(quotas, key=lambda q: (q.remaining, q.reset))
    pairs["x-ratelimit-limit"] = first.limit
    pairs["x-ratelimit-remaining"] = first.remaining
    pairs["x-ratelimit-reset"] = first.reset
    return [(k.encode("latin-1"), str(v).encode("latin-1")) for k, v in pairs.items()]


def _key_prefix(headers: Headers) -> str | None:
    """The public part of a bearer API key (xk_1a2b3c4d), read without touching the database."""
    scheme, _, token = (headers.get("authorization") or "").partition(" ")
    parts = token.strip().split("_", 2)
    if scheme.lower() == "bearer" and len(parts) == 3 and parts[0] == "xk":
        return f"xk_{parts[1][:16]}"
    return None


class GuardMiddleware:
    def __init__(self, app: ASGIApp, settings: AccountSettings | None = None) -> None:
        self.app = app
        self.settings = settings or account_settings()
        self.limits = RateLimits(self.settings)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope[ARRIVED] = time.monotonic()
        path: str = scope.get("path", "")
        csp = DOCS_CSP if path in ("/docs", "/redoc") else CSP

        client = scope.get("client")
        headers = Headers(scope=scope)
        limited = not path.startswith(EXEMPT)
        guarded = Guarded(
            self.limits,
            client[0] if client else "unknown",
            key_prefix=_key_prefix(headers) if limited else None,
        )
        scope[GUARDED] = guarded

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = (_SECURE if scope.get("scheme") == "https" else _PLAIN)[csp]
                if guarded.quotas:
                    extra = extra + quota_headers(guarded.quotas)
                message["headers"] = _with_defaults(message.get("headers", ()), extra)
            await send(message)

        if limited and guarded.key_prefix is None:
            wait = self.limits.check(guarded.ip)
            if wait:
                await _problem(
                    send_with_headers,
                    429,
                    "rate_limited",
                    "请求过于频繁 / Too many requests",
                    f"该来源 IP 请求过于频繁，请 {wait} 秒后重试",
                    f"too many requests from this IP address: retry in {wait} s",
                    path,
                    {"retry-after": str(wait)},
                )
                return
        if guarded.key_prefix is not None:
            # The gate checks the key and charges it to a budget; a keyed call no route
            # answered (404, 405) never reached the gate, and is charged here as a false key.
            send_with_headers = _charged_if_unchecked(guarded, send_with_headers, path)
        length = headers.get("content-length")
        limit = self.settings.max_body_bytes
        if length and (not length.isdigit() or int(length) > limit):
            await _problem(
                send_with_headers,
                413,
                "body_too_large",
                "请求体过大 / Request body too large",
                f"请求体超过上限 {_size(limit)}",
                f"the request body exceeds the limit of {_size(limit)}",
                path,
                {},
            )
            return
        if length is None and headers.get("transfer-encoding"):
            # A chunked body: read it here (up to the cap), so an oversized one is refused
            # with 413 before any route starts on it.
            body, more = [], True
            size = 0
            while more:
                message = await receive()
                if message["type"] != "http.request":
                    break
                body.append(message.get("body", b""))
                size += len(body[-1])
                more = message.get("more_body", False)
                if size > limit:
                    await _problem(
                        send_with_headers,
                        413,
                        "body_too_large",
                        "请求体过大 / Request body too large",
                        f"请求体超过上限 {_size(limit)}",
                        f"the request body exceeds the limit of {_size(limit)}",
                        path,
                        {},
                    )
                    return
            receive = _replay(b"".join(body), receive)
        started = False

        async def send_tracked(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send_with_headers(message)

        try:
            await self.app(scope, _capped(receive, limit), send_tracked)
        except BodyTooLarge:
            if started:
                raise
            await _problem(
                send_with_headers,
                413,
                "body_too_large",
                "请求体过大 / Request body too large",
                f"请求体超过上限 {_size(limit)}",
                f"the request body exceeds the limit of {_size(limit)}",
                path,
                {},
            )


def _charged_if_unchecked(guarded: Guarded, send: Send, path: str) -> Send:
    """The sender of a keyed call's answer: if the gate never charged the call, its IP's
    false-key budget pays for it as the answer starts, and a spent budget turns the answer
    into a 429 (the call did no work: no route answered it)."""
    refused = False

    async def wrapped(message: Message) -> None:
        nonlocal refused
        if message["type"] == "http.response.start" and not guarded.charged:
            guarded.charged = True
            wait = guarded.limits.false_key(guarded.ip)
            if wait:
                refused = True
                await _problem(
                    send,
                    429,
                    "rate_limited",
                    "请求过于频繁 / Too many requests",
                    f"来自该 IP 的无效接口密钥过多，请 {wait} 秒后重试",
                    f"too many invalid API keys from this IP address: retry in {wait} s",
                    path,
                    {"retry-after": str(wait)},
                )
                return
        if refused:
            return  # the route's own answer, replaced by the 429 above
        await send(message)

    return wrapped


def _capped(receive: Receive, limit: int) -> Receive:
    """A chunked body without Content-Length is counted as it arrives."""
    seen = 0

    async def wrapped() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > limit:
                raise BodyTooLarge()
        return message

    return wrapped


def _size(n: int) -> str:
    return f"{n // (1024 * 1024)} MB" if n >= 1024 * 1024 else f"{n // 1024} KB"


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replay() -> Message:
        nonlocal sent
        if sent:
            # Whatever comes next from the caller (its disconnect, when it leaves): a route
            # that watches for a departed caller must not be told it left at once.
            return await receive()
        sent = True
        return {"type": "http.request", "body": body, "more_body": False}

    return replay


class BodyTooLarge(Exception):
    pass


async def _problem(
    send: Send,
    status: int,
    code: str,
    title: str,
    zh: str,
    en: str,
    path: str,
    extra_headers: dict[str, str],
) -> None:
    body = json.dumps(
        {
            "type": f"urn:xinyong:problem:{code}",
            "title": title,
            "status": status,
            "detail": f"{zh}（{en}）",
            "detail_zh": zh,
            "detail_en": en,
            "instance": path,
        },
        ensure_ascii=False,
    ).encode()
    headers = [
        (b"content-type", b"application/problem+json"),
        (b"content-length", str(len(body)).encode()),
    ]
    headers += [(k.encode(), v.encode()) for k, v in extra_headers.items()]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
