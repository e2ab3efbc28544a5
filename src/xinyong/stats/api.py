"""Statistics API (thin): the figures the console's charts draw, for auditors and operators."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from sqlalchemy.orm import Session

from xinyong.accounts import roles as R
from xinyong.accounts.principal import Principal, require_role
from xinyong.api.deps import DbSession
from xinyong.lists.operator import request_now
from xinyong.stats.schemas import StatsOut
from xinyong.stats.service import period_of, platform_stats

router = APIRouter(tags=["stats 统计"])


@router.get(
    "/api/v1/stats",
    response_model=StatsOut,
    summary="平台统计（投诉同比、等级分布、时限达标、回收与周期）/ Platform statistics",
)
def stats(
    request: Request,
    first: str | None = Query(None, alias="from", max_length=7, description="YYYY-MM"),
    last: str | None = Query(None, alias="to", max_length=7, description="YYYY-MM"),
    _: Principal = Depends(require_role(R.AUDITOR, R.OPERATOR)),
    session: Session = DbSession,
) -> StatsOut:
    now = request_now(request)
    return platform_stats(session, period_of(first, last, now), now)
