"""Pydantic shapes of the agency and fee API: quotes, comparisons, profiles, publishing."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field, model_validator

from xinyong.agencies.fees import Quote
from xinyong.agencies.schedule import FeeSchedule
from xinyong.agencies.service import AgencyView, ScheduleView
from xinyong.agencies.standing import NOT_RATED_EN, NOT_RATED_ZH, Standing
from xinyong.agencies.validation import Problem

ROUNDING = (
    "每一行金额单独按四舍五入精确到分，合计为各行之和；实际费率 = 合计 ÷ 回收金额，"
    "四舍五入保留两位小数。/ Each line is rounded half-up to the fen on its own and the "
    "total is the sum of the lines; the effective rate is total ÷ amount recovered, "
    "rounded half-up to two decimals."
)


# Amounts exact to the fen and below a trillion yuan; hours to the hundredth.
_AMOUNT = dict(ge=0, max_digits=14, decimal_places=2)


class CaseIn(BaseModel):
    debt_amount: Decimal = Field(description="债务金额（元）/ debt amount, yuan", **_AMOUNT)
    recovered_amount: Decimal | None = Field(
        None,
        description="预计或实际回收金额（元），默认全额 / expected or actual recovery",
        **_AMOUNT,
    )
    hours: Decimal | None = Field(
        None, ge=0, max_digits=8, decimal_places=2, description="工时（小时）/ hours of work"
    )


class QuoteIn(CaseIn):
    agency: str | None = Field(None, description="机构统一社会信用代码 / an agency's credit code")
    schedule: FeeSchedule | None = Field(None, description="直接给出的收费标准 / inline schedule")
    kind: str | None = Field(
        None,
        description="内联收费标准的机构类别（决定适用的上限）/ agency kind for an inline schedule",
    )
    on: date | None = Field(None, description="按哪一天有效的收费标准 / schedule in force on")

    @model_validator(mode="after")
    def _one_schedule(self):
        if (self.agency is None) == (self.schedule is None):
            raise ValueError(
                "须给出 agency 或 schedule 之一 / give exactly one of agency or schedule"
            )
        return self


class CompareIn(CaseIn):
    service: str | None = None
    district: str | None = Field(None, description="区县行政区划代码 / district code")
    kind: str | None = None
    min_stars: int | None = Field(None, ge=1, le=5)
    max_fee: Decimal | None = Field(None, **_AMOUNT)
    sort: Literal["price", "effective_rate", "stars", "name"] = "price"
    descending: bool = False


class ProblemOut(BaseModel):
    rule: str
    message_zh: str
    message_en: str
    band: int | None = None
    item: str | None = None

    @classmethod
    def of(cls, p: Problem) -> ProblemOut:
        return cls(**p.as_dict())


class LineOut(BaseModel):
    kind: str
    text_zh: str
    text_en: str
    low: Decimal
    high: Decimal
    band: int | None = None


class NoteOut(BaseModel):
    zh: str
    en: str


class ListingOut(BaseModel):
    """Whether the agency quoted is listed in the directory, and why not: a creditor comparing
    prices must not pick an agency the platform's own verification finds unlawful."""

    listed: bool = Field(description="列入名录、可以委托 / listed: may be entrusted")
    verdict: str | None = Field(description="三步核验结论 / verdict (null: not in the registry)")
    verdict_en: str | None
    reason_zh: str | None = Field(description="核验结论所依据的首要理由 / the verdict's headline")
    reason_en: str | None
    verification_url: str | None = Field(description="核验依据 / the verification, to see why")
    notices: list[NoteOut] = Field(description="不予列入名录的原因与提示 / why not listed, notes")

    @classmethod
    def of(cls, v: AgencyView) -> ListingOut:
        verdict = v.standing.verdict
        return cls(
            listed=v.listed,
            verdict=verdict.label_zh if verdict else None,
            verdict_en=verdict.label_en if verdict else None,
            reason_zh=verdict.reason_zh if verdict else None,
            reason_en=verdict.reason_en if verdict else None,
            verification_url=verdict.record_url if verdict else None,
            notices=[NoteOut(zh=zh, en=en) for zh, en in v.notices],
        )


class QuoteOut(BaseModel):
    agency: str | None = None
    agency_name: str | None = None
    schedule_version: int | None = None
    standing: ListingOut | None = Field(
        None, description="所报价机构是否列入名录 / whether the agency quoted is listed"
    )
    debt_amount: Decimal
    recovered_amount: Decimal
    hours: Decimal
    lines: list[LineOut]
    total: Decimal = Field(description="合计（计时为区间时取上限）/ total (upper end of a range)")
    total_low: Decimal
    total_high: Decimal
    effective_rate: Decimal | None = Field(description="实际费率（%）/ effective rate, percent")
    effective_rate_low: Decimal | None
    effective_rate_high: Decimal | None
    summary_zh: str
    summary_en: str
    notes: list[NoteOut]
    breaches: list[ProblemOut]
    warnings: list[ProblemOut]
    rounding: str = ROUNDING

    @classmethod
    def of(cls, q: Quote, **extra: Any) -> QuoteOut:
        return cls(
            debt_amount=q.debt_amount,
            recovered_amount=q.recovered_amount,
            hours=q.hours,
            lines=[LineOut(**vars(line)) for line in q.lines],
            total=q.total_high,
            total_low=q.total_low,
            total_high=q.total_high,
            effective_rate=q.effective_rate_high,
            effective_rate_low=q.effective_rate_low,
            effective_rate_high=q.effective_rate_high,
            summary_zh=q.summary_zh,
            summary_en=q.summary_en,
            notes=[NoteOut(zh=zh, en=en) for zh, en in q.notes],
            breaches=[ProblemOut.of(p) for p in q.breaches],
            warnings=[ProblemOut.of(p) for p in q.warnings],
            **extra,
        )


class ScheduleOut(BaseModel):
    version: int
    effective_from: date
    effective_to: date | None
    title: str | None
    source: str
    published_at: datetime
    schedule: dict[str, Any]
    compliant: bool
    problems: list[ProblemOut]
    warnings: list[ProblemOut]

    @classmethod
    def of(cls, s: ScheduleView) -> ScheduleOut:
        return cls(
            version=s.version,
            effective_from=s.effective_from,
            effective_to=s.effective_to,
            title=s.title,
            source=s.source,
            published_at=s.known_from,
            schedule=s.schedule.model_dump(mode="json", by_alias=True, exclude_none=True),
            compliant=s.compliant,
            problems=[ProblemOut.of(p) for p in s.problems],
            warnings=[ProblemOut.of(p) for p in s.warnings],
        )


class StandingOut(BaseModel):
    """Filled by the verification, rating, lists and cases domains; null = not yet rated."""

    verdict: dict[str, Any] | None
    rating: str | None
    stars: int | None
    performance: dict[str, Any] | None
    # Records in force and list standing, as the search page tags them (profile/glance).
    records: dict[str, Any] | None = None
    not_rated_zh: str = NOT_RATED_ZH
    not_rated_en: str = NOT_RATED_EN

    @classmethod
    def of(cls, s: Standing) -> StandingOut:
        return cls(
            verdict=vars(s.verdict) if s.verdict else None,
            rating=s.rating,
            stars=s.stars,
            performance=vars(s.performance) if s.performance else None,
            records=s.records.model_dump() if s.records is not None else None,
        )


class AgencyOut(BaseModel):
    credit_code: str
    name: str
    kind: str
    kind_zh: str
    kind_en: str
    services: list[str]
    regions: list[str]
    phone: str | None
    address: str | None
    website: str | None
    description: str | None
    registered_name: str | None
    status: str | None
    division_code: str | None
    listed: bool
    notices: list[NoteOut]
    standing: StandingOut
    schedule: ScheduleOut | None
    quote: QuoteOut | None = None
    source: str
    as_of: date | None
    demo: bool

    @classmethod
    def of(cls, v: AgencyView) -> AgencyOut:
        return cls(
            credit_code=v.credit_code,
            name=v.name,
            kind=v.kind,
            kind_zh=v.kind_zh,
            kind_en=v.kind_en,
            services=v.services,
            regions=v.regions,
            phone=v.phone,
            address=v.address,
            website=v.website,
            description=v.description,
            registered_name=v.registered_name,
            status=v.status,
            division_code=v.division_code,
            listed=v.listed,
            notices=[NoteOut(zh=zh, en=en) for zh, en in v.notices],
            standing=StandingOut.of(v.standing),
            schedule=ScheduleOut.of(v.schedule) if v.schedule else None,
            quote=QuoteOut.of(v.quote, agency=v.credit_code, agency_name=v.name)
            if v.quote
            else None,
            source=v.source,
            as_of=v.as_of,
            demo=v.demo,
        )


class PublishIn(BaseModel):
    schedule: FeeSchedule
    effective_from: date | None = Field(
        None, description="默认今天 / default today (Asia/Shanghai)"
    )
    effective_to: date | None = Field(None, description="最后适用日 / last day in force")
    title: str | None = None
