"""`xinyong cases …` (thin): run the clocks, show a case, an agency's service record, the outbox."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.console import Console
from rich.table import Table

from xinyong.errors import XinyongError

app = typer.Typer(help="案件与投诉 / cases and complaints")
console = Console()
err = Console(stderr=True)
NowOpt = Annotated[str | None, typer.Option(help="按此时刻执行（ISO；无时区为北京时间）/ as of")]


def _at(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        err.print(f"--now：“{value}”不是 ISO 时间 / is not an ISO date-time")
        raise typer.Exit(2) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


def _fail(exc: XinyongError) -> None:
    err.print(f"[red]错误 error:[/red] {exc.message_zh}\n{exc.message_en}")
    raise typer.Exit(1)


@app.command()
def clocks(now: NowOpt = None) -> None:
    """首次报告逾期、投诉提醒与超时移交 / record missed first reports, remind, escalate."""
    from xinyong.cases.jobs import run_clocks
    from xinyong.db import get_engine, upgrade

    upgrade()
    result = run_clocks(get_engine(), _at(now))
    console.print(
        f"首次报告逾期 first reports missed: {result['first_reports_missed']}\n"
        f"已提醒 reminded: {result['reminded']}\n"
        f"已移交操作员 escalated: {result['escalated']}"
    )


@app.command()
def record(code: Annotated[str, typer.Argument(help="机构统一社会信用代码 / agency code")]) -> None:
    """机构服务记录 / an agency's service record from its cases and complaints."""
    from xinyong.cases.performance import service_record
    from xinyong.db import get_engine, session_factory

    code = code.strip().upper()
    with session_factory(get_engine())() as session:
        r = service_record(session, [code])[code]
    table = Table("指标 figure", "值 value")
    for key, value in r.as_dict().items():
        table.add_row(key, "—" if value is None else str(value))
    console.print(table)


@app.command()
def show(case_id: int) -> None:
    """案件概况（操作员）/ a case, as an operator sees it."""
    from xinyong.cases import service
    from xinyong.cases.schemas import case_out
    from xinyong.db import get_engine, session_factory

    with session_factory(get_engine())() as session:
        try:
            out = case_out(service.get_case(session, case_id))
        except XinyongError as exc:
            _fail(exc)
        console.print_json(out.model_dump_json())
