"""Who may take operator actions: until the accounts issue lands, holders of a configured token."""

from __future__ import annotations

import secrets
from urllib.parse import unquote

from fastapi import Header
from pydantic_settings import BaseSettings, SettingsConfigDict

from xinyong.errors import InvalidInput, XinyongError


class OperatorSettings(BaseSettings):
    """XINYONG_OPERATOR_TOKEN, read per request so a changed environment takes effect."""

    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    operator_token: str | None = None


class OperatorsClosed(XinyongError):
    code = "operators_closed"
    status = 403
    title_zh = "操作员功能未开放"
    title_en = "Operator actions are disabled"


class OperatorTokenRequired(XinyongError):
    code = "operator_token_required"
    status = 401
    title_zh = "须以操作员令牌访问"
    title_en = "Operator token required"


def require_operator(
    authorization: str | None = Header(None, description="Bearer <XINYONG_OPERATOR_TOKEN>"),
) -> None:
    """A FastAPI dependency: `Authorization: Bearer <XINYONG_OPERATOR_TOKEN>`; every operator
    route is closed while the token is unset."""
    token = OperatorSettings().operator_token
    if not token:
        raise OperatorsClosed(
            "本平台未配置操作员令牌（XINYONG_OPERATOR_TOKEN），操作员功能已停用",
            "operator actions are disabled: this deployment has no operator token "
            "(set XINYONG_OPERATOR_TOKEN)",
        )
    scheme, _, given = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not secrets.compare_digest(given.strip(), token):
        raise OperatorTokenRequired(
            "须以操作员令牌访问：Authorization: Bearer <令牌>",
            "operator token required: send Authorization: Bearer <token>",
        )


def require_named_operator(
    authorization: str | None = Header(None, description="Bearer <XINYONG_OPERATOR_TOKEN>"),
    x_operator: str | None = Header(
        None,
        description="操作员姓名，UTF-8 百分号编码 / the operator's name, percent-encoded UTF-8",
    ),
) -> str:
    """The operator's name, for actions whose history records who took them."""
    require_operator(authorization)
    if not x_operator or not x_operator.strip():
        raise InvalidInput(
            "须在请求头 X-Operator 中注明操作员姓名（记入操作历史）",
            "name the operator in the X-Operator header (it is written to the history)",
            field="X-Operator",
        )
    # Header values are Latin-1: a Chinese name travels percent-encoded (UTF-8).
    return unquote(x_operator.strip())
