"""Rating API (thin): one enterprise's grade with its explanation and history."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from xinyong.api.deps import DbSession
from xinyong.errors import NotFound
from xinyong.lists import stars
from xinyong.lists.operator import request_now
from xinyong.rating import service
from xinyong.rating.schemas import RatingOut

router = APIRouter(prefix="/api/v1", tags=["rating 信用评级"])


@router.get(
    "/ratings/{code}",
    response_model=RatingOut,
    summary="信用评级与预警 / Credit rating, warning colour and explanation",
)
def get_rating(request: Request, code: str, session: Session = DbSession) -> RatingOut:
    return service.view(session, code, request_now(request))


@router.get(
    "/agencies/recommended",
    summary="推荐服务机构（按星级认证标准计算）/ Recommended agencies, from the star criteria",
)
def get_recommended(request: Request, session: Session = DbSession) -> dict[str, Any]:
    criteria = stars.default_criteria()
    return {
        "criteria_version": criteria.version,
        "criteria_zh": criteria.title_zh,
        "criteria_en": criteria.title_en,
        "min_stars": criteria.recommended_min_stars,
        "items": [c.as_dict() for c in stars.recommended(session, request_now(request))],
    }


@router.get(
    "/agencies/{code}/stars",
    summary="星级认证及各项标准 / Star certification and each criterion",
)
def get_stars(request: Request, code: str, session: Session = DbSession) -> dict[str, Any]:
    found = stars.certify(session, [service.normalise_code(code)], request_now(request))
    if not found:
        raise NotFound(
            f"服务机构名录中没有代码为 {code} 的机构",
            f"no agency with code {code} in the directory",
        )
    return found[0].as_dict()
