"""Pages (thin): the documents page, contract review results and issued reports by number."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from pathlib import Path

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy.orm import Session

from xinyong.accounts.uploads import MB, read_upload
from xinyong.agencies.importer import KINDS
from xinyong.api.deps import DbSession
from xinyong.api.urls import url_for
from xinyong.documents.reports import get_report, report_document
from xinyong.documents.review.extract import from_text, read_contract
from xinyong.documents.review.service import review_document, review_for_agency
from xinyong.documents.templates import all_templates
from xinyong.errors import InvalidInput, XinyongError
from xinyong.settings import get_settings
from xinyong.web.i18n import lang_of, translator

_HERE = Path(__file__).parent
templates = Jinja2Templates(directory=[_HERE / "web", _HERE.parent / "web" / "templates"])
REVIEW_MAX_BYTES = 10 * MB  # a contract to review: DOCX, PDF or text

router = APIRouter(include_in_schema=False)


def _render(request: Request, name: str, context: dict, status_code: int = 200):
    """A page in the portal layout, with `lang` and `t(zh, en)` like every other page."""
    lang = lang_of(request)
    context = {"lang": lang, "t": translator(lang), **context}
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def report_url(request: Request, number: str) -> str:
    return url_for(request, "report_page", number=number)


@router.get("/documents", response_class=HTMLResponse)
def documents_page(request: Request):
    return _render(request, "documents.html", _documents_context())


def _documents_context(**extra) -> dict:
    latest = [versions[-1] for versions in all_templates().values()]
    return {"settings": get_settings(), "templates": latest, "kinds": KINDS, **extra}


def _number(raw: str, field: str, label_zh: str, label_en: str) -> Decimal | None:
    """An optional positive number typed into a form, or an error naming the field."""
    raw = raw.strip().replace(",", "").replace("，", "").rstrip("%")
    if not raw:
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value < 0:
        raise InvalidInput(
            f"{label_zh}“{raw}”应为不小于 0 的数字",
            f"{label_en} '{raw}' must be a number ≥ 0",
            field=field,
        )
    return value


@router.post("/documents/review", response_class=HTMLResponse)
async def review_page(
    request: Request,
    file: UploadFile | None = File(None),
    text: str = Form(""),
    schedule_max_percent: str = Form(""),
    agency_code: str = Form(""),
    agency_kind: str = Form(""),
    claim_amount: str = Form(""),
    session: Session = DbSession,
):
    s = get_settings()
    try:
        cap = _number(schedule_max_percent, "schedule_max_percent", "最高收费比例", "maximum rate")
        claim = _number(claim_amount, "claim_amount", "标的额", "claim amount")
        if file is not None and file.filename:
            data, _ = read_upload(
                file.file, file.filename, ("docx", "pdf", "txt"), REVIEW_MAX_BYTES
            )
            contract, name = read_contract(data), file.filename
        else:
            contract, name = from_text(text), ""
        report = review_for_agency(
            session,
            contract,
            name,
            agency_code=agency_code.strip() or None,
            agency_kind=agency_kind or None,
            schedule_max_percent=cap,
            claim=claim or None,
        )
    except XinyongError as exc:
        return _render(
            request,
            "documents.html",
            _documents_context(error=exc),
            status_code=exc.status,
        )
    return _render(
        request,
        "document.html",
        {
            "settings": s,
            "doc": review_document(report, s.site_name),
            "banner": translator(lang_of(request))(report.summary_zh, report.summary_en),
            "banner_class": {"ok": "ok", "missing_clauses": "warn"}.get(report.verdict, "bad"),
        },
    )


@router.get("/reports/{number}", response_class=HTMLResponse, name="report_page")
def report_page(request: Request, number: str, session: Session = DbSession):
    s = get_settings()
    try:
        report = get_report(session, number)
    except XinyongError as exc:
        return HTMLResponse(
            f"<h1>{exc.message_zh}</h1><p>{exc.message_en}</p>", status_code=exc.status
        )
    doc = report_document(report, report_url(request, report.number))
    t = translator(lang_of(request))
    return _render(
        request,
        "document.html",
        {
            "settings": s,
            "doc": doc,
            "banner": t(
                f"此报告由{s.site_name}出具，编号与内容以本页为准",
                f"Issued by {s.site_name_en}; this page is the authoritative number and content",
            ),
            "downloads": [(t("下载 PDF", "Download PDF"), f"/api/v1/reports/{report.number}/pdf")],
        },
    )


_CHECKS = (
    "interest_agreed",
    "amount_fixed",
    "creditor_owes_counter_performance",
    "other_disputes_between_parties",
    "debtor_in_china",
    "debtor_reachable",
    "pre_action_preservation_applied",
)
_DEFAULTS = {
    "interest_agreed": True,
    "amount_fixed": True,
    "debtor_in_china": True,
    "debtor_reachable": True,
    "claim_kind": "money",
}


def _wizard(request: Request, form: dict, result=None, error: str = "", status: int = 200):
    from xinyong.documents.payment_order import config

    cfg = config()
    return _render(
        request,
        "payment_order.html",
        {
            "settings": get_settings(),
            "f": form,
            "result": result,
            "error": error,
            "courts": cfg["courts"],
            "zones": cfg["unconfirmed_zones"],
        },
        status_code=status,
    )


@router.get("/documents/payment-order", response_class=HTMLResponse)
def payment_order_page(request: Request):
    return _wizard(request, dict(_DEFAULTS))


@router.post("/documents/payment-order")
async def payment_order_submit(request: Request):
    from datetime import datetime

    from pydantic import ValidationError

    from xinyong.documents.output import MEDIA, disposition, render
    from xinyong.documents.payment_order import PaymentOrderInput, application, assess
    from xinyong.documents.timefmt import SHANGHAI

    raw = await request.form()
    form = {k: v for k, v in raw.items() if isinstance(v, str)}
    for key in _CHECKS:
        form[key] = key in raw
    try:
        data = PaymentOrderInput(
            creditor={
                "name": form.get("creditor_name", ""),
                "id_number": form.get("creditor_id", ""),
                "address": form.get("creditor_address", ""),
                "phone": form.get("creditor_phone", ""),
            },
            debtor={
                "name": form.get("debtor_name", ""),
                "id_number": form.get("debtor_id", ""),
                "address": form.get("debtor_address", ""),
                "phone": form.get("debtor_phone", ""),
            },
            debtor_division_code=(
                form.get("other_division_code") or form.get("debtor_division_code", "")
            ).strip(),
            claim_kind=form.get("claim_kind", "money"),
            amount_yuan=form.get("amount_yuan", ""),
            interest_yuan=form.get("interest_yuan") or "0",
            due_date=form.get("due_date", ""),
            facts=form.get("facts", ""),
            evidence=[x.strip() for x in form.get("evidence", "").splitlines() if x.strip()],
            **{k: form[k] for k in _CHECKS},
        )
    except ValidationError as exc:
        where = "；".join(f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors())
        return _wizard(request, form, error=f"请检查输入 / check the input: {where}", status=422)
    result = assess(data, datetime.now(SHANGHAI).date())
    fmt = form.get("format", "html")
    if fmt in ("pdf", "docx") and result.eligible:
        from fastapi.responses import Response

        return Response(
            render(application(data, result), fmt),
            media_type=MEDIA[fmt],
            headers={"Content-Disposition": disposition(f"支付令申请书.{fmt}")},
        )
    return _wizard(request, form, result)
