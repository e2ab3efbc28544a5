"""The agency directory and fee API (/api/v1/agencies, /api/v1/fees): thin over the service."""

from __future__ import annotations

from decimal import Decimal

from fastapi import APIRouter, Depends, Query, Request, Response
from sqlalchemy.orm import Session

from xinyong.accounts.principal import QUESTION
from xinyong.agencies.fees import quote
from xinyong.agencies.schemas import (
    AgencyOut,
    CompareIn,
    ListingOut,
    PublishIn,
    QuoteIn,
    QuoteOut,
    ScheduleOut,
)
from xinyong.agencies.service import (
    Case,
    get_agency,
    list_agencies,
    publish_schedule,
    quoted_listing,
    schedule_history,
    schedule_in_force,
)
from xinyong.agencies.standing import verdict_of
from xinyong.api.cache import PUBLIC_DATA, cached_answer
from xinyong.api.deps import DbSession
from xinyong.api.operator import require_operator
from xinyong.errors import NotFound

router = APIRouter(prefix="/api/v1", tags=["agencies 机构与收费"])


@router.get("/agencies", response_model=list[AgencyOut], summary="机构名录 / Agency directory")
def get_agencies(
    service: str | None = Query(None, description="服务项目 / service, e.g. litigation"),
    district: str | None = Query(None, description="区县代码 / district code, e.g. 320706"),
    kind: str | None = Query(None, description="law_firm / mediation / auction …"),
    min_stars: int | None = Query(None, ge=1, le=5, description="最低星级 / at least N stars"),
    debt_amount: Decimal | None = Query(
        None, ge=0, max_digits=14, decimal_places=2, description="按此金额报价 / quote this debt"
    ),
    recovered_amount: Decimal | None = Query(None, ge=0, max_digits=14, decimal_places=2),
    hours: Decimal | None = Query(None, ge=0, max_digits=8, decimal_places=2),
    max_fee: Decimal | None = Query(
        None, ge=0, max_digits=14, decimal_places=2, description="收费不超过 / fee at most"
    ),
    sort: str = Query("name", description="name / price / effective_rate / stars"),
    descending: bool = False,
    include_unlisted: bool = Query(False, description="含未上架机构 / include unlisted"),
    session: Session = DbSession,
) -> list[AgencyOut]:
    case = Case(debt_amount, recovered_amount, hours) if debt_amount is not None else None
    views = list_agencies(
        session,
        service=service,
        district=district,
        kind=kind,
        min_stars=min_stars,
        case=case,
        max_fee=max_fee,
        sort=sort,
        descending=descending,
        include_unlisted=include_unlisted,
    )
    return [AgencyOut.of(v) for v in views]


@router.get("/agencies/{code}", response_model=AgencyOut, summary="机构详情 / Agency profile")
def get_agency_profile(code: str, session: Session = DbSession) -> AgencyOut:
    return AgencyOut.of(get_agency(session, code))


@router.get(
    "/agencies/{code}/fee-schedules",
    response_model=list[ScheduleOut],
    summary="收费标准历史版本 / Fee schedule versions",
)
def get_schedules(code: str, session: Session = DbSession) -> list[ScheduleOut]:
    return [ScheduleOut.of(s) for s in schedule_history(session, code)]


@router.post(
    "/agencies/{code}/fee-schedules",
    response_model=ScheduleOut,
    status_code=201,
    summary="发布收费标准 / Publish a fee schedule",
)
def post_schedule(
    code: str,
    body: PublishIn,
    session: Session = DbSession,
    _operator: None = Depends(require_operator),
) -> ScheduleOut:
    published = publish_schedule(
        session,
        code,
        body.schedule,
        effective_from=body.effective_from,
        effective_to=body.effective_to,
        title=body.title,
    )
    session.commit()
    return ScheduleOut.of(published)


@router.post(
    "/fees/quote",
    response_model=QuoteOut,
    summary="收费测算 / Fee quote",
    openapi_extra=QUESTION,
)
async def post_quote(body: QuoteIn, request: Request) -> Response:
    if body.schedule is not None:
        q = quote(
            body.schedule, body.debt_amount, body.recovered_amount, body.hours, kind=body.kind
        )
        return Response(QuoteOut.of(q).model_dump_json(), media_type="application/json")
    # An agency's quote reads its schedule in force and says whether the agency is listed,
    # by its verification: the same question at the same data generation (a published
    # schedule moves the change feed) has the same answer, so it is cached like the public
    # reads, and carried past court records (api/carry.py) that name neither the agency nor
    # its people, what its verification rests on.
    firms: set[str] = set()
    cache = getattr(request.app.state, "read_cache", None)
    return await cached_answer(
        request,
        lambda session: _agency_quote(session, body, firms, cache),
        PUBLIC_DATA,
        body=body.model_dump_json(),
        firms=firms,
    )


def _agency_quote(session: Session, body: QuoteIn, firms: set[str], cache) -> QuoteOut:
    agency, schedule = schedule_in_force(session, body.agency, on=body.on)
    firms.add(agency.credit_code)
    if schedule is None:
        raise NotFound(
            f"{agency.name} 没有在该日期有效的收费标准",
            f"{agency.name} has no fee schedule in force on that date",
        )
    # Listed or not by today's verification, whatever day the schedule is asked for: the
    # creditor hires today. The verification is the directory's, reused as a creditor's own
    # check of the agency is, and `firms` takes what it rests on.
    listing = quoted_listing(
        session, agency, schedule, verdict_of(session, agency.credit_code, cache, firms)
    )
    q = quote(
        schedule.schedule,
        body.debt_amount,
        body.recovered_amount,
        body.hours,
        kind=agency.kind,
    )
    return QuoteOut.of(
        q,
        agency=agency.credit_code,
        agency_name=agency.name,
        schedule_version=schedule.version,
        standing=ListingOut.of(listing),
    )


@router.post(
    "/fees/compare",
    response_model=list[AgencyOut],
    summary="同一案件比较各机构收费 / Compare agencies' fees for one case",
    openapi_extra=QUESTION,
)
def post_compare(body: CompareIn, session: Session = DbSession) -> list[AgencyOut]:
    views = list_agencies(
        session,
        service=body.service,
        district=body.district,
        kind=body.kind,
        min_stars=body.min_stars,
        case=Case(body.debt_amount, body.recovered_amount, body.hours),
        max_fee=body.max_fee,
        sort=body.sort,
        descending=body.descending,
    )
    return [AgencyOut.of(v) for v in views]
