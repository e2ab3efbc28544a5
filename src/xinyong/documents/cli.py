"""`xinyong documents …` (thin): templates, filled forms, contract review, payment orders, reports."""

from __future__ import annotations

import json
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Annotated

import typer
from pydantic import ValidationError
from rich.console import Console
from rich.table import Table

from xinyong.errors import XinyongError

app = typer.Typer(help="法律文书 / legal documents")
console = Console()
err = Console(stderr=True)

FormatOpt = Annotated[str, typer.Option("--format", help="pdf 或 docx / pdf or docx")]
OutOpt = Annotated[Path | None, typer.Option("--out", help="输出文件 / output file")]


def _fail(exc: XinyongError) -> None:
    err.print(f"[red]错误 error:[/red] {exc.message_zh}\n{exc.message_en}")
    raise typer.Exit(1)


def _write(doc, fmt: str, out: Path | None, default: str) -> None:
    from xinyong.documents.output import render

    if fmt not in ("pdf", "docx"):
        err.print(f"--format 只能是 pdf 或 docx / must be pdf or docx, not {fmt!r}")
        raise typer.Exit(2)
    path = out or Path(f"{default}.{fmt}")
    path.write_bytes(render(doc, fmt))
    console.print(f"已生成 written: {path}")


def _load(model, path: Path):
    try:
        return model.model_validate_json(path.read_text(encoding="utf-8"))
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]{path}[/red] {'.'.join(map(str, e['loc']))}: {e['msg']}")
        raise typer.Exit(1) from None


@app.command("templates")
def templates_list() -> None:
    """列出示范文本 / list the model documents and their versions."""
    from xinyong.documents.templates import all_templates

    table = Table("id", "名称 title", "版本 versions", "发布 published")
    for tid, versions in all_templates().items():
        t = versions[-1]
        table.add_row(tid, t.title, ", ".join(v.version for v in versions), str(t.published_on))
    console.print(table)


@app.command("template")
def template(
    template_id: str,
    version: Annotated[str | None, typer.Option(help="版本 / version")] = None,
    fmt: FormatOpt = "pdf",
    out: OutOpt = None,
) -> None:
    """下载空白示范文本 / write a blank model document."""
    from xinyong.documents.templates import blank, get_template
    from xinyong.settings import get_settings

    try:
        t = get_template(template_id, version)
    except XinyongError as exc:
        _fail(exc)
    _write(blank(t, get_settings().site_name), fmt, out, f"{t.title}-{t.version}")


@app.command("agreement")
def agreement(input_json: Path, fmt: FormatOpt = "pdf", out: OutOpt = None) -> None:
    """由 JSON 生成债务委托协议 / fill in the entrustment agreement from a JSON file."""
    from xinyong.documents.forms import entrustment_agreement
    from xinyong.documents.schemas import EntrustmentInput

    try:
        doc = entrustment_agreement(_load(EntrustmentInput, input_json))
    except XinyongError as exc:
        _fail(exc)
    _write(doc, fmt, out, "债务委托协议")


@app.command("authorization")
def authorization(input_json: Path, fmt: FormatOpt = "pdf", out: OutOpt = None) -> None:
    """由 JSON 生成个人信息处理授权书 / fill in the PI authorization from a JSON file."""
    from xinyong.documents.forms import pi_authorization
    from xinyong.documents.schemas import AuthorizationInput

    try:
        doc = pi_authorization(_load(AuthorizationInput, input_json))
    except XinyongError as exc:
        _fail(exc)
    _write(doc, fmt, out, "个人信息处理授权书")


@app.command("review")
def review(
    contract: Path,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    pdf: Annotated[Path | None, typer.Option("--pdf", help="审查报告 PDF / report PDF")] = None,
    schedule_max: Annotated[
        Decimal | None, typer.Option(help="机构公示最高收费比例% / published maximum rate")
    ] = None,
    agency_kind: Annotated[
        str | None, typer.Option(help="机构类型，如 law_firm（适用法定上限）/ agency kind")
    ] = None,
    claim: Annotated[
        Decimal | None, typer.Option(help="标的额（元），缺省从合同读取 / claim amount, yuan")
    ] = None,
) -> None:
    """审查合同（DOCX/PDF/文本），有问题时退出码为 1 / review a contract; exit 1 on findings."""
    from xinyong.documents.render_pdf import render_pdf
    from xinyong.documents.review.extract import read_contract
    from xinyong.documents.review.service import review_contract, review_document
    from xinyong.settings import get_settings

    try:
        report = review_contract(
            read_contract(contract.read_bytes()),
            contract.name,
            schedule_max,
            agency_kind=agency_kind,
            claim=claim,
        )
    except XinyongError as exc:
        _fail(exc)
    if as_json:
        console.print_json(report.model_dump_json())
    else:
        for c in report.clauses:
            mark = "[green]✔[/green]" if c.found else "[red]✘ 缺失 missing[/red]"
            where = f" （{c.quotes[0].location_zh}）{c.quotes[0].text}" if c.quotes else ""
            console.print(f"{mark} {c.title_zh}{where}")
        for f in report.flags:
            q = f.quotes[0]
            console.print(f"[red]⚠ {f.title_zh}[/red] （{q.location_zh}）{q.text} {f.detail_zh}")
        console.print(f"\n{report.summary_zh}\n{report.summary_en}")
    if pdf:
        pdf.write_bytes(render_pdf(review_document(report, get_settings().site_name)))
        console.print(f"审查报告 report: {pdf}")
    if report.verdict != "ok":
        raise typer.Exit(1)


@app.command("payment-order")
def payment_order(
    input_json: Path,
    fmt: FormatOpt = "pdf",
    out: OutOpt = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
    today: Annotated[str | None, typer.Option(help="评估日期 YYYY-MM-DD / as of")] = None,
) -> None:
    """支付令向导：条件、法院、费用、时限，符合时生成申请书 / assess and write the application."""
    from xinyong.documents.payment_order import PaymentOrderInput, application, assess
    from xinyong.documents.timefmt import SHANGHAI

    data = _load(PaymentOrderInput, input_json)
    day = date.fromisoformat(today) if today else datetime.now(SHANGHAI).date()
    result = assess(data, day)
    if as_json:
        console.print_json(result.model_dump_json())
    else:
        console.print(result.summary_zh)
        for p in result.problems:
            console.print(f"[red]✘[/red] {p.message_zh}（{p.basis}）\n   建议：{p.instead_zh}")
        console.print(f"管辖法院 court: {result.court.name}　{result.court.note_zh}")
        console.print(f"申请费 fee: {result.fee_yuan}元　{result.fee_explanation_zh}")
        console.print(result.timeline.note_zh)
    if not result.eligible:
        raise typer.Exit(1)
    if out or not as_json:
        _write(application(data, result), fmt, out, "支付令申请书")


@app.command("report")
def report(
    code: str,
    out: OutOpt = None,
    base_url: Annotated[
        str, typer.Option(help="平台网址（二维码指向）/ the site's public URL for the QR code")
    ] = "http://127.0.0.1:8000",
) -> None:
    """出具企业信用报告 PDF（带编号与二维码）/ issue a numbered credit report PDF."""
    from xinyong.db import session_scope, upgrade
    from xinyong.documents.reports import credit_report_document, issue_credit_report
    from xinyong.settings import get_settings
    from xinyong.wiring import connect

    upgrade()
    connect()
    try:
        with session_scope() as session:
            issued = issue_credit_report(session, code, get_settings().site_name)
            doc = credit_report_document(issued, f"{base_url.rstrip('/')}/reports/{issued.number}")
            number = issued.number
    except XinyongError as exc:
        _fail(exc)
    _write(doc, "pdf", out, f"企业信用报告-{number}")
    console.print(json.dumps({"number": number}, ensure_ascii=False))
