"""Verification pages (thin): a form that runs the three-step check, and the shareable record page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.api.deps import get_session
from xinyong.errors import XinyongError
from xinyong.settings import get_settings
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import SHANGHAI, get_verification, verify
from xinyong.web.pages import templates

router = APIRouter(include_in_schema=False)


@router.get("/verifications", response_class=HTMLResponse)
def verification_form(request: Request):
    return templates.TemplateResponse(
        request, "verification.html", {"settings": get_settings(), "v": None, "error": None}
    )


@router.post("/verifications", response_class=HTMLResponse)
def run_from_form(
    request: Request,
    query: str = Form(""),
    name: str = Form(""),
    session: Session = Depends(get_session),
):
    """The form's one box takes a code or a name; the optional second box a name to match."""
    query = query.strip()
    as_code = query.isascii() and query.replace("-", "").isalnum()
    try:
        body = VerificationRequest(
            code=query if as_code else None, name=(name or None) if as_code else query or name
        )
        out = verify(session, body)
    except XinyongError as exc:
        return templates.TemplateResponse(
            request,
            "verification.html",
            {"settings": get_settings(), "v": None, "error": exc},
            status_code=exc.status,
        )
    session.commit()
    return RedirectResponse(
        request.url_for("verification_page", verification_id=out.id), status_code=303
    )


@router.get("/verifications/{verification_id}", response_class=HTMLResponse)
def verification_page(
    request: Request, verification_id: str, session: Session = Depends(get_session)
):
    try:
        v, error = get_verification(session, verification_id), None
    except XinyongError as exc:
        v, error = None, exc
    return templates.TemplateResponse(
        request,
        "verification.html",
        {
            "settings": get_settings(),
            "v": v,
            "error": error,
            "url": str(request.url),
            "shanghai": SHANGHAI,
        },
        status_code=error.status if error else 200,
    )
