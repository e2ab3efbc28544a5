"""The one place that turns errors into answers: RFC 9457 problem details (Chinese and English)
for the API and other clients, an error page in the portal's layout for a browser asking for a
page (Accept: text/html, a path outside /api/)."""

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


TITLES = {
    400: ("请求有误", "Bad request"),
    401: ("请先登录", "Please sign in"),
    403: ("无权访问", "Not allowed"),
    404: ("页面不存在", "Page not found"),
    405: ("不支持此操作", "Method not allowed"),
    422: ("输入无效", "Invalid input"),
    500: ("服务器出错了", "Something went wrong on our side"),
}


def wants_page(request: Request) -> bool:
    """A browser navigating to a page, not an API client or a script fetching JSON."""
    accept = request.headers.get("accept", "")
    return "text/html" in accept and not request.url.path.startswith("/api/")


def error_page(request: Request, status: int, message_zh: str, message_en: str):
    from xinyong.web.site import page  # the portal layout; imported late, the API needs none

    title_zh, title_en = TITLES.get(status, (f"错误 {status}", f"Error {status}"))
    return page(
        request,
        "error.html",
        status_code=status,
        status=status,
        title=(title_zh, title_en),
        message=(message_zh, message_en),
    )


def install(app: FastAPI) -> None:
    @app.exception_handler(XinyongError)
    async def domain_error(request: Request, exc: XinyongError):
        if wants_page(request):
            return error_page(request, exc.status, exc.message_zh, exc.message_en)
        answer = problem(
            exc.status,
            f"{exc.title_zh} / {exc.title_en}",
            exc.message,
            f"urn:xinyong:problem:{exc.code}",
            request.url.path,
            detail_zh=exc.message_zh,
            detail_en=exc.message_en,
            **{k: v for k, v in exc.detail.items() if isinstance(v, (str, int, float, list, dict))},
        )
        answer.headers.update(exc.headers)
        return answer

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError):
        errors = [
            {"location": ".".join(str(p) for p in e["loc"]), "message": e["msg"]}
            for e in exc.errors()
        ]
        where = "；".join(f"{e['location']}: {e['message']}" for e in errors)
        if wants_page(request):
            return error_page(
                request, 422, f"请求参数有误：{where}", f"invalid parameters: {where}"
            )
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
        if wants_page(request):
            if exc.status_code == 404:
                return error_page(
                    request,
                    404,
                    f"没有地址为 {request.url.path} 的页面，可能已移动或输入有误。",
                    f"There is no page at {request.url.path}; it may have moved or be mistyped.",
                )
            return error_page(request, exc.status_code, str(exc.detail), str(exc.detail))
        titles = {404: "未找到 / Not found", 405: "方法不允许 / Method not allowed"}
        return problem(
            exc.status_code,
            titles.get(exc.status_code, f"HTTP {exc.status_code}"),
            f"{request.url.path}：{exc.detail}",
            "about:blank",
            request.url.path,
        )

    @app.exception_handler(Exception)
    async def server_error(request: Request, exc: Exception):
        # Starlette still logs and re-raises the exception after this answer is sent.
        zh = "处理请求时发生意外错误，已记录在日志中。请稍后重试。"
        en = "An unexpected error occurred and was logged. Please try again later."
        if wants_page(request):
            return error_page(request, 500, zh, en)
        return problem(
            500,
            "服务器内部错误 / Internal server error",
            f"{zh}（{en}）",
            "urn:xinyong:problem:internal_error",
            request.url.path,
        )
