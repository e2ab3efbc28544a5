"""The fake upstream's HTTP face: cursor-paged datasets, admin changes and scenarios (Starlette)."""

from __future__ import annotations

import hmac
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from xinyong.errors import InvalidInput, NotFound, XinyongError
from xinyong.sources.catalog import layouts
from xinyong.upstream.changes import apply_changes
from xinyong.upstream.guards import FailEvery, RateLimit
from xinyong.upstream.loader import load_folder
from xinyong.upstream.records import key_headers, tombstone
from xinyong.upstream.scenarios import SCENARIOS, run_scenario
from xinyong.upstream.store import Store

PAGE_SIZE = 500
MAX_PAGE_SIZE = 5000
PROBLEM = "application/problem+json"
# The upstreams are Chinese systems: their "today" is Beijing time (no daylight saving).
_BEIJING = timezone(timedelta(hours=8))


def problem(
    status: int, code: str, title: str, zh: str, en: str, instance: str, headers: dict | None = None
) -> JSONResponse:
    """RFC 9457 problem details, Chinese first, in the shape the platform's own API uses."""
    body = {
        "type": f"urn:xinyong:upstream:{code}",
        "title": title,
        "status": status,
        "detail": f"{zh}（{en}）",
        "detail_zh": zh,
        "detail_en": en,
        "instance": instance,
    }
    return JSONResponse(body, status_code=status, media_type=PROBLEM, headers=headers)


class Upstream:
    """Everything a request needs: the state, the token, the guards and the clock."""

    def __init__(
        self, store: Store, token: str, rate: float, fail_every: int | None, today: date | None
    ):
        self.store = store
        self.token = token
        self.limit = RateLimit(rate)
        self.faults = FailEvery(fail_every)
        self.fixed_today = today

    def today(self, request: Request | None = None) -> date:
        raw = request.query_params.get("today") if request else None
        if raw:
            try:
                return date.fromisoformat(raw)
            except ValueError:
                raise InvalidInput(
                    f"today“{raw}”应为 YYYY-MM-DD 日期", f"today '{raw}' must be a YYYY-MM-DD date"
                ) from None
        return self.fixed_today or datetime.now(_BEIJING).date()

    def refuse(self, request: Request, *, data: bool) -> Response | None:
        """Rate limit, then token, then injected faults; None lets the request through."""
        path = request.url.path
        if data:
            client = request.client.host if request.client else "?"
            wait = self.limit.retry_after(client)
            if wait is not None:
                return problem(
                    429,
                    "rate_limited",
                    "请求过于频繁 / Too many requests",
                    f"每秒请求不得超过 {self.limit.rate:g} 次，请 {wait} 秒后重试",
                    f"more than {self.limit.rate:g} requests per second; retry in {wait} s",
                    path,
                    {"Retry-After": str(wait)},
                )
        given = request.headers.get("authorization", "")
        scheme, _, token = given.partition(" ")
        if scheme.lower() != "bearer" or not hmac.compare_digest(
            token.strip().encode(), self.token.encode()
        ):
            return problem(
                401,
                "unauthorized",
                "未授权 / Unauthorized",
                "缺少或错误的访问令牌，请在 Authorization 头中提供 Bearer 令牌",
                "missing or wrong access token; send 'Authorization: Bearer <token>'",
                path,
                {"WWW-Authenticate": 'Bearer realm="xinyong-fake-upstream"'},
            )
        if data and self.faults.should_fail():
            return problem(
                503,
                "injected_failure",
                "服务暂不可用 / Service unavailable",
                f"模拟故障：每第 {self.faults.every} 个数据请求失败一次，请重试",
                f"injected fault: every {self.faults.every}th data request fails; please retry",
                path,
            )
        return None


def _up(request: Request) -> Upstream:
    return request.app.state.upstream


def _int_param(request: Request, name: str, default: int | None) -> int | None:
    raw = request.query_params.get(name)
    if raw is None or raw == "":
        return default
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput(
            f"参数 {name}“{raw}”应为整数", f"parameter {name} '{raw}' must be an integer"
        ) from None


async def healthz(request: Request) -> Response:
    return JSONResponse({"status": "ok", "version": _up(request).store.max_version()})


async def datasets(request: Request) -> Response:
    up = _up(request)
    if refused := up.refuse(request, data=True):
        return refused
    counts = up.store.counts()
    items = []
    for name, layout in layouts().items():
        found = counts.get(name, {"records": 0, "deleted": 0, "version": 0})
        items.append(
            {
                "name": name,
                "title_zh": layout.title_zh,
                "title_en": layout.title_en,
                "key": key_headers(layout),
                **found,
            }
        )
    return JSONResponse(
        {"datasets": items, "version": up.store.max_version(), "as_of": up.today().isoformat()}
    )


async def dataset_page(request: Request) -> Response:
    up = _up(request)
    if refused := up.refuse(request, data=True):
        return refused
    name = request.path_params["dataset"]
    layout = layouts().get(name)
    if layout is None:
        raise NotFound(
            f"没有名为“{name}”的数据集（可用：{'、'.join(layouts())}）",
            f"no dataset named '{name}' (known: {', '.join(layouts())})",
        )
    cursor = request.query_params.get("updated_since") or "0"
    if not cursor.isdigit():
        raise InvalidInput(
            f"游标 updated_since“{cursor}”无效，请使用上一页返回的 next_cursor",
            f"cursor updated_since '{cursor}' is not valid; pass the next_cursor of a previous page",
        )
    after = int(cursor)
    size = _int_param(request, "page_size", PAGE_SIZE) or PAGE_SIZE
    if size < 1:
        raise InvalidInput("page_size 应为正整数", "page_size must be a positive integer")
    size = min(size, MAX_PAGE_SIZE)
    top = up.store.max_version()
    if after > top:
        # A cursor from the future means the upstream's state was reset: say so, never answer "no news".
        return problem(
            409,
            "cursor_ahead",
            "游标超前 / Cursor ahead of upstream",
            f"游标 {after} 超过上游当前版本 {top}，上游数据可能已重置，请从头同步",
            f"cursor {after} is past the upstream's current version {top}; its state may have been "
            "reset, sync again from the beginning",
            request.url.path,
        )
    rows, more = up.store.page(name, after, size)
    # Stored JSON goes out as it is: no parse and re-encode for live records.
    parts = [
        json.dumps(tombstone(layout, json.loads(text), ended_on, reason), ensure_ascii=False)
        if deleted
        else text
        for _, deleted, ended_on, reason, text in rows
    ]
    next_cursor = str(rows[-1][0]) if rows else str(after)
    body = (
        f'{{"dataset":{json.dumps(name, ensure_ascii=False)},"records":[{",".join(parts)}],'
        f'"next_cursor":"{next_cursor}","has_more":{"true" if more else "false"},'
        f'"as_of":"{up.today().isoformat()}"}}'
    )
    return Response(body, media_type="application/json")


async def _json_body(request: Request) -> Any:
    try:
        return await request.json()
    except ValueError:
        raise InvalidInput("请求体不是有效的 JSON", "the request body is not valid JSON") from None


async def admin_changes(request: Request) -> Response:
    up = _up(request)
    if refused := up.refuse(request, data=False):
        return refused
    changes = apply_changes(up.store, await _json_body(request), up.today(request))
    return JSONResponse(
        {
            "applied": sum(c.result != "unchanged" for c in changes),
            "version": up.store.max_version(),
            "changes": [c.as_json() for c in changes],
        }
    )


async def admin_scenario(request: Request) -> Response:
    up = _up(request)
    if refused := up.refuse(request, data=False):
        return refused
    name = request.path_params["name"]
    today = up.today(request)
    seed = _int_param(request, "seed", None)
    changes = run_scenario(up.store, name, today, seed)
    return JSONResponse(
        {
            "scenario": name,
            "today": today.isoformat(),
            "seed": seed,
            "version": up.store.max_version(),
            "changes": [c.as_json(detail=True) for c in changes],
        }
    )


async def admin_state(request: Request) -> Response:
    up = _up(request)
    if refused := up.refuse(request, data=False):
        return refused
    return JSONResponse(
        {
            "datasets": up.store.counts(),
            "version": up.store.max_version(),
            "today": up.today().isoformat(),
            "files": up.store.loaded_files(),
            "scenarios": list(SCENARIOS),
        }
    )


async def _domain_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, XinyongError)
    return problem(
        exc.status,
        exc.code,
        f"{exc.title_zh} / {exc.title_en}",
        exc.message_zh,
        exc.message_en,
        request.url.path,
    )


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    titles = {404: "未找到 / Not found", 405: "方法不允许 / Method not allowed"}
    return problem(
        exc.status_code,
        "http",
        titles.get(exc.status_code, f"HTTP {exc.status_code}"),
        f"{request.method} {request.url.path}：{exc.detail}",
        f"{request.method} {request.url.path}: {exc.detail}",
        request.url.path,
    )


def create_app(
    folder: Path | None,
    state: Path,
    token: str,
    rate: float = 50.0,
    fail_every: int | None = None,
    today: date | None = None,
) -> Starlette:
    """Open (or create) the state, load the drop folder into it, and build the app.

    The load results are on `app.state.loads` for whoever starts the server to report.
    """
    store = Store(state)
    loads = load_folder(store, folder) if folder else []
    app = Starlette(
        routes=[
            Route("/healthz", healthz),
            Route("/api/datasets", datasets),
            Route("/api/{dataset}", dataset_page),
            Route("/_admin/changes", admin_changes, methods=["POST"]),
            Route("/_admin/scenarios/{name}", admin_scenario, methods=["POST"]),
            Route("/_admin/state", admin_state),
        ],
        exception_handlers={XinyongError: _domain_error, HTTPException: _http_error},
    )
    app.state.upstream = Upstream(store, token, rate, fail_every, today)
    app.state.loads = loads
    return app
