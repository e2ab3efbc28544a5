"""GET /api/v1/enterprises/{code}: the registry profile with provenance, now or as known on a date."""

from datetime import UTC, date, datetime, time
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from xinyong.api import lanes
from xinyong.api.cache import PUBLIC_DATA, cached_answer
from xinyong.api.deps import DbSession
from xinyong.profile.related import related_enterprises
from xinyong.profile.schemas import RelatedEnterprises
from xinyong.profile.service import EnterpriseProfile, enterprise_profile, shown_firms

router = APIRouter(prefix="/api/v1/enterprises", tags=["enterprises 企业"])


class ProfileQuery(BaseModel):
    """The profile's query parameters (validated alike by the route and its lane)."""

    as_known_on: date | None = Field(
        None,
        description="回溯：该日结束时平台掌握的信息 / what we knew at the end of this day (UTC)",
    )


@router.get("/{code}", response_model=EnterpriseProfile, summary="企业档案 / Enterprise profile")
async def get_enterprise(
    request: Request, code: str, params: Annotated[ProfileQuery, Query()]
) -> Response:
    as_known_on = params.as_known_on
    at = datetime.combine(as_known_on, time.max, UTC) if as_known_on else None
    firms: set[str] = set()

    def compute(session: Session) -> EnterpriseProfile:
        profile = enterprise_profile(session, code, at)
        firms.update(shown_firms(profile))
        return profile

    # The profile also reads list entries and alerts, which move without the change feed:
    # its generation counts their decisions too (api/cache.py). Kept with the firms it shows,
    # it outlives writes about other firms (api/carry.py).
    return await cached_answer(request, compute, PUBLIC_DATA, firms=firms)


@router.get(
    "/{code}/related",
    response_model=RelatedEnterprises,
    summary="周边风险：关联企业 / Related enterprises (shared people, shareholding)",
)
def get_related(
    code: str,
    hops: int = Query(2, ge=1, le=2, description="关联层级 / links away (1 or 2)"),
    session: Session = DbSession,
) -> RelatedEnterprises:
    return related_enterprises(session, code, hops=hops)


# A miss of an anonymous profile is answered before routing (api/lanes.py).
lanes.register("/api/v1/enterprises/{code}", get_enterprise, ProfileQuery)
