"""The review report of a contract: each mandatory clause quoted or missing, each flag raised."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel
from sqlalchemy.orm import Session

from xinyong.agencies.service import get_agency
from xinyong.documents.model import Block, Document
from xinyong.documents.review.caps import claim_amount, legal_cap
from xinyong.documents.review.engine import Hit, find_clauses, find_flags, load_rules, sentences
from xinyong.documents.review.extract import Contract
from xinyong.types import utcnow


class Quote(BaseModel):
    text: str
    location_zh: str
    location_en: str
    article: str | None


class ClauseResult(BaseModel):
    key: str
    title_zh: str
    title_en: str
    found: bool
    quotes: list[Quote]


class FlagResult(BaseModel):
    key: str
    title_zh: str
    title_en: str
    severity: str
    quotes: list[Quote]
    detail_zh: str = ""
    detail_en: str = ""


class ReviewReport(BaseModel):
    filename: str
    format: str
    reviewed_at: datetime
    rules_version: int
    fee_cap_percent: Decimal
    schedule_max_percent: Decimal | None
    agency_kind: str | None = None
    claim_amount: Decimal | None = None
    legal_cap_percent: Decimal | None = None
    legal_cap_zh: str = ""
    legal_cap_en: str = ""
    clauses: list[ClauseResult]
    missing: list[str]
    flags: list[FlagResult]
    verdict: str  # ok / missing_clauses / unlawful_terms
    summary_zh: str
    summary_en: str


def _quote(hit: Hit) -> Quote:
    s = hit.sentence
    return Quote(
        text=s.text,
        location_zh=s.paragraph.location_zh,
        location_en=s.paragraph.location_en,
        article=s.article,
    )


def review_contract(
    contract: Contract,
    filename: str = "",
    schedule_max_percent: Decimal | None = None,
    now: datetime | None = None,
    agency_kind: str | None = None,
    claim: Decimal | None = None,
) -> ReviewReport:
    """`agency_kind` (e.g. law_firm) brings the legal fee cap for that kind into the review; the
    claim amount, given or read from the contract, makes that cap exact for this debt."""
    rules = load_rules()
    if claim is None and agency_kind is not None:
        claim = claim_amount([s.norm for s in sentences(contract)])
    legal = legal_cap(agency_kind, claim)
    found = find_clauses(contract, rules)
    raised = find_flags(contract, rules, schedule_max_percent, legal)
    clauses = [
        ClauseResult(
            key=r.key,
            title_zh=r.title_zh,
            title_en=r.title_en,
            found=bool(found[r.key]),
            quotes=[_quote(h) for h in found[r.key][:3]],
        )
        for r in rules.clauses
    ]
    flags = [
        FlagResult(
            key=r.key,
            title_zh=r.title_zh,
            title_en=r.title_en,
            severity=r.severity,
            quotes=[_quote(h) for h in raised[r.key][:3]],
            detail_zh=raised[r.key][0].detail_zh,
            detail_en=raised[r.key][0].detail_en,
        )
        for r in rules.flags
        if raised[r.key]
    ]
    missing = [c.key for c in clauses if not c.found]
    if flags:
        verdict = "unlawful_terms"
        zh = f"发现{len(flags)}项违法或不公平条款，缺少{len(missing)}项必备条款。请勿签署，或删改后再签。"
        en = f"{len(flags)} unlawful or unfair terms and {len(missing)} missing mandatory clauses: do not sign as is."
    elif missing:
        verdict = "missing_clauses"
        zh = f"缺少{len(missing)}项必备条款，建议补充后再签署。"
        en = f"{len(missing)} mandatory clauses are missing: add them before signing."
    else:
        verdict = "ok"
        zh = "必备条款齐全，未发现违法或不公平条款。"
        en = "All mandatory clauses found; no unlawful or unfair terms found."
    return ReviewReport(
        filename=filename,
        format=contract.format,
        reviewed_at=now or utcnow(),
        rules_version=rules.version,
        fee_cap_percent=rules.fee_cap_percent,
        schedule_max_percent=schedule_max_percent,
        agency_kind=agency_kind,
        claim_amount=claim,
        legal_cap_percent=legal.percent if legal else None,
        legal_cap_zh=legal.detail_zh if legal else "",
        legal_cap_en=legal.detail_en if legal else "",
        clauses=clauses,
        missing=missing,
        flags=flags,
        verdict=verdict,
        summary_zh=zh,
        summary_en=en,
    )


def agency_terms(session: Session, code: str) -> tuple[str, Decimal | None]:
    """A directory agency's kind and the highest commission rate of its schedule in force, so a
    review of its contract needs only its credit code."""
    view = get_agency(session, code)
    commission = view.schedule.schedule.commission if view.schedule else None
    return view.kind, (max(b.rate for b in commission.bands) if commission else None)


def review_for_agency(
    session: Session,
    contract: Contract,
    filename: str = "",
    *,
    agency_code: str | None = None,
    agency_kind: str | None = None,
    schedule_max_percent: Decimal | None = None,
    claim: Decimal | None = None,
) -> ReviewReport:
    """Review a contract an agency offered: named by its credit code, the agency's kind and
    published maximum apply unless given explicitly."""
    if agency_code:
        kind, published_max = agency_terms(session, agency_code)
        agency_kind = agency_kind or kind
        if schedule_max_percent is None:
            schedule_max_percent = published_max
    return review_contract(
        contract, filename, schedule_max_percent, agency_kind=agency_kind, claim=claim
    )


def _where(q: Quote) -> str:
    return f"{q.location_zh}{'（' + q.article + '）' if q.article else ''}"


def review_document(report: ReviewReport, site_name: str) -> Document:
    """The review report as a printable document."""
    from xinyong.documents.timefmt import shanghai

    blocks = [
        Block("paragraph", f"审查结论：{report.summary_zh}"),
        Block("note", report.summary_en),
        Block("heading", "一、必备条款"),
    ]
    rows = [["条款", "结果", "原文及位置"]]
    for c in report.clauses:
        quote = "；".join(f"“{q.text}”（{_where(q)}）" for q in c.quotes) or "未找到"
        rows.append([c.title_zh, "具备" if c.found else "缺失", quote])
    blocks.append(Block("table", rows=rows))
    blocks.append(Block("heading", "二、违法或不公平条款"))
    if report.flags:
        rows = [["问题", "原文及位置"]]
        for f in report.flags:
            quote = "；".join(f"“{q.text}”（{_where(q)}）" for q in f.quotes)
            rows.append([f.title_zh + (f"：{f.detail_zh}" if f.detail_zh else ""), quote])
        blocks.append(Block("table", rows=rows))
    else:
        blocks.append(Block("paragraph", "未发现。"))
    blocks.append(
        Block(
            "note",
            f"审查规则第{report.rules_version}版；平台收费上限{report.fee_cap_percent}%"
            + (f"；{report.legal_cap_zh}" if report.legal_cap_zh else "")
            + "。本报告由系统自动生成，"
            "仅供参考，不构成法律意见；重要合同请咨询律师。",
        )
    )
    return Document(
        title="合同审查报告",
        subtitle=f"{report.filename or '上传的合同'}　审查时间：{shanghai(report.reviewed_at)}",
        blocks=blocks,
        footer=f"{site_name} 合同审查报告",
    )
