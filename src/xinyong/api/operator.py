"""Who may take operator actions: a principal with the operator role (a signed-in operator or an
operator-scoped API key), or the XINYONG_OPERATOR_TOKEN break-glass token."""

from __future__ import annotations

from fastapi import Header, Request

from xinyong.accounts.principal import (
    OperatorsClosed,
    OperatorSettings,
    Principal,
    current_principal,
    deny,
)
from xinyong.accounts.roles import AUDITOR, OPERATOR
from xinyong.errors import InvalidInput, XinyongError

__all__ = [
    "OperatorSettings",
    "NotTheCaller",
    "OperatorsClosed",
    "own_name",
    "require_named_operator",
    "require_operator",
    "sees_staff_view",
]


class OperatorTokenRequired(XinyongError):
    code = "operator_token_required"
    status = 401
    title_zh = "须以操作员身份访问"
    title_en = "Operator credentials required"


class NotTheCaller(XinyongError):
    code = "not_the_caller"
    status = 403
    title_zh = "不能以他人名义处理"
    title_en = "Cannot act in another's name"


_AUTH = (
    "Bearer <操作员的接口密钥 xk_… 或 XINYONG_OPERATOR_TOKEN> / an operator's API key or the token"
)


async def require_operator(
    request: Request, authorization: str | None = Header(None, description=_AUTH)
) -> None:
    """A FastAPI dependency: the caller must be an operator."""
    principal = await current_principal(request)
    if principal.has_role(OPERATOR):
        return
    if principal.anonymous:
        if not OperatorSettings().operator_token:
            # Kept from before accounts: with no token configured an anonymous call is refused
            # outright, naming what to do.
            raise OperatorsClosed(
                "须以操作员身份登录或使用操作员接口密钥；本平台未配置操作员令牌"
                "（XINYONG_OPERATOR_TOKEN），令牌访问已停用",
                "sign in as an operator or use an operator's API key; token access is disabled "
                "(no XINYONG_OPERATOR_TOKEN configured)",
            )
        raise OperatorTokenRequired(
            "须以操作员身份访问：Authorization: Bearer <接口密钥或操作员令牌>",
            "operator credentials required: send Authorization: Bearer <API key or operator token>",
        )
    deny(principal, (OPERATOR,))


async def require_named_operator(
    request: Request,
    authorization: str | None = Header(None, description=_AUTH),
    x_operator: str | None = Header(
        None,
        description="操作员姓名，UTF-8（原样或百分号编码，仅令牌访问时需要）/ the operator's "
        "name, UTF-8 raw or percent-encoded (needed with the token only)",
    ),
) -> str:
    """The operator's name, for actions whose history records who took them: an account's
    display name and e-mail, or the X-Operator header sent with the break-glass token."""
    await require_operator(request, authorization)
    principal = await current_principal(request)
    if principal.kind != "token":
        return f"{principal.name} <{principal.email}>"[:100]
    if principal.name == "operator-token":
        raise InvalidInput(
            "须在请求头 X-Operator 中注明操作员姓名（记入操作历史）",
            "name the operator in the X-Operator header (it is written to the history)",
            field="X-Operator",
        )
    return principal.name


def own_name(principal: Principal, recorded: str, given: str | None, field: str = "by") -> str:
    """The name to record for an action: always the caller's (`recorded`, from
    `require_named_operator`). A name the client still sends in the body (older clients did) is
    accepted only when it names the caller — its recorded name, display name or e-mail — and
    refused otherwise, so no one records a decision under a colleague's name (decision 0062)."""
    if given is None or not given.strip():
        return recorded
    named = given.strip()
    own = {recorded, principal.name, principal.email}
    if principal.kind == "key":  # named "display name (key name)": the person is the account
        own.add(principal.name.rsplit(" (", 1)[0])
    if named in own:
        return recorded
    raise NotTheCaller(
        f"{field}：处理人“{named}”不是当前操作员“{recorded}”；处理人按登录身份（或操作员令牌的 "
        "X-Operator 请求头）记录，请省略该字段",
        f"{field}: '{named}' is not the calling operator '{recorded}'; who decided is recorded "
        "from the caller (or the X-Operator header with the operator token): omit this field",
        field=field,
    )


async def sees_staff_view(request: Request) -> bool:
    """A FastAPI dependency for a public route that shows staff more (who decided, and why):
    whether the caller is an operator or an auditor — an account or key of either role, or the
    break-glass token. Everyone else is answered, in the public shape."""
    principal = await current_principal(request)
    return principal.has_role(OPERATOR, AUDITOR)
