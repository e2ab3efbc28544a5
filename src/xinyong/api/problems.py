"""The one place that turns domain errors into RFC 9457 problem details (Chinese and English)."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from xinyong.errors import XinyongError

PROBLEM = "application/problem+json"


def problem(
    status: int, title: str, detail: str, type_: str, instance: str, **extra
) -> JSONResponse:
    body = {"type": type_, "title": title, "status": status, "detail": detail, "instance": instance}
    body.update(extra)
    return JSONResponse(body, status_code=status, media_type=PROBLEM)


def install(app: FastAPI) -> None:
    @app.exception_handler(XinyongError)
    async def domain_error(request: Request, exc: XinyongError):
        return problem(
            exc.status,
            f"{exc.title_zh} / {exc.title_en}",
            exc.message,
            f"urn:xinyong:problem:{exc.code}",
            request.url.path,
            detail_zh=exc.message_zh,
            detail_en=exc.message_en,
            **{k: v for k, v in exc.detail.items() if isinstance(v, (str, int, float, list, dict))},
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [
            {"location": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors()
        ]
        where = "；".join(f"{e['location']}: {e['message']}" for e in errors)
        return problem(
            422,
            "输入无效 / Invalid input",
            f"请求参数有误：{where}（invalid request parameters: {where}）",
            "urn:xinyong:problem:invalid_input",
            request.url.path,
            errors=errors,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException):
        titles = {404: "未找到 / Not found", 405: "方法不允许 / Method not allowed"}
        return problem(
            exc.status_code,
            titles.get(exc.status_code, f"HTTP {exc.status_code}"),
            f"{request.url.path}：{exc.detail}",
            "about:blank",
            request.url.path,
        )
