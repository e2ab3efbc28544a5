"""Agency pages (thin): the directory, an agency's profile, the fee calculator and comparison."""

from __future__ import annotations

import functools
import json
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import FileResponse, HTMLResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from xinyong.agencies.fees import quote
from xinyong.agencies.importer import KINDS, SERVICES
from xinyong.agencies.money import is_fen_exact
from xinyong.agencies.schedule import METHOD_EN, METHOD_ZH, Band, Commission, FeeSchedule
from xinyong.agencies.service import SORTS, Case, get_agency, list_agencies, schedule_history
from xinyong.agencies.validation import ScheduleInvalid, compliance_problems, warnings
from xinyong.api import lanes
from xinyong.api.cache import AGENCY_DATA, page_answer
from xinyong.errors import XinyongError
from xinyong.lists.stars import certify, default_criteria
from xinyong.web.site import districts, page

STATIC = Path(__file__).parent / "static"
router = APIRouter(include_in_schema=False)


@functools.cache
def article_schedule(method: str) -> FeeSchedule:
    """The article's example, "30% below 50,000, 20% above", declared one way or the other
    (built once per method: pages only read it)."""
    return FeeSchedule(
        title_zh="文章示例：5 万元以下 30%，以上 20%",
        commission=Commission(
            method=method,
            bands=[Band(lower=0, upper=50000, rate=30), Band(lower=50000, rate=20)],
        ),
    )


def _amount(raw: str | None, default: Decimal | None) -> tuple[Decimal | None, str | None]:
    if raw is None or not raw.strip():
        return default, None
    try:
        value = Decimal(raw.strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        return default, f"“{raw}”不是数字 / '{raw}' is not a number"
    if value < 0 or not is_fen_exact(value):
        return default, (
            f"“{raw}”应为不小于 0、精确到分的金额 / '{raw}' must be ≥ 0 and exact to the fen"
        )
    return value, None


def _context(**values):
    return {"kinds": KINDS, "services": SERVICES, "districts": districts(), **values}


@router.get("/static/echarts.min.js")
def echarts_js():
    """Apache ECharts, vendored (Apache-2.0; see static/echarts.LICENSE.txt)."""
    return FileResponse(STATIC / "echarts.min.js", media_type="text/javascript")


class DirectoryQuery(BaseModel):
    """The directory's filters, the debt to price the agencies for, and its order."""

    service: str | None = None
    district: str | None = None
    kind: str | None = None
    amount: str | None = None
    sort: str = "name"
    unlisted: bool = False
    recommended: bool = False  # 推荐服务机构: the stars the published criteria ask for


@router.get("/agencies", response_class=HTMLResponse)
async def directory_page(request: Request, params: Annotated[DirectoryQuery, Query()]):
    service, district, kind, amount = params.service, params.district, params.kind, params.amount
    unlisted = params.unlisted
    min_stars = default_criteria().recommended_min_stars
    debt, error = _amount(amount, None)
    sort = params.sort if params.sort in SORTS else "name"
    if debt is None and sort in ("price", "effective_rate"):
        sort = "name"

    def render(session: Session):
        views, problem = [], error
        try:
            views = list_agencies(
                session,
                service=service or None,
                district=district or None,
                kind=kind or None,
                min_stars=min_stars if params.recommended else None,
                case=Case(debt) if debt is not None else None,
                sort=sort,
                include_unlisted=unlisted,
            )
        except XinyongError as exc:
            problem = exc.message
        return page(
            request,
            "agencies.html",
            **_context(
                views=views,
                service=service,
                district=district,
                kind=kind,
                amount=amount,
                sort=sort,
                unlisted=unlisted,
                recommended=params.recommended,
                min_stars=min_stars,
                error=problem,
            ),
        )

    # The agency pages are kept whole until what they show changes (api/cache.py AGENCY_DATA).
    return await page_answer(request, render, AGENCY_DATA)


@router.get("/agencies/{code}", response_class=HTMLResponse)
async def agency_page(request: Request, code: str):
    def render(session: Session):
        try:
            view = get_agency(session, code)
            history = schedule_history(session, code)
            # The stars' detail asks for the verdict the view's standing holds already: passed
            # on, not worked out again (a page miss ran the verification twice).
            verdict, verdicts = view.standing.verdict, None
            if "verification" in view.standing.sources:  # (None: not in the registry)
                verdicts = {view.credit_code: verdict.label_zh} if verdict is not None else {}
            [certification] = certify(session, [view.credit_code], verdicts=verdicts)
            error = None
        except XinyongError as exc:
            view, history, certification, error = None, [], None, exc
        return page(
            request,
            "agency.html",
            status_code=error.status if error else 200,
            **_context(
                v=view,
                history=history,
                certification=certification,
                criteria=default_criteria(),
                error=error,
                code=code,
            ),
        )

    return await page_answer(request, render, AGENCY_DATA)


def _curve(schedule: FeeSchedule, top: int, step: int) -> list[list[float]]:
    """(amount, fee) points for a chart, with both sides of every band edge."""
    xs = {Decimal(x) for x in range(0, top + 1, step)}
    for band in schedule.commission.bands if schedule.commission else []:
        if band.upper is not None and band.upper <= top:
            xs |= {band.upper, band.upper + Decimal("0.01")}
    return [[float(x), float(quote(schedule, x).total_high)] for x in sorted(xs)]


# The article's curves depend on nothing but the chart's range: a hundred quotes each, which
# were a fifth of the calculator page's time when drawn for every visit (bench/RESULTS.md).
@functools.lru_cache(maxsize=256)
def _article_curve(method: str, top: int, step: int) -> list[list[float]]:
    return _curve(article_schedule(method), top, step)


class CalculatorQuery(BaseModel):
    """The calculator's case (debt, recovered, hours), an agency to quote, and the comparison's
    filters and order."""

    debt: str | None = None
    recovered: str | None = None
    hours: str | None = None
    agency: str | None = None
    service: str | None = None
    district: str | None = None
    sort: str = "price"


@router.get("/fees", response_class=HTMLResponse)
async def calculator_page(request: Request, params: Annotated[CalculatorQuery, Query()]):
    debt, recovered, hours, agency = params.debt, params.recovered, params.hours, params.agency
    service, district = params.service, params.district
    sort = params.sort if params.sort in SORTS else "price"

    def render(session: Session):
        debt_amount, e1 = _amount(debt, Decimal(200000))
        recovered_amount, e2 = _amount(recovered, None)
        hours_value, e3 = _amount(hours, None)
        errors = [e for e in (e1, e2, e3) if e]
        case = Case(debt_amount, recovered_amount, hours_value)
        basis = recovered_amount if recovered_amount is not None else debt_amount
        # The article's example under both readings, for this very case.
        readings = []
        for method in ("marginal", "whole_amount"):
            schedule = article_schedule(method)
            readings.append(
                {
                    "method": method,
                    "label_zh": METHOD_ZH[method],
                    "label_en": METHOD_EN[method],
                    "quote": quote(schedule, debt_amount, recovered_amount, hours_value),
                    "warnings": warnings(schedule),
                    "law_firm": compliance_problems(schedule, "law_firm"),
                }
            )
        difference = readings[0]["quote"].total_high - readings[1]["quote"].total_high
        top = int(max(Decimal(200000), min(basis * 2, Decimal(2000000))))
        step = max(top // 80, 1)
        article_chart = {
            "marginal": _article_curve("marginal", top, step),
            "whole_amount": _article_curve("whole_amount", top, step),
            "case": float(basis),
        }
        try:
            compared = list_agencies(
                session, service=service or None, district=district or None, case=case, sort=sort
            )
        except XinyongError as exc:
            compared, errors = [], [*errors, exc.message]
        chosen, chosen_quote, chosen_error = None, None, None
        if agency:
            # The agency asked about is usually in the comparison already: its standing is read
            # once, not twice (the directory's standings are most of this page's cost).
            wanted = agency.strip().upper()
            chosen = next((v for v in compared if v.credit_code == wanted), None)
            try:
                chosen = chosen or get_agency(session, agency)
                if chosen.schedule is not None:
                    chosen_quote = quote(
                        chosen.schedule.schedule,
                        debt_amount,
                        recovered_amount,
                        hours_value,
                        kind=chosen.kind,
                    )
            except (XinyongError, ScheduleInvalid) as exc:
                chosen_error = exc.message
        compare_chart = [
            {
                "name": v.name,
                "low": float(v.quote.total_low),
                "high": float(v.quote.total_high),
                "url": f"/agencies/{v.credit_code}",
            }
            for v in compared
            if v.quote is not None
        ][:30]
        return page(
            request,
            "fees.html",
            **_context(
                debt=debt_amount,
                recovered=recovered_amount,
                hours=hours_value,
                raw={"debt": debt or "", "recovered": recovered or "", "hours": hours or ""},
                agency=agency or "",
                service=service,
                district=district,
                sort=sort,
                errors=errors,
                readings=readings,
                difference=difference,
                article_chart=json.dumps(article_chart),
                chosen=chosen,
                chosen_quote=chosen_quote,
                chosen_error=chosen_error,
                compared=compared,
                compare_chart=json.dumps(compare_chart, ensure_ascii=False),
            ),
        )

    return await page_answer(request, render, AGENCY_DATA)


# A miss of one of these pages, asked anonymously, is made before routing (api/lanes.py).
lanes.register("/agencies", directory_page, DirectoryQuery)
lanes.register("/agencies/{code}", agency_page)
lanes.register("/fees", calculator_page, CalculatorQuery)
