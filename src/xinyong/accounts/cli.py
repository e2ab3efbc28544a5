"""`xinyong accounts …` (thin): bootstrap an operator, create users and organisations, issue keys."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from xinyong.accounts import service
from xinyong.db import session_scope
from xinyong.errors import XinyongError

app = typer.Typer(help="账户、机构与接口密钥 / accounts, organisations and API keys")
console = Console()
err = Console(stderr=True)


def _fail(exc: XinyongError) -> None:
    err.print(f"[red]错误 error:[/red] {exc.message_zh}\n{exc.message_en}")
    raise typer.Exit(1)


@app.command("create-user")
def create_user(
    email: str,
    role: Annotated[
        list[str] | None,
        typer.Option("--role", help="operator / auditor / api_client（可重复 / repeatable）"),
    ] = None,
    name: Annotated[str | None, typer.Option(help="显示名称 / display name")] = None,
    password: Annotated[
        str | None,
        typer.Option(
            help="密码；省略则提示输入 / password; prompted when left out",
            envvar="XINYONG_NEW_PASSWORD",
        ),
    ] = None,
    org: Annotated[
        str | None, typer.Option(help="加入该代码的机构 / join the organisation with this code")
    ] = None,
) -> None:
    """创建用户（如首位操作员）/ create a user (e.g. the first operator)."""
    if password is None:
        password = typer.prompt("密码 password", hide_input=True, confirmation_prompt=True)
    try:
        with session_scope() as session:
            user = service.create_user(
                session, email, password=password, display_name=name, roles=role or []
            )
            if org:
                service.add_member(session, user, service.organisation_by_code(session, org))
            console.print(f"已创建用户 / created user {user.id}: {user.email} {user.roles}")
    except XinyongError as exc:
        _fail(exc)


@app.command("create-org")
def create_org(
    credit_code: str,
    name: str,
    kind: Annotated[str, typer.Option(help="creditor / agency / other")] = "creditor",
    approve: Annotated[
        bool, typer.Option(help="立即批准（服务机构）/ approve at once (agencies)")
    ] = False,
) -> None:
    """登记机构 / register an organisation."""
    try:
        with session_scope() as session:
            org = service.create_organisation(session, credit_code, name, kind)
            if approve and org.state != "approved":
                service.decide_organisation(session, org.id, True, "cli")
            console.print(
                f"已登记机构 / registered {org.id}: {org.credit_code} {org.name} {org.state}"
            )
    except XinyongError as exc:
        _fail(exc)


@app.command("issue-key")
def issue_key(
    email: str,
    name: Annotated[str, typer.Option(help="密钥名称 / key name")] = "default",
    scope: Annotated[
        list[str] | None, typer.Option("--scope", help="read / persons / unmask / write / operator")
    ] = None,
) -> None:
    """为用户创建接口密钥（仅显示一次）/ issue an API key for a user (shown once)."""
    try:
        with session_scope() as session:
            user = service.user_by_email(session, email)
            if user is None:
                raise XinyongError(f"用户 {email} 不存在", f"no user {email}")
            issued = service.issue_api_key(session, user, name, scopes=scope or ["read"])
            console.print(issued.token)
    except XinyongError as exc:
        _fail(exc)


@app.command("anchor-audit")
def anchor_audit() -> None:
    """把未锚定的访问审计条目锚定到账本 / anchor pending access audit entries in the ledger."""
    from xinyong.accounts import privacy

    with session_scope() as session:
        batch = privacy.anchor(session)
        if batch is None:
            console.print("没有待锚定的条目 / nothing to anchor")
        else:
            console.print(
                f"已锚定 anchored {batch.count} 条 entries ({batch.first_id}–{batch.last_id}) "
                f"→ ledger leaf {batch.leaf_index}"
            )


@app.command("purge-personal")
def purge_personal(
    days: Annotated[
        int | None, typer.Option(help="保留天数 / retention days (default: settings)")
    ] = None,
) -> None:
    """清除已结束记录中超过保留期的个人信息 / purge personal fields of ended records past retention."""
    from xinyong.accounts import privacy

    with session_scope() as session:
        n = privacy.purge_ended(session, days=days)
    console.print(f"已清除 purged {n} 条记录的个人信息 / records")


@app.command("reseal")
def reseal() -> None:
    """密钥轮换后用当前密钥重新加密 / re-encrypt sealed fields under the current key after rotation."""
    from xinyong.accounts.crypto import reseal as do_reseal

    with session_scope() as session:
        n = do_reseal(session)
    console.print(f"已重新加密 resealed {n} 个值 / values")
