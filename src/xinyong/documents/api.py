"""Documents API (thin): template downloads, filled forms, contract review, payment orders."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any, Literal

from fastapi import APIRouter, File, Form, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel
from sqlalchemy.orm import Session

from xinyong.accounts.principal import QUESTION
from xinyong.agencies.importer import KINDS
from xinyong.api.deps import DbSession
from xinyong.api.urls import url_for
from xinyong.documents import pages
from xinyong.documents.forms import entrustment_agreement, pi_authorization
from xinyong.documents.model import Document
from xinyong.documents.output import MEDIA, Format, disposition, render
from xinyong.documents.payment_order import (
    PaymentOrderAssessment,
    PaymentOrderInput,
    application,
    assess,
)
from xinyong.documents.reports import (
    get_report,
    issue_credit_report,
    issue_verification_report,
    report_document,
)
from xinyong.documents.review.extract import from_text, read_contract
from xinyong.documents.review.service import (
    ReviewReport,
    review_document,
    review_for_agency,
)
from xinyong.documents.schemas import AuthorizationInput, EntrustmentInput, TemplateInfo
from xinyong.documents.templates import all_templates, blank, get_template
from xinyong.documents.timefmt import SHANGHAI
from xinyong.errors import InvalidInput
from xinyong.settings import get_settings

AgencyKind = Literal[tuple(KINDS)]  # type: ignore[valid-type]

api = APIRouter(prefix="/api/v1", tags=["documents 文书"])

_FMT = Query("pdf", description="pdf 或 docx / pdf or docx")


def _file(doc: Document, fmt: Format, name: str) -> Response:
    return Response(
        render(doc, fmt),
        media_type=MEDIA[fmt],
        headers={"Content-Disposition": disposition(f"{name}.{fmt}")},
    )


@api.get("/documents/templates", response_model=list[TemplateInfo], summary="文书模板 / Templates")
def list_templates() -> list[TemplateInfo]:
    return [
        TemplateInfo(
            id=t.id,
            version=t.version,
            versions=[v.version for v in versions],
            published_on=t.published_on,
            title=t.title,
            title_en=t.title_en,
            clauses=t.clauses,
        )
        for versions in all_templates().values()
        for t in versions[-1:]
    ]


@api.get(
    "/documents/templates/{template_id}",
    summary="下载空白模板 / Download a blank template",
    response_class=Response,
)
def download_template(
    template_id: str, version: str | None = None, format: Format = _FMT
) -> Response:
    t = get_template(template_id, version)
    return _file(blank(t, get_settings().site_name), format, f"{t.title}-{t.version}")


@api.post(
    "/documents/entrustment-agreement",
    summary="生成债务委托协议 / Fill in the debt-entrustment agreement",
    response_class=Response,
    openapi_extra=QUESTION,
)
def make_agreement(data: EntrustmentInput, format: Format = _FMT) -> Response:
    return _file(entrustment_agreement(data), format, "债务委托协议")


@api.post(
    "/documents/pi-authorization",
    summary="生成个人信息处理授权书 / Fill in the PI processing authorization",
    response_class=Response,
    openapi_extra=QUESTION,
)
def make_authorization(data: AuthorizationInput, format: Format = _FMT) -> Response:
    return _file(pi_authorization(data), format, "个人信息处理授权书")


@api.post(
    "/contracts/review",
    response_model=ReviewReport,
    summary="合同审查 / Review a contract (DOCX, PDF or text)",
    responses={200: {"content": {"application/pdf": {}}}},
    openapi_extra=QUESTION,
)
async def review(
    file: UploadFile | None = File(None, description="DOCX、PDF 或文本文件 / DOCX, PDF or text"),
    text: str | None = Form(None, description="或直接粘贴合同文本 / or paste the text"),
    schedule_max_percent: Decimal | None = Form(
        None, ge=0, le=100, description="该机构公示的最高收费比例 / the agency's published maximum"
    ),
    agency_code: str | None = Form(
        None,
        description="名录机构的统一社会信用代码：按其类型的法定上限与公示收费审查 / "
        "a directory agency's credit code: its kind's legal cap and its published schedule apply",
    ),
    agency_kind: AgencyKind | None = Form(
        None, description="机构类型（如 law_firm 适用律师风险代理收费上限）/ agency kind"
    ),
    claim_amount: Decimal | None = Form(
        None, gt=0, description="委托追收的标的额（元），缺省时从合同中读取 / the claim, yuan"
    ),
    format: Literal["json", "pdf"] = Query("json"),
    session: Session = DbSession,
):
    if file is not None and file.filename:
        data = await file.read()
        if len(data) > 20 * 1024 * 1024:
            raise InvalidInput("文件超过 20 MB", "the file is larger than 20 MB", field="file")
        contract, name = read_contract(data), file.filename
    elif text:
        contract, name = from_text(text), ""
    else:
        raise InvalidInput(
            "请上传合同文件（file）或粘贴合同文本（text）",
            "upload a contract file (file) or paste its text (text)",
            field="file",
        )
    report = review_for_agency(
        session,
        contract,
        name,
        agency_code=agency_code,
        agency_kind=agency_kind,
        schedule_max_percent=schedule_max_percent,
        claim=claim_amount,
    )
    if format == "pdf":
        return _file(review_document(report, get_settings().site_name), "pdf", "合同审查报告")
    return report


@api.post(
    "/payment-orders",
    response_model=PaymentOrderAssessment,
    summary="支付令向导 / Payment-order wizard: conditions, court, fee, timeline, application",
    responses={200: {"content": {"application/pdf": {}, MEDIA["docx"]: {}}}},
    openapi_extra=QUESTION,
)
def payment_order(
    data: PaymentOrderInput,
    format: Literal["json", "pdf", "docx"] = Query(
        "json", description="json 为评估结果；pdf/docx 为支付令申请书 / the application"
    ),
):
    result = assess(data, datetime.now(SHANGHAI).date())
    if format == "json":
        return result
    if not result.eligible:
        raise InvalidInput(
            result.summary_zh,
            "a payment order is the wrong route: "
            + "; ".join(p.message_en for p in result.problems),
            problems=[p.model_dump() for p in result.problems],
        )
    return _file(application(data, result), format, "支付令申请书")


class IssuedReportOut(BaseModel):
    number: str
    kind: str
    subject: str
    issued_at: datetime
    digest: str
    url: str
    pdf_url: str
    snapshot: dict[str, Any]


def _out(request: Request, report) -> IssuedReportOut:
    return IssuedReportOut(
        number=report.number,
        kind=report.kind,
        subject=report.subject,
        issued_at=report.issued_at,
        digest=report.digest,
        url=pages.report_url(request, report.number),
        pdf_url=url_for(request, "report_pdf", number=report.number),
        snapshot=report.snapshot,
    )


@api.post(
    "/reports/credit/{code}",
    response_model=IssuedReportOut,
    status_code=201,
    summary="出具企业信用报告 / Issue an enterprise credit report",
    openapi_extra=QUESTION,
)
def issue_report(code: str, request: Request, session: Session = DbSession):
    report = issue_credit_report(session, code, get_settings().site_name)
    session.commit()
    return _out(request, report)


@api.post(
    "/reports/verification/{verification_id}",
    response_model=IssuedReportOut,
    status_code=201,
    summary="出具三步核验报告 / Issue a verification report",
    openapi_extra=QUESTION,
)
def issue_verification(verification_id: str, request: Request, session: Session = DbSession):
    report = issue_verification_report(session, verification_id, get_settings().site_name)
    session.commit()
    return _out(request, report)


@api.get(
    "/reports/{number}",
    response_model=IssuedReportOut,
    summary="按编号核验报告 / A report by its number, as issued",
)
def read_report(number: str, request: Request, session: Session = DbSession):
    return _out(request, get_report(session, number))


@api.get(
    "/reports/{number}/pdf",
    name="report_pdf",
    response_class=Response,
    summary="报告 PDF / The report as PDF",
)
def report_pdf(number: str, request: Request, session: Session = DbSession):
    report = get_report(session, number)
    doc = report_document(report, pages.report_url(request, report.number))
    return _file(doc, "pdf", f"{doc.title}-{report.number}")


router = APIRouter()
router.include_router(api)
router.include_router(pages.router)
