"""Pages (thin): the documents page, contract review results and issued reports by number."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from xinyong.api.deps import get_session
from xinyong.documents.reports import credit_report_document, get_report
from xinyong.documents.review.extract import from_text, read_contract
from xinyong.documents.review.service import review_contract, review_document
from xinyong.documents.templates import all_templates
from xinyong.errors import XinyongError
from xinyong.settings import get_settings

_HERE = Path(__file__).parent
templates = Jinja2Templates(directory=[_HERE / "web", _HERE.parent / "web" / "templates"])
router = APIRouter(include_in_schema=False)


def report_url(request: Request, number: str) -> str:
    return str(request.url_for("report_page", number=number))


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request):
    latest = [versions[-1] for versions in all_templates().values()]
    return templates.TemplateResponse(
        request, "documents.html", {"settings": get_settings(), "templates": latest}
    )


@router.post("/documents/review", response_class=HTMLResponse)
async def review_page(
    request: Request,
    file: UploadFile | None = File(None),
    text: str = Form(""),
    schedule_max_percent: str = Form(""),
):
    s = get_settings()
    try:
        try:
            cap = Decimal(schedule_max_percent) if schedule_max_percent.strip() else None
        except InvalidOperation:
            cap = None
        if file is not None and file.filename:
            contract, name = read_contract(await file.read()), file.filename
        else:
            contract, name = from_text(text), ""
        report = review_contract(contract, name, cap)
    except XinyongError as exc:
        return templates.TemplateResponse(
            request,
            "documents.html",
            {"settings": s, "templates": [v[-1] for v in all_templates().values()], "error": exc},
            status_code=exc.status,
        )
    return templates.TemplateResponse(
        request,
        "document.html",
        {
            "settings": s,
            "doc": review_document(report, s.site_name),
            "banner": report.summary_zh,
            "banner_class": {"ok": "ok", "missing_clauses": "warn"}.get(report.verdict, "bad"),
        },
    )


@router.get("/reports/{number}", response_class=HTMLResponse, name="report_page")
def report_page(request: Request, number: str, session: Session = Depends(get_session)):
    s = get_settings()
    try:
        report = get_report(session, number)
    except XinyongError as exc:
        return HTMLResponse(
            f"<h1>{exc.message_zh}</h1><p>{exc.message_en}</p>", status_code=exc.status
        )
    doc = credit_report_document(report, report_url(request, report.number))
    return templates.TemplateResponse(
        request,
        "document.html",
        {
            "settings": s,
            "doc": doc,
            "banner": f"此报告由{s.site_name}出具，编号与内容以本页为准 / issued by {s.site_name_en}",
            "downloads": [("下载 PDF", f"/api/v1/reports/{report.number}/pdf")],
        },
    )
