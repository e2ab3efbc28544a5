"""The public 行政处罚 publication page (thin): decisions in their publicity period, searchable."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse
from pydantic import BaseModel
from sqlalchemy.orm import Session

from xinyong.api.deps import DbSession
from xinyong.lists.clock import local_date
from xinyong.lists.operator import request_now
from xinyong.penalties import publication
from xinyong.web.site import page

router = APIRouter(include_in_schema=False)


class PenaltiesQuery(BaseModel):
    q: str = ""
    page: int = 1


@router.get("/penalties", response_class=HTMLResponse)
def penalties_page(
    request: Request, params: Annotated[PenaltiesQuery, Query()], session: Session = DbSession
):
    today = local_date(request_now(request))
    found = publication.published(session, today, params.q, params.page)
    return page(
        request,
        "penalties.html",
        found=found,
        as_of=today,
        page_size=publication.PAGE_SIZE,
        max_pages=publication.MAX_PAGES,
    )
