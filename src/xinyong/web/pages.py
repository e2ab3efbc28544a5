"""Page routes (thin): home and search, the enterprise profile, sources, alerts, templates."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import FileResponse, HTMLResponse, RedirectResponse
from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.accounts.roles import AUDITOR
from xinyong.api import lanes
from xinyong.api.cache import FRONT_DATA, PUBLIC_DATA, REGISTRY_DATA, kept_answer, page_answer
from xinyong.api.deps import DbSession
from xinyong.codes import check_code
from xinyong.errors import XinyongError
from xinyong.lists.clock import local_date
from xinyong.lists.lookups import public_entries, to_public
from xinyong.lists.operator import request_now
from xinyong.penalties import publication
from xinyong.profile.glance import at_a_glance
from xinyong.profile.related import PENALTY_YEARS
from xinyong.profile.service import enterprise_profile, shown_firms
from xinyong.registry.models import Enterprise
from xinyong.registry.service import industries, profile
from xinyong.search.service import checked_division, checked_statuses, search
from xinyong.sources.layouts import STATUS_EN
from xinyong.web.operator_session import resolve_caller, signed_in
from xinyong.web.site import STATIC, districts, page, templates

__all__ = ["router", "templates"]

router = APIRouter(include_in_schema=False)

STATUSES = {
    "存续,在业": ("存续（在业）", "active"),
    **{s: (s, STATUS_EN[s]) for s in ("吊销", "注销", "迁出")},
}
PAGE_SIZE = 20
SUGGESTIONS = 8
HOME_NEWEST = 5  # the front page's newest list entries and penalties
_STATIC_FILES = {
    "site.css": "text/css",
    "htmx.min.js": "text/javascript",
    "portal.js": "text/javascript",
    "favicon.svg": "image/svg+xml",
}
_CACHED = {"Cache-Control": "public, max-age=3600"}


@router.get("/static/site.css")
@router.get("/static/htmx.min.js")
@router.get("/static/portal.js")
@router.get("/static/favicon.svg")
def static_file(request: Request):
    """The site's own CSS, scripts and icon; htmx is vendored (0BSD, see static/htmx.LICENSE.txt)."""
    name = request.url.path.rsplit("/", 1)[-1]
    return FileResponse(
        STATIC / name,
        media_type=_STATIC_FILES[name],
        headers=_CACHED,
    )


@router.get("/favicon.ico")
def favicon():
    """Where a browser looks for the icon of a page that names none (an API answer opened in a
    tab): the site's icon, by a permanent redirect kept like the static files."""
    return RedirectResponse("/static/favicon.svg", status_code=301, headers=_CACHED)


class HomeQuery(BaseModel):
    """The front page's query: a code typed into its checker."""

    code: str | None = None


@router.get("/", response_class=HTMLResponse)
async def home(request: Request, params: Annotated[HomeQuery, Query()]):
    code = params.code

    def render(session: Session):
        check = check_code(code) if code else None
        found = None
        if check and check.valid:
            try:
                found = profile(session, check.code)
            except XinyongError:
                found = None
        # Counting a million rows was most of the front page's cost: the count is kept until
        # the data changes, as the search page's industries are, whichever language asks.
        count = kept_answer(request, session, ("page:count",), _count, int, REGISTRY_DATA)
        now = request_now(request)
        return page(
            request,
            "home.html",
            code=code,
            check=check,
            found=found,
            count=count,
            entries=[to_public(e) for e in public_entries(session, None, now, HOME_NEWEST)],
            penalties=publication.newest(session, local_date(now), HOME_NEWEST),
        )

    # The public pages here are kept whole until what they show changes (api/cache.py
    # cached_page): the front page shows the newest list entries and penalties besides the
    # registry's count.
    return await page_answer(request, render, FRONT_DATA)


def _count(session: Session) -> int:
    return session.scalar(select(func.count()).select_from(Enterprise)) or 0


class SearchPageQuery(BaseModel):
    """The search page's query: the words and the filters of its form, and the page asked."""

    q: str = ""
    division: str = ""
    status: str = ""
    industry: str = ""
    agencies: bool = False
    page: int = 1


@router.get("/search", response_class=HTMLResponse)
async def search_page(request: Request, params: Annotated[SearchPageQuery, Query()]):
    asked, division = params.q.strip()[:200], params.division
    firms: set[str] = set()

    def render(session: Session):
        result, error, glance = None, None, {}
        try:
            # The search's own checks, so the page and the API refuse the same filters alike;
            # here before any words are typed too.
            checked_division(division)
            checked_statuses(params.status)
        except XinyongError as exc:
            error = exc
        if asked and error is None:
            try:
                result = search(
                    session,
                    asked,
                    division=division or None,
                    status=params.status or None,
                    industry=params.industry or None,
                    agencies_only=params.agencies,
                    page=max(1, min(params.page, 1000)),
                    size=PAGE_SIZE,
                )
                glance = at_a_glance(session, [i.credit_code for i in result.items])
                firms.update(glance)
            except XinyongError as exc:
                error = exc
        return page(
            request,
            "search.html",
            status_code=error.status if error else 200,
            q=asked,
            result=result,
            glance=glance,
            penalty_years=PENALTY_YEARS,
            error=error,
            division=division,
            status_filter=params.status,
            industry=params.industry,
            agencies=params.agencies,
            districts=districts(),
            statuses=STATUSES,
            industries=kept_answer(
                request, session, ("page:industries",), industries, list[str], REGISTRY_DATA
            ),
            page_size=PAGE_SIZE,
        )

    # Each result's records and list standing move with the public generation, as a profile's
    # do; the page is kept with the firms it shows, so other firms' court records leave it be.
    return await page_answer(request, render, PUBLIC_DATA, firms)


class SuggestQuery(BaseModel):
    """What the visitor has typed so far."""

    q: str = ""


@router.get("/search/suggest", response_class=HTMLResponse)
async def suggest(request: Request, params: Annotated[SuggestQuery, Query()]):
    """An htmx fragment: the first few matches while the user types (asked at every pause in
    typing: the same prefixes come from every visitor)."""
    asked = params.q.strip()[:200]

    def render(session: Session):
        items = search(session, asked, size=SUGGESTIONS).items if asked else []
        return page(request, "_suggestions.html", q=asked, items=items)

    return await page_answer(request, render, REGISTRY_DATA)


@router.get("/e/{code}", response_class=HTMLResponse)
async def enterprise_page(request: Request, code: str):
    firms: set[str] = set()

    def render(session: Session):
        try:
            data, error = enterprise_profile(session, code), None
            firms.update(shown_firms(data))
        except XinyongError as exc:
            data, error = None, exc
        return page(
            request,
            "enterprise.html",
            status_code=error.status if error else 200,
            p=data,
            error=error,
            code=code,
            rating=data.rating if data else None,
        )

    # Its grade, list entries and risk flags move without the change feed, as the API's
    # profile does: the same generation, and kept with the firms it shows as that is.
    return await page_answer(request, render, PUBLIC_DATA, firms)


# A miss of one of these pages, asked anonymously, is made before routing (api/lanes.py).
lanes.register("/", home, HomeQuery)
lanes.register("/search", search_page, SearchPageQuery)
lanes.register("/search/suggest", suggest, SuggestQuery)
lanes.register("/e/{code}", enterprise_page)


@router.get("/sources", response_class=HTMLResponse)
def sources_page(request: Request, session: Session = DbSession):
    from xinyong.sources.config import load_sources
    from xinyong.sources.freshness import all_status

    return page(request, "sources.html", sources=all_status(session, load_sources()))


@router.get("/alerts", response_class=HTMLResponse, dependencies=[Depends(resolve_caller)])
def alerts_page(
    request: Request,
    status: str | None = "open",
    kind: str | None = None,
    session: Session = DbSession,
):
    """The platform's alerts: the public shape for everyone, the staff shape (dismissed ones,
    who decided, why) for operators and auditors (decision 0061)."""
    from xinyong.alerts.service import ACTION_NAMES, list_alerts

    staff = signed_in(request, AUDITOR) is not None
    error = None
    try:
        alerts = list_alerts(
            session, status=status or None, kind=kind or None, limit=200, full=staff
        )
    except XinyongError as exc:
        alerts, error = [], exc
    response = page(
        request,
        "alerts.html",
        status_code=error.status if error else 200,
        alerts=alerts,
        status=status,
        kind=kind,
        staff=staff,
        error=error,
        action_names=ACTION_NAMES,
    )
    response.headers["vary"] = "Cookie"
    if staff:
        response.headers["cache-control"] = "private, no-store"
    return response


@router.get("/templates", response_class=HTMLResponse)
def templates_page(request: Request):
    """Model documents to download, every published version, DOCX and PDF."""
    from xinyong.documents.templates import all_templates

    return page(request, "templates.html", groups=list(all_templates().values()))


def _include_portal_routers() -> None:
    # The portal's other page modules hang off this router, so the app includes pages once.
    from xinyong.web import console_pages, i18n, list_pages, operator_session, publication_pages

    for sub in (i18n, list_pages, publication_pages, operator_session, console_pages):
        router.include_router(sub.router)


_include_portal_routers()
