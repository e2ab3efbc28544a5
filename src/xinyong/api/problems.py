"""The one place that turns errors into answers: RFC 9457 problem details (Chinese and English)
for the API and other clients, an error page in the portal's layout for a browser asking for a
page (Accept: text/html, a path outside /api/)."""

from __future__ import annotations

import re

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


# What a parameter should be, in Chinese, by pydantic's error type (its `ctx` fills the
# braces); the English is pydantic's own message. A type not listed says only that the value is
# not accepted in Chinese, and exactly why in English.
_EXPECTED_ZH = {
    "greater_than_equal": "应大于或等于 {ge}",
    "greater_than": "应大于 {gt}",
    "less_than_equal": "应小于或等于 {le}",
    "less_than": "应小于 {lt}",
    "multiple_of": "应为 {multiple_of} 的倍数",
    "int_parsing": "应为整数",
    "int_type": "应为整数",
    "int_from_float": "应为整数，不带小数",
    "float_parsing": "应为数字",
    "float_type": "应为数字",
    "decimal_parsing": "应为数字",
    "decimal_type": "应为数字",
    "finite_number": "应为有限的数字",
    "decimal_max_digits": "数字至多 {max_digits} 位",
    "decimal_max_places": "小数至多 {decimal_places} 位",
    "decimal_whole_digits": "整数部分至多 {whole_digits} 位",
    "bool_parsing": "应为 true 或 false",
    "bool_type": "应为 true 或 false",
    "date_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_type": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_parsing": "应为日期，格式 YYYY-MM-DD",
    "date_from_datetime_inexact": "应为日期，格式 YYYY-MM-DD",
    "datetime_parsing": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS（ISO 8601）",
    "datetime_type": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS（ISO 8601）",
    "datetime_from_date_parsing": "应为日期时间，格式 YYYY-MM-DDTHH:MM:SS（ISO 8601）",
    "string_too_short": "至少 {min_length} 个字符",
    "string_too_long": "至多 {max_length} 个字符",
    "string_pattern_mismatch": "格式应匹配 {pattern}",
    "string_type": "应为文本",
    "too_short": "至少 {min_length} 项",
    "too_long": "至多 {max_length} 项",
    "list_type": "应为列表（数组）",
    "dict_type": "应为 JSON 对象",
    "model_type": "应为 JSON 对象",
    "model_attributes_type": "应为 JSON 对象",
    "literal_error": "应为以下之一：{expected}",
    "enum": "应为以下之一：{expected}",
    "json_invalid": "应为有效的 JSON",
    "extra_forbidden": "不是可接受的字段",
    "uuid_parsing": "应为 UUID",
    "uuid_type": "应为 UUID",
    "url_parsing": "应为网址（URL）",
    "url_type": "应为网址（URL）",
}


_CJK = re.compile(r"[\u4e00-\u9fff]")


def _given(error: dict) -> str | None:
    """The value the caller sent, as a message may quote it: scalars only (a whole body is
    not repeated back), shortened."""
    value = error.get("input")
    if error["type"] == "missing" or not isinstance(value, (str, int, float, bool)):
        return None
    text = str(value)
    return text if len(text) <= 40 else text[:39] + "…"


def explain(error: dict) -> dict:
    """One framework validation error as our problems say things: where (query.page), what was
    given and what is expected, in Chinese and in English, and the field as the caller names
    it (page)."""
    loc = [str(p) for p in error.get("loc", ())]
    where = ".".join(loc) or "request"
    field = ".".join(loc[1:]) or where
    ctx = {
        k: (str(v).replace("' or '", "'、'").replace("', '", "'、'") if k == "expected" else v)
        for k, v in (error.get("ctx") or {}).items()
    }
    message = error.get("msg", "")
    if message[1:2].islower():  # "Input should…" reads on after a colon; "JSON…" stays
        message = message[:1].lower() + message[1:]
    given = _given(error)
    if error["type"] == "json_invalid":
        # pydantic places a JSON syntax error at ("body", offset): the body as a whole is wrong.
        at = loc[1] if len(loc) > 1 else "?"
        where = field = loc[0] if loc else "body"
        zh = f"请求体不是有效的 JSON（第 {at} 个字符附近有误）"
        en = f"the request body is not valid JSON (near character {at}: {ctx.get('error', '')})"
    elif error["type"] == "missing":
        zh, en = f"缺少必填项 {where}", f"{where} is required but was not given"
    elif error["type"] == "value_error" and _CJK.search(said := str(ctx.get("error", ""))):
        # Our own validators say it in both languages, "中文 / English".
        said_zh, _, said_en = said.partition(" / ")
        zh, en = f"{where}：{said_zh}", f"{where}: {said_en or said_zh}"
    else:
        try:
            expected = _EXPECTED_ZH[error["type"]].format(**ctx)
        except (KeyError, IndexError):
            expected = "取值不被接受"
        if given is None:
            zh, en = f"{where} {expected}", f"{where}: {message}"
        else:
            zh = f"{where} 的值“{given}”无效：{expected}"
            en = f"{where}: {given!r} was given, but {message}"
    return {
        "location": where,
        "field": field,
        "type": error["type"],
        "message": error.get("msg", ""),
        "detail_zh": zh,
        "detail_en": en,
    }


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
        errors = [explain(e) for e in exc.errors()]
        zh = "；".join(e["detail_zh"] for e in errors)
        en = "; ".join(e["detail_en"] for e in errors)
        if wants_page(request):
            return error_page(request, 422, zh, en)
        return problem(
            422,
            "输入无效 / Invalid input",
            f"{zh}（{en}）",
            "urn:xinyong:problem:invalid_input",
            request.url.path,
            detail_zh=zh,
            detail_en=en,
            field=errors[0]["field"] if errors else None,
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
