"""Who may take operator actions: until the accounts issue lands, holders of a configured token."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import datetime
from urllib.parse import unquote

from fastapi import Header, Request
from pydantic_settings import BaseSettings, SettingsConfigDict

from xinyong.errors import InvalidInput, XinyongError


class OperatorSettings(BaseSettings):
    """XINYONG_OPERATOR_TOKEN; read per request so a changed environment takes effect."""

    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    operator_token: str | None = None


class OperatorOnly(XinyongError):
    code = "operator_only"
    status = 403
    title_zh = "仅限平台操作员"
    title_en = "Operators only"


def require_operator(
    authorization: str | None = Header(None, description="Bearer <XINYONG_OPERATOR_TOKEN>"),
    x_operator: str | None = Header(
        None,
        description="操作员姓名，UTF-8 百分号编码 / the operator's name, percent-encoded UTF-8",
    ),
) -> str:
    """The operator's name, once the bearer token matches the configured one."""
    token = OperatorSettings().operator_token
    if not token:
        raise OperatorOnly(
            "本平台未配置操作员令牌（XINYONG_OPERATOR_TOKEN），操作员功能已停用",
            "operator actions are disabled: this deployment has no operator token "
            "(set XINYONG_OPERATOR_TOKEN)",
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip(), token):
        raise OperatorOnly(
            "须以操作员令牌访问：Authorization: Bearer <令牌>",
            "operator token required: send Authorization: Bearer <token>",
        )
    if not x_operator or not x_operator.strip():
        raise InvalidInput(
            "须在请求头 X-Operator 中注明操作员姓名（记入名单历史）",
            "name the operator in the X-Operator header (it is written to the entry's history)",
            field="X-Operator",
        )
    # Header values are Latin-1: a Chinese name travels percent-encoded (UTF-8).
    return unquote(x_operator.strip())


def request_now(request: Request) -> datetime | None:
    """The app's clock if one is set (`app.state.clock`, a callable), else the real time."""
    clock: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock else None
