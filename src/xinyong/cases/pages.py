"""Case and complaint pages (thin): the live case page (with the agency's progress form), its
timeline fragment, the complaint form and status."""

from __future__ import annotations

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.accounts.principal import current_principal
from xinyong.api.deps import DbSession
from xinyong.cases import complaints, live, service, workspace
from xinyong.cases.api import _uploads, load_actor
from xinyong.cases.schemas import case_out, complaint_out
from xinyong.errors import XinyongError
from xinyong.ledger.api import get_ledger_settings
from xinyong.ledger.config import LedgerSettings
from xinyong.lists.operator import request_now
from xinyong.settings import get_settings
from xinyong.web.i18n import lang_of, translator
from xinyong.web.pages import templates

router = APIRouter(include_in_schema=False)


def _page(request: Request, name: str, context: dict, status: int = 200):
    lang = lang_of(request)
    context = {
        "settings": get_settings(),
        "lang": lang,
        "t": translator(lang),
        **context,
    }
    return templates.TemplateResponse(request, name, context, status_code=status)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: int):
    """The case as its creditor or agency sees it; new events arrive over the live stream."""
    principal = await current_principal(request)

    def load():
        with request.app.state.sessions() as session:
            actor = load_actor(session, case_id, principal)
            case = service.get_case(session, case_id)
            items = service.evidence_items(session, case_id)
            entries = workspace.timeline(session, case_id)
            return {
                "case": case_out(case, request_now(request)),
                "actor": actor,
                "entries": entries,
                "last_id": entries[-1].event.id if entries else 0,
                "items": len(items),
                "can_post": service.is_agency(case, actor)
                and case.state in (*service.OPEN_STATES, "recovered_fully"),
                "csrf": principal.csrf_token,
                "posted": request.query_params.get("posted"),
            }

    try:
        context = await run_in_threadpool(load)
    except XinyongError as exc:
        return _page(request, "cases_error.html", {"error": exc}, exc.status)
    return _page(request, "cases_case.html", context)


@router.get("/cases/{case_id}/timeline", response_class=HTMLResponse)
async def timeline_fragment(request: Request, case_id: int, after: int = 0):
    """The timeline items after `after`, rendered as on the page: the live stream says an event
    arrived, this renders it with its evidence and ledger proof status."""
    principal = await current_principal(request)

    def load():
        with request.app.state.sessions() as session:
            load_actor(session, case_id, principal)
            return workspace.timeline(session, case_id, max(after, 0))

    try:
        entries = await run_in_threadpool(load)
    except XinyongError as exc:
        return _page(request, "cases_error.html", {"error": exc}, exc.status)
    return _page(request, "cases_timeline.html", {"entries": entries, "case_id": case_id})


@router.post("/cases/{case_id}/progress", response_class=HTMLResponse)
async def progress_submit(
    request: Request,
    case_id: int,
    text: str = Form(""),
    report: str = Form(""),
    files: list[UploadFile] | None = File(None),
    settings: LedgerSettings = Depends(get_ledger_settings),
):
    """The agency posts progress with text and images from the case page (the cases service)."""
    principal = await current_principal(request)
    if principal.anonymous:
        return RedirectResponse(f"/login?next=/cases/{case_id}", status_code=303)
    uploads = await _uploads(files)

    def post():
        with request.app.state.sessions() as session:
            actor = load_actor(session, case_id, principal)
            service.post_progress(
                session,
                case_id,
                actor,
                text,
                uploads,
                report=bool(report),
                now=request_now(request),
                settings=settings,
            )
            session.commit()

    try:
        await run_in_threadpool(post)
    except XinyongError as exc:
        return _page(request, "cases_error.html", {"error": exc}, exc.status)
    live.notify_all(case_id)
    return RedirectResponse(f"/cases/{case_id}?posted=1#timeline", status_code=303)


@router.get("/complaints/new", response_class=HTMLResponse)
def complaint_form(request: Request, agency: str = ""):
    return _page(
        request,
        "complaint_form.html",
        {
            "agency": agency,
            "kinds": complaints.COMPLAINANTS,
            "categories": complaints.CATEGORIES,
            "error": None,
            "form": {},
        },
    )


@router.post("/complaints/new", response_class=HTMLResponse)
async def complaint_submit(
    request: Request,
    agency_code: str = Form(""),
    complainant_kind: str = Form(""),
    complainant_name: str = Form(""),
    complainant_contact: str = Form(""),
    category: str = Form("other"),
    text: str = Form(""),
    files: list[UploadFile] | None = File(None),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
):
    form = {
        "agency_code": agency_code,
        "complainant_kind": complainant_kind,
        "complainant_name": complainant_name,
        "complainant_contact": complainant_contact,
        "category": category,
        "text": text,
    }
    try:
        c, code = complaints.file_complaint(
            session,
            agency_code=agency_code,
            complainant_kind=complainant_kind,
            complainant_name=complainant_name,
            complainant_contact=complainant_contact,
            category=category,
            text=text,
            files=await _uploads(files),
            now=request_now(request),
            settings=settings,
        )
    except XinyongError as exc:
        return _page(
            request,
            "complaint_form.html",
            {
                "agency": agency_code,
                "kinds": complaints.COMPLAINANTS,
                "categories": complaints.CATEGORIES,
                "error": exc,
                "form": form,
            },
            exc.status,
        )
    session.commit()
    return _page(
        request,
        "complaint.html",
        {"c": complaint_out(c, request_now(request)), "code": code, "new": True, **_labels()},
        201,
    )


def _labels() -> dict:
    return {"kinds": complaints.COMPLAINANTS, "categories": complaints.CATEGORIES}


@router.get("/complaints/{complaint_id}", response_class=HTMLResponse)
def complaint_page(
    request: Request, complaint_id: int, code: str = "", session: Session = DbSession
):
    try:
        c = complaints.get_complaint(session, complaint_id)
        complaints.check_query_code(c, code)
    except XinyongError as exc:
        return _page(request, "cases_error.html", {"error": exc}, exc.status)
    return _page(
        request,
        "complaint.html",
        {"c": complaint_out(c, request_now(request)), "code": code, "new": False, **_labels()},
    )
