"""GET /api/v1/enterprises/{code}: the registry profile with provenance, now or as known on a date."""

from datetime import UTC, date, datetime, time

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from xinyong.api.deps import get_session
from xinyong.profile.service import EnterpriseProfile, enterprise_profile

router = APIRouter(prefix="/api/v1/enterprises", tags=["enterprises 企业"])


@router.get("/{code}", response_model=EnterpriseProfile, summary="企业档案 / Enterprise profile")
def get_enterprise(
    code: str,
    as_known_on: date | None = Query(
        None,
        description="回溯：该日结束时平台掌握的信息 / what we knew at the end of this day (UTC)",
    ),
    session: Session = Depends(get_session),
) -> EnterpriseProfile:
    at = datetime.combine(as_known_on, time.max, UTC) if as_known_on else None
    return enterprise_profile(session, code, at)
