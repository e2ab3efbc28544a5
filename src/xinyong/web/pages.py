"""Page routes (thin): home page with a code check, and a plain enterprise page."""

from __future__ import annotations

from pathlib import Path

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.api.deps import get_session
from xinyong.codes import check_code
from xinyong.errors import XinyongError
from xinyong.profile.service import enterprise_profile
from xinyong.rating.service import view as rating_view
from xinyong.registry.models import Enterprise
from xinyong.registry.service import profile
from xinyong.settings import get_settings

templates = Jinja2Templates(directory=Path(__file__).parent / "templates")
router = APIRouter(include_in_schema=False)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, code: str | None = None, session: Session = Depends(get_session)):
    check = check_code(code) if code else None
    found = None
    if check and check.valid:
        try:
            found = profile(session, check.code)
        except XinyongError:
            found = None
    count = session.scalar(select(func.count()).select_from(Enterprise))
    return templates.TemplateResponse(
        request,
        "home.html",
        {"settings": get_settings(), "code": code, "check": check, "found": found, "count": count},
    )


@router.get("/e/{code}", response_class=HTMLResponse)
def enterprise_page(request: Request, code: str, session: Session = Depends(get_session)):
    try:
        data = enterprise_profile(session, code)
        error = None
    except XinyongError as exc:
        data, error = None, exc
    rating = None
    if data:
        try:
            rating = rating_view(session, data.enterprise.credit_code)
        except XinyongError:  # the profile stands on its own; the grade is an extra
            rating = None
    return templates.TemplateResponse(
        request,
        "enterprise.html",
        {"settings": get_settings(), "p": data, "error": error, "code": code, "rating": rating},
        status_code=error.status if error else 200,
    )


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, session: Session = Depends(get_session)):
    from xinyong.sources.config import load_sources
    from xinyong.sources.freshness import all_status

    return templates.TemplateResponse(
        request,
        "sources.html",
        {"settings": get_settings(), "sources": all_status(session, load_sources())},
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(
    request: Request,
    status: str | None = "open",
    kind: str | None = None,
    session: Session = Depends(get_session),
):
    from xinyong.alerts.service import list_alerts

    alerts = list_alerts(session, status=status or None, kind=kind or None, limit=200)
    return templates.TemplateResponse(
        request,
        "alerts.html",
        {"settings": get_settings(), "alerts": alerts, "status": status, "kind": kind},
    )
