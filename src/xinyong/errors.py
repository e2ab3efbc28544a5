"""Domain error hierarchy: every error carries a code and a Chinese + English message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


class XinyongError(Exception):
    """Base of all domain errors. `status` is the HTTP status the API maps it to."""

    code = "error"
    status = 400
    title_zh = "请求有误"
    title_en = "Bad request"
    headers: dict[str, str] = {}  # noqa: RUF012 — read-only, per class

    def __init__(self, message_zh: str, message_en: str, **detail: Any) -> None:
        super().__init__(f"{message_zh} / {message_en}")
        self.message_zh = message_zh
        self.message_en = message_en
        self.detail = detail

    @property
    def message(self) -> str:
        return f"{self.message_zh}（{self.message_en}）"


class NotFound(XinyongError):
    code = "not_found"
    status = 404
    title_zh = "未找到"
    title_en = "Not found"


class InvalidInput(XinyongError):
    code = "invalid_input"
    status = 422
    title_zh = "输入无效"
    title_en = "Invalid input"


class FileRefused(XinyongError):
    """A whole source file is refused before anything is written (wrong header, encoding)."""

    code = "file_refused"
    status = 422
    title_zh = "文件被拒绝"
    title_en = "File refused"


class Overloaded(XinyongError):
    """The server is behind: a request waited too long for a worker and is refused unanswered."""

    code = "overloaded"
    status = 503
    title_zh = "服务繁忙"
    title_en = "Service busy"
    headers = {"retry-after": "5"}  # noqa: RUF012


class ClientGone(XinyongError):
    """The caller disconnected while its request waited: it is dropped unanswered. The status
    is nginx's "client closed request"; nobody is left to read it."""

    code = "client_closed_request"
    status = 499
    title_zh = "请求方已断开"
    title_en = "Client closed request"


def labelled(exc: XinyongError, labels: Mapping[str, tuple[str, str]]) -> XinyongError:
    """The error as a form shows it: a message that starts with its field's identifier
    (“amount：…”, “amount: …”, as the API's problem details keep it) names the field by the
    label the person sees instead (“债权金额：…”, “Amount: …”). Other errors are left as they are."""
    field = exc.detail.get("field")
    if not isinstance(field, str) or field not in labels:
        return exc
    zh, en = labels[field]
    shown = type(exc).__new__(type(exc))  # same class, status and detail; new messages
    shown.__dict__.update(exc.__dict__)
    for attr, sep, label in (("message_zh", "：", zh), ("message_en", ": ", en)):
        message = getattr(exc, attr)
        if message.startswith(field + sep):
            setattr(shown, attr, label + sep + message[len(field) + len(sep) :])
    Exception.__init__(shown, f"{shown.message_zh} / {shown.message_en}")
    return shown
