"""`xinyong rating …`: recompute grades (all, changed, or one code) and the back-test report."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from xinyong.errors import XinyongError

app = typer.Typer(help="信用评级 / credit rating")
console = Console()
err = Console(stderr=True)


def _fail(exc: XinyongError) -> None:
    err.print(f"[red]错误 error:[/red] {exc.message_zh}\n{exc.message_en}")
    raise typer.Exit(1)


@app.command()
def recompute(
    code: Annotated[str | None, typer.Argument(help="统一社会信用代码 / one credit code")] = None,
    all_: Annotated[bool, typer.Option("--all", help="全量重算 / every enterprise")] = False,
) -> None:
    """重算评级：--all 全量，给代码则单个，否则只算有变化的企业 / recompute grades."""
    from xinyong.db import get_engine, upgrade
    from xinyong.rating import service
    from xinyong.wiring import connect

    upgrade()
    connect()
    engine = get_engine()
    try:
        if code:
            normal = service.normalise_code(code)
            with engine.begin() as conn:
                result = service.rate_codes(conn, [normal])
        elif all_:
            result = service.recompute_all(engine)
        else:
            result = service.recompute_changed(engine)
    except XinyongError as exc:
        _fail(exc)
    d = result.as_dict()
    console.print(
        f"已评级 rated {d['rated']:,}，有变化 changed {d['changed']:,}，"
        f"新增历史 history {d['history']:,}，用时 {d['seconds']} s"
    )


@app.command()
def report(
    data: Annotated[
        Path | None,
        typer.Option(help="演示数据目录（含 manifest.json）/ demo drop folder with manifest.json"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """回测报告：等级分布与已知主体的检验 / back-test: grade distribution and known actors
    (exit 1 when a check fails)."""
    from xinyong.db import session_scope, upgrade
    from xinyong.rating.report import back_test
    from xinyong.settings import get_settings

    upgrade()
    folder = data or get_settings().data_dir / "demo"
    try:
        with session_scope() as session:
            result = back_test(session, folder)
    except XinyongError as exc:
        _fail(exc)
    if as_json:
        console.print_json(json.dumps(result.as_dict(), ensure_ascii=False))
    else:
        _print(result)
    if not result.ok:
        raise typer.Exit(1)


def _print(result) -> None:
    console.print(f"评分卡版本 model version {result.model_version}；已评级 rated {result.rated:,}")
    table = Table("等级 grade", "数量 count", "占比 share")
    for grade, n in result.grades.items():
        share = f"{100 * n / result.rated:.1f}%" if result.rated else "-"
        table.add_row(grade, f"{n:,}", share)
    console.print(table)
    console.print("预警 colours: " + "，".join(f"{c} {n:,}" for c, n in result.colours.items()))
    for check in result.checks:
        mark = "[green]✔[/green]" if check.ok else "[red]✘[/red]"
        console.print(f"{mark} {check.name_zh} / {check.name_en}（应为 expected {check.expected}）")
        for s in check.subjects:
            sub = "✔" if s["ok"] else "✘"
            console.print(f"    {sub} {s['grade'] or '-':>3} {s['score'] or '-':>3} {s['name']}")
