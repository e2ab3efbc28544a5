"""Who may publish a fee schedule: for now, holders of the configured operator token.

The accounts issue brings agency and operator logins; until then XINYONG_OPERATOR_TOKEN is
checked here, and publishing is closed while it is unset.
"""

from __future__ import annotations

import hmac

from fastapi import Header
from pydantic_settings import BaseSettings, SettingsConfigDict

from xinyong.errors import XinyongError


class OperatorSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    operator_token: str | None = None


class Unauthorized(XinyongError):
    code = "unauthorized"
    status = 401
    title_zh = "未授权"
    title_en = "Unauthorized"


class PublishingClosed(XinyongError):
    code = "publishing_closed"
    status = 403
    title_zh = "未开放"
    title_en = "Forbidden"


def require_operator(authorization: str | None = Header(None)) -> str:
    """A FastAPI dependency: `Authorization: Bearer <XINYONG_OPERATOR_TOKEN>`."""
    expected = OperatorSettings().operator_token
    if not expected:
        raise PublishingClosed(
            "本节点未配置 XINYONG_OPERATOR_TOKEN，暂不接受发布收费标准",
            "XINYONG_OPERATOR_TOKEN is not set on this node: publishing is closed",
        )
    scheme, _, token = (authorization or "").partition(" ")
    if scheme.lower() != "bearer" or not hmac.compare_digest(token.strip(), expected):
        raise Unauthorized(
            "发布收费标准需要工作人员令牌（Authorization: Bearer …）",
            "publishing a fee schedule needs the operator token (Authorization: Bearer …)",
        )
    return "operator"
