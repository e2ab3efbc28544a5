"""The `xinyong` command (thin): each command calls a service and prints its result."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from xinyong import __version__
from xinyong.accounts.cli import app as accounts_app
from xinyong.cases import cli as cases_cli
from xinyong.documents import cli as documents_cli
from xinyong.errors import XinyongError
from xinyong.ledger.cli import app as ledger_app
from xinyong.rating.cli import app as rating_app

app = typer.Typer(help="xinyong 信用 — 企业信用信息平台 / enterprise credit information platform")
db_app = typer.Typer(help="数据库 / database")
app.add_typer(db_app, name="db")
app.add_typer(documents_cli.app, name="documents")
app.add_typer(ledger_app, name="ledger")
app.add_typer(cases_cli.app, name="cases")
app.add_typer(accounts_app, name="accounts")
app.add_typer(rating_app, name="rating")
console = Console()
err = Console(stderr=True)


def _fail(exc: XinyongError) -> None:
    err.print(f"[red]错误 error:[/red] {exc.message_zh}\n{exc.message_en}")
    raise typer.Exit(1)


def _version(value: bool) -> None:
    if value:
        console.print(f"xinyong {__version__}")
        raise typer.Exit()


@app.callback()
def main(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="版本 / version")
    ] = False,
) -> None:
    """xinyong 信用."""


@db_app.command("upgrade")
def db_upgrade() -> None:
    """应用数据库迁移 / apply database migrations."""
    from xinyong.db import upgrade
    from xinyong.settings import get_settings

    upgrade()
    console.print(f"数据库已是最新 / database up to date: {get_settings().database_url}")


def _progress() -> Progress:
    return Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        refresh_per_second=2,  # a redraw holds the GIL; imports should not pay for animation
    )


@app.command("demo-data")
def demo_data(
    out: Annotated[Path, typer.Option(help="输出目录 / output folder")] = Path("demo-data"),
    enterprises: Annotated[int, typer.Option(help="企业数量 / number of enterprises")] = 20000,
    seed: Annotated[int, typer.Option(help="随机种子 / random seed")] = 7,
    bad_rows: Annotated[
        int, typer.Option(help="故意写入的错误行数 / deliberately malformed rows")
    ] = 0,
) -> None:
    """生成演示数据源文件 / write a deterministic demo data set in the upstream layouts."""
    from xinyong.demo.generator import generate

    with _progress() as bar:
        task = bar.add_task("生成 generating", total=enterprises)
        manifest = generate(
            out,
            enterprises=enterprises,
            seed=seed,
            bad_rows=bad_rows,
            progress=lambda n: bar.advance(task, n),
        )
    for name, rows in manifest["files"].items():
        console.print(f"{out / name}: {rows} 行 rows")


def _print_runs(rows) -> None:
    """One line per file or dataset: what was read and what it did."""
    table = Table(
        "来源 source",
        "数据 data",
        "状态 status",
        "读取 read",
        "新增 new",
        "更新 updated",
        "未变 same",
        "关闭 closed",
        "拒绝 rejected",
    )
    for source, run in rows:
        c = run.counts
        table.add_row(
            source,
            Path(run.location).name or run.layout,
            run.status,
            *(
                str(x)
                for x in (c.rows_read, c.inserted, c.updated, c.unchanged, c.closed, c.rejected)
            ),
        )
    console.print(table)
    for source, run in rows:
        for p in run.counts.problems[:10]:
            err.print(
                f"[yellow]{source} {Path(run.location).name}[/yellow] {p.reason_zh} / {p.reason_en}"
            )


def _stepper(bar: Progress, manifest: dict) -> Callable[[str, int], None]:
    tasks: dict[str, int] = {}

    def step(name: str, n: int) -> None:
        if name not in tasks:
            total = manifest.get("files", {}).get(name)
            tasks[name] = bar.add_task(f"导入 importing {name}", total=total)
        bar.advance(tasks[name], n)

    return step


@app.command()
def sync(
    source: Annotated[str | None, typer.Argument(help="数据源名称 / source name")] = None,
    all_sources: Annotated[bool, typer.Option("--all", help="全部数据源 / every source")] = False,
) -> None:
    """同步数据源（供 cron 调用）/ sync one source or all of them (for cron)."""
    from xinyong.db import upgrade
    from xinyong.sources.config import get_source, load_sources

    if not source and not all_sources:
        err.print("请指定数据源或 --all / name a source or pass --all")
        raise typer.Exit(2)
    try:
        upgrade()
        configs = list(load_sources().values()) if all_sources else [get_source(source)]
    except XinyongError as exc:
        _fail(exc)
    if not _sync_and_print(configs):
        raise typer.Exit(1)


def _sync_and_print(configs) -> bool:
    """Run the syncs under the lease with progress bars; print the runs; True when all succeeded."""
    from xinyong.db import get_engine
    from xinyong.sources.scheduler import run_syncs

    totals = {k: v for c in configs for k, v in _source_manifest(c).get("files", {}).items()}
    try:
        with _progress() as bar:
            results = run_syncs(get_engine(), configs, _stepper(bar, {"files": totals}))
    except XinyongError as exc:
        _fail(exc)
    _print_runs([(r.source, run) for r in results for run in r.runs])
    failed = [r for r in results if not r.ok]
    for r in failed:
        err.print(f"[red]{r.source}[/red] {r.error.message_zh}\n{r.error.message_en}")
    return not failed


def _source_manifest(cfg) -> dict:
    from xinyong.sources.readers import read_manifest

    return read_manifest(cfg.folder()) if cfg.transport == "files" and cfg.folder().is_dir() else {}


@app.command("import-registry")
def import_registry(folder: Path) -> None:
    """导入登记数据文件夹 / import a registry (GSXT) file drop, as a one-off gsxt sync."""
    from xinyong.db import upgrade
    from xinyong.sources.config import get_source

    upgrade()
    try:
        # The same path as the scheduled sync (lease, rules, search index), on another folder.
        cfg = get_source("gsxt").model_copy(update={"path": folder.resolve()})
    except XinyongError as exc:
        _fail(exc)
    if not _sync_and_print([cfg]):
        raise typer.Exit(1)


def _serve(
    host: str,
    port: int,
    workers: int,
    scheduler: bool = True,
    *,
    backlog: int = 2048,
    keep_alive: int = 5,
    access_log: bool = True,
) -> None:
    import os

    from xinyong import serving

    # Every worker starts a scheduler; only the leader (a database lease) runs its jobs.
    os.environ["XINYONG_RUN_SCHEDULER"] = "1" if scheduler else "0"
    # A server holds dozens of SQLite connections, each with its own page cache: the import's
    # 128 MB each would multiply (bench/load measured 1.1 GB at 16 MB on 20,000 enterprises);
    # the OS page cache keeps the file warm for all of them.
    os.environ.setdefault("XINYONG_SQLITE_CACHE_MB", "4")
    # The WAL checkpointed by a thread of each process, not by the commit that fills it.
    os.environ.setdefault("XINYONG_SQLITE_CHECKPOINT_SECONDS", "1")
    # glibc gives threads that allocate their own heap arenas (up to 8 per core) and keeps what
    # they free; the workers inherit this and stay with two (bench/RESULTS.md, load: memory).
    os.environ.setdefault("MALLOC_ARENA_MAX", "2")
    from xinyong.settings import get_settings

    # `serve` ran the migrations with the settings read before these two lines: read them
    # again, or a single-worker server (same process) never starts its scheduler.
    get_settings.cache_clear()

    shared = _shared_cache_dir(workers)
    measured = _metrics_dir(workers)
    console.print(f"服务启动 serving on http://{host}:{port}/  (API 文档 docs: /docs)")
    options = dict(
        host=host,
        port=port,
        workers=workers,
        backlog=backlog,
        timeout_keep_alive=keep_alive,
        access_log=access_log,
    )
    remove = [folder for folder in (shared, measured) if folder]
    if workers > 1 and os.name == "posix":
        # The parent of several workers only starts, watches and replaces them: it goes on as a
        # fresh interpreter that imports uvicorn alone, not the CLI's and the migrations'
        # modules it would otherwise hold for the server's life (serving.py). Elsewhere exec
        # starts a new process instead of replacing this one, so the parent stays as it is.
        serving.supervise_afresh(options, remove)
    try:
        serving.serve(options, remove)
    except XinyongError as exc:
        _fail(exc)


def _run_folder(parent, prefix: str) -> str:
    """A fresh folder under `parent` for the processes of this server run, named by its pid;
    those left by servers that were killed before they could remove their own go first."""
    import os
    import shutil
    import tempfile

    parent.mkdir(parents=True, exist_ok=True)
    for folder in parent.glob(f"{prefix}-*-*"):
        pid = folder.name.split("-")[1]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:  # alive, another user's
            pass
    return tempfile.mkdtemp(prefix=f"{prefix}-{os.getpid()}-", dir=parent)


def _shared_cache_dir(workers: int):
    """A fresh disk cache for the workers of this run to share answers through (api/cache.py),
    when there are several, the answer cache is on and no Redis is configured. Fresh per run:
    a database rebuilt at the same path restarts its generations, and answers kept from before
    would match them."""
    import os

    from xinyong.accounts.config import account_settings
    from xinyong.settings import get_settings

    settings = get_settings()
    if (
        workers < 2
        or settings.cache_mb <= 0
        or settings.shared_cache_mb <= 0
        or settings.shared_cache_dir
        or account_settings().redis_url
    ):
        return None
    folder = _run_folder(settings.data_dir / "cache", "answers")
    os.environ["XINYONG_SHARED_CACHE_DIR"] = folder
    get_settings.cache_clear()
    return folder


def _metrics_dir(workers: int):
    """Where the workers of this run keep their metrics, so that the one answering /metrics
    reports them all (api/metrics.py). Fresh per run: counters start from zero with the server,
    as Prometheus expects of a restart. Left alone when the deployment names its own."""
    import os

    from xinyong.api.metrics import MULTIPROCESS_DIR
    from xinyong.settings import get_settings

    if workers < 2 or os.environ.get(MULTIPROCESS_DIR):
        return None
    folder = _run_folder(get_settings().data_dir / "metrics", "run")
    os.environ[MULTIPROCESS_DIR] = folder
    return folder


@app.command()
def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    workers: Annotated[int, typer.Option(help="进程数 / worker processes")] = 1,
    scheduler: Annotated[
        bool,
        typer.Option("--scheduler/--no-scheduler", help="在服务内执行每日同步 / run daily syncs"),
    ] = True,
    backlog: Annotated[
        int, typer.Option(help="待接受连接队列 / listen backlog (capped by net.core.somaxconn)")
    ] = 4096,
    keep_alive: Annotated[int, typer.Option(help="空闲连接保持秒数 / idle keep-alive seconds")] = 5,
    access_log: Annotated[
        bool,
        typer.Option(
            "--access-log/--no-access-log",
            help="逐请求访问日志（负载均衡器已记录时可关）/ per-request access log",
        ),
    ] = True,
) -> None:
    """在现有数据库上启动服务 / serve the site and API on an existing database."""
    from xinyong.db import upgrade

    upgrade()
    _serve(
        host,
        port,
        workers,
        scheduler,
        backlog=backlog,
        keep_alive=keep_alive,
        access_log=access_log,
    )


@app.command()
def demo(
    host: str = "127.0.0.1",
    port: int = 8000,
    enterprises: Annotated[int, typer.Option(help="企业数量 / number of enterprises")] = 20000,
    seed: int = 7,
    serve_site: Annotated[
        bool, typer.Option("--serve/--no-serve", help="导入后启动服务 / serve after loading")
    ] = True,
) -> None:
    """一键演示：建库、生成并导入演示数据、启动服务 / one-command demo."""
    from xinyong.db import upgrade
    from xinyong.demo.generator import generate
    from xinyong.settings import get_settings
    from xinyong.sources.readers import read_manifest

    upgrade()
    folder = get_settings().data_dir / "demo"
    manifest = read_manifest(folder)
    if manifest.get("enterprises") != enterprises or manifest.get("seed") != seed:
        with _progress() as bar:
            task = bar.add_task("生成演示数据 generating demo data", total=enterprises)
            generate(
                folder, enterprises=enterprises, seed=seed, progress=lambda n: bar.advance(task, n)
            )
    from xinyong.sources.config import load_sources

    # The demo data goes through the same connectors as real data: the configured sources.
    _sync_and_print(list(load_sources().values()))
    # The list rules as the server's scheduler runs them on the hour, over the weeks before the
    # visit: a demo operator (signed as such) decided what they proposed back then, so the
    # public lists show published entries with their history; what the last weeks' records
    # bring waits for an operator in the console.
    from datetime import date

    from xinyong.db import get_engine
    from xinyong.demo.operator import weeks_of_decisions

    lists = weeks_of_decisions(get_engine(), date.fromisoformat(read_manifest(folder)["as_of"]))
    console.print(
        f"名单：公示中 {lists.published} 条，已到期 {lists.expired} 条，"
        f"{lists.waiting} 条提请待工作人员审核（/operator/lists）"
        f" / lists: {lists.published} published, {lists.expired} expired,"
        f" {lists.waiting} proposals await an operator's review"
    )
    if serve_site:
        _serve(host, port, 1)


@app.command(
    "fake-upstream",
    context_settings={"allow_extra_args": True, "ignore_unknown_options": True},
)
def fake_upstream(ctx: typer.Context) -> None:
    """模拟上游系统（真实 HTTP 服务）/ serve a drop folder as a fake upstream API.

    Options: --data DIR --port P --token T --rate R --fail-every N --today D --state FILE.
    """
    from xinyong.upstream import main as upstream_main

    raise typer.Exit(upstream_main(list(ctx.args)))


def _print_json(data) -> None:
    console.print_json(json.dumps(data, ensure_ascii=False, default=str))


@app.command()
def code(value: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """校验并解析代码 / validate and decode a credit code (exit 1 when invalid)."""
    from xinyong.codes import check_code

    result = check_code(value)
    if as_json:
        _print_json(result.to_dict())
    else:
        mark = "[green]✔ 有效 valid[/green]" if result.valid else "[red]✘ 无效 invalid[/red]"
        console.print(f"{mark} {result.kind or ''} {result.code}")
        for e in result.errors:
            console.print(f"  [red]错误[/red] {e.message_zh} / {e.message_en}")
        for w in result.warnings:
            console.print(f"  [yellow]提示[/yellow] {w.message_zh} / {w.message_en}")
        _print_decoded(result.decoded)
    if not result.valid:
        raise typer.Exit(1)


def _print_decoded(d: dict) -> None:
    rows: list[tuple[str, Callable[[dict], str]]] = [
        ("authority", lambda v: f"登记管理部门 {v['name_zh']} / {v['name_en']}"),
        ("entity_type", lambda v: f"机构类别 {v['name_zh']} / {v['name_en']}"),
        ("division", lambda v: f"行政区划 {v['code']} {v['full_name']}"),
        ("organisation_code", lambda v: f"组织机构代码 {v}"),
    ]
    for key, fmt in rows:
        if d.get(key):
            console.print("  " + fmt(d[key]))


def _search(query: str, as_json: bool) -> None:
    import re

    from xinyong.db import session_scope
    from xinyong.search.service import search

    try:
        with session_scope() as session:
            page = search(session, query)
    except XinyongError as exc:
        _fail(exc)
    if as_json:
        _print_json(page.model_dump(mode="json"))
        return
    table = Table("企业名称 name", "统一社会信用代码 code", "状态 status", "命中 match")
    for item in page.items:
        name = re.sub(
            r"</?mark>",
            lambda m: "[/bold]" if m.group().startswith("</") else "[bold]",
            item.highlight,
        )
        table.add_row(name, item.credit_code, item.status, f"{item.matched_field}/{item.match}")
    at_least = ("至少 ", "at least ") if page.total_capped else ("", "")
    console.print(f"“{query}”：共 {at_least[0]}{page.total} 条 / {at_least[1]}{page.total} found")
    if page.words:
        console.print(
            f"没有名称完整包含“{query}”；以下名称包含其中每个词：{'、'.join(page.words)}"
            f" / no name holds it whole; these hold each of its words: {', '.join(page.words)}"
        )
    console.print(table)


@app.command("search-index")
def search_index() -> None:
    """重建搜索索引 / rebuild the search index from the registry."""
    from xinyong.db import get_engine, upgrade
    from xinyong.search.index import rebuild

    upgrade()
    with _progress() as bar:
        task = bar.add_task("索引 indexing", total=None)
        written = rebuild(
            get_engine(), progress=lambda done, total: bar.update(task, completed=done, total=total)
        )
    console.print(f"搜索索引已重建，{written} 条 / search index rebuilt: {written} entries")


@app.command()
def lookup(value: str, as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """查询企业：代码显示档案，名称/拼音显示搜索结果 / a code shows the profile, a name searches."""
    from xinyong.codes import check_code
    from xinyong.db import session_scope
    from xinyong.profile.service import enterprise_profile

    if not check_code(value).valid:
        _search(value, as_json)
        return
    try:
        with session_scope() as session:
            p = enterprise_profile(session, value)
    except XinyongError as exc:
        _fail(exc)
    if as_json:
        _print_json(p.model_dump(mode="json"))
        return
    e = p.enterprise
    demo = " [yellow]演示数据 demo[/yellow]" if e.provenance.demo else ""
    console.print(f"[bold]{e.name}[/bold]{demo}  {e.credit_code}  {e.status}")
    console.print(
        f"  法定代表人 {e.legal_rep or '—'} · 成立 {e.established_on or '—'} · {e.entity_type or ''}"
    )
    console.print(f"  {e.address or ''}")
    console.print(
        f"  股东 shareholders {len(p.shareholders)} · 许可 licences {len(p.licences)}"
        f" · 异常 abnormal {len(p.abnormal_entries)}"
    )
    if p.enforcement is not None:
        dishonest = sum(r.current for r in p.enforcement.dishonest)
        cases = sum(c.current for c in p.enforcement.cases)
        style = "red" if dishonest else "default"
        console.print(
            f"  [{style}]失信被执行人 dishonest {dishonest}[/{style}] · 被执行人 cases {cases}"
            f" · 行政处罚 penalties {len(p.penalties or [])}"
        )
    console.print(
        f"  来源 {e.provenance.source} · 截至 {e.provenance.as_of} · 获取 {e.provenance.fetched_at:%Y-%m-%d %H:%M} UTC"
    )


lists_app = typer.Typer(help="红黑名单 / red and black lists")
app.add_typer(lists_app, name="lists")


def _at(value: str | None):
    """--now for walking time (a replay, a test): ISO date-time; naive means Asia/Shanghai."""
    if value is None:
        return None
    from datetime import datetime
    from zoneinfo import ZoneInfo

    moment = datetime.fromisoformat(value)
    return moment if moment.tzinfo else moment.replace(tzinfo=ZoneInfo("Asia/Shanghai"))


@lists_app.command("expire")
def lists_expire(
    now: Annotated[str | None, typer.Option(help="按此时刻执行 / run as of (ISO)")] = None,
) -> None:
    """结束公示期已满的名单信息 / expire entries whose publicity period is over."""
    from xinyong.db import get_engine, upgrade
    from xinyong.lists.service import run_expiry
    from xinyong.wiring import connect

    upgrade()
    connect()  # its decisions regrade their firms and are anchored, as the server's job's
    expired = run_expiry(get_engine(), _at(now))
    console.print(f"已到期 {len(expired)} 条 / expired {len(expired)}: {expired}")


@lists_app.command("propose")
def lists_propose(
    now: Annotated[str | None, typer.Option(help="按此时刻执行 / run as of (ISO)")] = None,
) -> None:
    """按事件规则提请名单，并跟进来源已删除的记录 / run the proposal rules."""
    from xinyong.db import get_engine, upgrade
    from xinyong.lists.proposals import run_rules
    from xinyong.wiring import connect

    upgrade()
    connect()  # its decisions regrade their firms and are anchored, as the server's job's
    try:
        proposed, ended = run_rules(get_engine(), _at(now))
    except XinyongError as exc:
        _fail(exc)
    console.print(f"新提请 {len(proposed)} 条 / proposed {len(proposed)}: {proposed}")
    console.print(f"来源已删除而结束 {len(ended)} 条 / ended with their source: {ended}")


@lists_app.command("show")
def lists_show(
    code: str,
    history: Annotated[
        bool, typer.Option("--history", help="含全部历史（操作员） / all entries with history")
    ] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    now: Annotated[str | None, typer.Option(help="按此时刻查看 / as of (ISO)")] = None,
) -> None:
    """某代码的名单信息 / the list entries of a credit code."""
    from xinyong.db import session_scope
    from xinyong.lists import lookups, service
    from xinyong.lists.clock import SHANGHAI

    with session_scope() as session:
        if history:
            rows = [
                lookups.to_operator(session, e)
                for e in lookups.operator_entries(session, credit_code=code)
            ]
        else:
            rows = [lookups.to_public(e) for e in lookups.active_entries(session, code, _at(now))]
        if as_json:
            _print_json([r.model_dump(mode="json") for r in rows])
            return
        if not rows:
            console.print(f"{code}：无公示中的名单信息 / no published list entry")
            return
        for r in rows:
            state = f" · {service.STATE_ZH[r.state]} {r.state}" if history else ""
            console.print(
                f"[bold]{r.id}[/bold] {r.list_name_zh} · {r.class_label_zh}{state}  {r.subject_name}"
                f"  {r.publicity_start or '—'} → {r.publicity_end or '—'}"
            )
            console.print(
                f"  事由 {r.reason_zh}\n  依据 {r.legal_basis_zh}\n  认定 {r.authority} {r.decision_date}"
            )
            for h in getattr(r, "history", []):
                console.print(
                    f"    {h.at.astimezone(SHANGHAI):%Y-%m-%d %H:%M} {h.action} {h.actor} {h.reason or ''}"
                )


fees_app = typer.Typer(help="收费标准与测算 / fee schedules and quotes")
app.add_typer(fees_app, name="fees")


def _read_schedule(path: Path):
    from pydantic import ValidationError

    from xinyong.agencies.schedule import FeeSchedule
    from xinyong.errors import InvalidInput

    try:
        import yaml

        return FeeSchedule.model_validate(yaml.safe_load(path.read_text("utf-8")))
    except (OSError, ValidationError, yaml.YAMLError) as exc:
        _fail(InvalidInput(f"收费标准文件 {path} 有误：{exc}", f"schedule file {path}: {exc}"))


@fees_app.command("check")
def fees_check(
    path: Path,
    kind: Annotated[str, typer.Option(help="机构类别 / agency kind, e.g. law_firm")] = "law_firm",
) -> None:
    """校验收费标准文件（JSON/YAML）/ check a fee schedule file against the fee rules."""
    from xinyong.agencies.validation import check_schedule

    try:
        notes = check_schedule(_read_schedule(path), kind)
    except XinyongError as exc:
        for p in getattr(exc, "problems", []):
            err.print(f"[red]✘[/red] {p.message_zh}\n  {p.message_en}")
        raise typer.Exit(1) from None
    console.print("[green]✔ 可以发布 publishable[/green]")
    for p in notes:
        console.print(f"  [yellow]提示[/yellow] {p.message_zh} / {p.message_en}")


@fees_app.command("quote")
def fees_quote(
    debt: Annotated[str, typer.Option(help="债务金额（元）/ debt amount, yuan")],
    recovered: Annotated[str | None, typer.Option(help="回收金额 / recovered")] = None,
    hours: Annotated[str | None, typer.Option(help="工时 / hours")] = None,
    schedule: Annotated[Path | None, typer.Option(help="收费标准文件 / schedule file")] = None,
    agency: Annotated[str | None, typer.Option(help="机构信用代码 / agency code")] = None,
    kind: Annotated[str | None, typer.Option(help="文件的机构类别 / kind for a file")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """测算收费，逐行说明 / quote a case, line by line."""
    from decimal import Decimal, InvalidOperation

    from xinyong.agencies.fees import quote
    from xinyong.agencies.schemas import QuoteOut
    from xinyong.agencies.service import get_agency
    from xinyong.db import session_scope
    from xinyong.errors import InvalidInput

    try:
        amounts = [Decimal(v) if v is not None else None for v in (debt, recovered, hours)]
        if (schedule is None) == (agency is None):
            raise InvalidInput(
                "须给出 --schedule 或 --agency 之一", "give exactly one of --schedule or --agency"
            )
        if schedule is not None:
            q = quote(_read_schedule(schedule), *amounts, kind=kind)
        else:
            with session_scope() as session:
                found = get_agency(session, agency)
            if found.schedule is None:
                raise InvalidInput(
                    f"{found.name} 没有现行收费标准", f"{found.name} has no schedule in force"
                )
            q = quote(found.schedule.schedule, *amounts, kind=found.kind)
    except InvalidOperation:
        _fail(InvalidInput("金额应为数字", "amounts must be numbers"))
    except XinyongError as exc:
        _fail(exc)
    if as_json:
        _print_json(QuoteOut.of(q).model_dump(mode="json"))
        return
    for n, line in enumerate(q.lines, start=1):
        amount = f"{line.high}" if line.low == line.high else f"{line.low}–{line.high}"
        console.print(f"{n}. {line.text_zh}  [bold]{amount}[/bold]\n   [dim]{line.text_en}[/dim]")
    total = f"{q.total_high}" if q.total_low == q.total_high else f"{q.total_low}–{q.total_high}"
    console.print(f"[bold]合计 total {total} 元[/bold] · 实际费率 rate {q.effective_rate_high}%")
    for zh, en in q.notes:
        console.print(f"  [dim]{zh} / {en}[/dim]")
    for p in q.breaches:
        console.print(f"  [red]违规 breach[/red] {p.message_zh}")
    for p in q.warnings:
        console.print(f"  [yellow]提示[/yellow] {p.message_zh}")


_VERDICT_STYLE = {"通过": "green", "警示": "yellow", "不通过": "red"}
_OUTCOME_MARK = {"fail": "[red]✘[/red]", "warn": "[yellow]![/yellow]", "info": "[green]✔[/green]"}


def _print_verification(v) -> None:
    from xinyong.sources.catalog import record_title, source_title

    style = _VERDICT_STYLE[v.verdict]
    console.print(
        f"[bold {style}]核验结论 {v.verdict} / {v.verdict_en}[/bold {style}]  编号 id {v.id}"
    )
    if v.enterprise:
        e = v.enterprise
        console.print(f"  [bold]{e.name}[/bold]  {e.credit_code}  {e.status}")
    console.print(f"  核验服务 service: {v.service_zh} ({v.service})")
    for step in v.steps:
        console.print(f"[bold]{step.title_zh} / {step.title_en}[/bold]: {step.outcome}")
        for r in step.reasons:
            console.print(f"  {_OUTCOME_MARK[r.outcome]} {r.message_zh}")
            console.print(f"     [dim]{r.message_en} ({r.rule_id})[/dim]")
            if r.subject and r.subject.role != "entity":
                console.print(
                    f"     [dim]{r.subject.name} {r.subject.id_number or ''} · {r.subject.match_basis}[/dim]"
                )
            for ev in r.evidence:
                if ev.record_type != "enterprise":
                    console.print(
                        f"     [dim]证据 {record_title(ev.record_type)[0]} #{ev.record_id} "
                        f"{ev.summary} · {source_title(ev.source)[0]} · 截至 as of "
                        f"{ev.as_of or '—'}[/dim]"
                    )
    for d in v.data_as_of:
        zh, en = record_title(d.record_type)
        console.print(
            f"  [dim]数据截至 {zh} / {en} ({source_title(d.source)[0]}): {d.as_of or '—'}[/dim]"
        )


@app.command()
def verify(
    value: Annotated[
        str | None, typer.Argument(help="统一社会信用代码或企业名称 / credit code or name")
    ] = None,
    name: Annotated[
        str | None, typer.Option(help="与代码核对的企业名称 / name to match the code")
    ] = None,
    service: Annotated[
        str | None, typer.Option(help="核验的服务，如 debt_recovery、litigation / service")
    ] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="批量核验 CSV/XLSX 文件 / batch input file")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="批量结果 .csv/.xlsx / batch result file")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """三步核验：身份、资质、信用记录 / three-step verification (exit 1 when 不通过)."""
    from xinyong.db import session_scope, upgrade
    from xinyong.verification.schemas import VerificationRequest
    from xinyong.wiring import connect

    upgrade()
    connect()
    if file is not None:
        _verify_file(file, out, service, as_json)
        return
    if not value and not name:
        _fail(
            XinyongError(
                "请给出统一社会信用代码或企业名称，或用 --file 批量核验",
                "give a credit code or a name, or --file for a batch",
            )
        )
    from xinyong.codes.problems import normalise as normalise_code
    from xinyong.verification.service import verify as run_verify

    as_code = bool(value) and normalise_code(value).isascii()
    try:
        with session_scope() as session:
            request = VerificationRequest(
                code=value if as_code else None,
                name=name if as_code else (value or name),
                service=service,
            )
            result = run_verify(session, request)
    except XinyongError as exc:
        _fail(exc)
    if as_json:
        _print_json(result.model_dump(mode="json"))
    else:
        _print_verification(result)
    if result.verdict == "不通过":
        raise typer.Exit(1)


def _verify_file(file: Path, out: Path | None, service: str | None, as_json: bool) -> None:
    from xinyong.db import session_scope
    from xinyong.verification.batch import verify_file, write_output

    try:
        with session_scope() as session, _progress() as bar:
            task = bar.add_task("核验 verifying", total=None)
            result = verify_file(
                session,
                file,
                service=service,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
            )
        if out is not None:
            write_output(result, out)
    except XinyongError as exc:
        _fail(exc)
    if as_json:
        _print_json(result.model_dump(mode="json"))
        return
    c = result.counts
    console.print(
        f"{result.file}: 共 {c['rows']} 行，核验 {c['verified']} 行 — "
        f"[green]通过 {c['pass']}[/green] · [yellow]警示 {c['warning']}[/yellow] · "
        f"[red]不通过 {c['fail']}[/red] · 问题行 {c['problems']}"
    )
    console.print(
        f"  rows {c['rows']}, verified {c['verified']}: pass {c['pass']}, "
        f"warning {c['warning']}, fail {c['fail']}; bad rows {c['problems']}"
    )
    for p in result.problems:
        console.print(f"  [yellow]第{p.row}行[/yellow] {p.message_zh}")
        console.print(f"     [dim]{p.message_en}[/dim]")
    if out is not None:
        console.print(f"结果已写入 / results written to {out}")
