"""Verification pages (thin): the form, the shareable step-by-step result and its PDF report."""

from __future__ import annotations

from fastapi import APIRouter, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.api.deps import DbSession
from xinyong.api.threads import in_request_thread
from xinyong.api.urls import url_for
from xinyong.errors import XinyongError
from xinyong.verification.api import verify_and_record
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import get_verification
from xinyong.web.site import page

router = APIRouter(include_in_schema=False)


@router.get("/verifications", response_class=HTMLResponse)
def verification_form(request: Request, query: str = ""):
    """The form, filled in when a link names the firm (the agency directory's 核验 link)."""
    return page(request, "verification.html", v=None, error=None, query=query.strip()[:200])


@router.post("/verifications", response_class=HTMLResponse)
async def run_from_form(request: Request, query: str = Form(""), name: str = Form("")):
    """The form's one box takes a code or a name; the optional second box a name to match.
    Answered and recorded as the API answers (reused, batched): the form is how most visitors
    ask, and on its own path each answer was worked out and committed alone (bench/RESULTS.md)."""
    query = query.strip()
    as_code = query.isascii() and query.replace("-", "").isalnum()
    try:
        body = VerificationRequest(
            code=query if as_code else None, name=(name or None) if as_code else query or name
        )
        out, how = await verify_and_record(request, body)
    except XinyongError as exc:
        return page(
            request, "verification.html", status_code=exc.status, v=None, error=exc, query=query
        )
    # X-Cache as the API's answer has it: where the findings came from, for the server's metrics.
    return RedirectResponse(
        url_for(request, "verification_page", verification_id=out.id),
        status_code=303,
        headers={"x-cache": how},
    )


@router.get("/verifications/{verification_id}", response_class=HTMLResponse)
async def verification_page(request: Request, verification_id: str):
    """A stored result; the one this process has just recorded is made from memory, in the
    event loop (verification.api.JustRecorded)."""
    recorded = getattr(request.app.state, "just_recorded", None)
    kept = recorded.get(verification_id) if recorded is not None else None
    if kept is not None:
        return _result_page(request, kept, None)

    def stored():
        with request.app.state.sessions() as session:
            try:
                v, error = get_verification(session, verification_id), None
            except XinyongError as exc:
                v, error = None, exc
        return _result_page(request, v, error)

    return await in_request_thread(request, stored)


def _result_page(request: Request, v, error: XinyongError | None):
    return page(
        request,
        "verification.html",
        status_code=error.status if error else 200,
        v=v,
        error=error,
        url=str(request.url.remove_query_params("lang")),
    )


@router.post("/verifications/{verification_id}/report")
def issue_report(request: Request, verification_id: str, session: Session = DbSession):
    """A numbered report of the stored result; its page has the PDF and a QR code back to it."""
    from xinyong.documents.reports import issue_verification_report
    from xinyong.settings import get_settings

    try:
        report = issue_verification_report(session, verification_id, get_settings().site_name)
    except XinyongError as exc:
        return page(request, "verification.html", status_code=exc.status, v=None, error=exc)
    session.commit()
    return RedirectResponse(url_for(request, "report_page", number=report.number), status_code=303)
