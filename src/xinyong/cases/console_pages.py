"""The operators' complaints pages (投诉处理, thin): the queue, one complaint, taking and resolving it."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.accounts.principal import client_ip
from xinyong.api.deps import DbSession
from xinyong.cases import complaints
from xinyong.cases.api import file_response
from xinyong.cases.schemas import complaint_out
from xinyong.errors import XinyongError
from xinyong.ledger.api import get_ledger_settings
from xinyong.ledger.config import LedgerSettings
from xinyong.lists.operator import request_now
from xinyong.web.operator_session import (
    acting_principal,
    resolve_caller,
    sign_in_redirect,
    signed_in,
)
from xinyong.web.site import page

HOME = "/operator/complaints"
router = APIRouter(prefix=HOME, include_in_schema=False, dependencies=[Depends(resolve_caller)])


def _console(request: Request, template: str, who: str, status_code: int = 200, **values):
    return page(
        request,
        template,
        status_code=status_code,
        operator=who,
        operates=True,
        # An account's forms carry its CSRF token; the token cookie needs none (SameSite=Strict).
        csrf=getattr(getattr(request.state, "principal", None), "csrf_token", None),
        done=(request.query_params.get("done"), request.query_params.get("done_en")),
        categories=complaints.CATEGORIES,
        kinds=complaints.COMPLAINANTS,
        **values,
    )


@router.get("", response_class=HTMLResponse)
def queue_page(request: Request, state: str = "open", session: Session = DbSession):
    """The queue: escalated complaints first, the oldest escalation at the top."""
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    state = state if state in complaints.QUEUE_STATES else "open"
    q, now = request.query_params, request_now(request)
    shown = complaints.operator_queue(session, state, before=q.get("before"), after=q.get("after"))
    return _console(
        request,
        "console_complaints.html",
        who,
        complaints=shown.map(lambda c: complaint_out(c, now)),
        state=state,
        states=complaints.QUEUE_STATES,
    )


def _complaint_page(
    request: Request,
    session: Session,
    who: str,
    complaint_id: int,
    error=None,
    form=None,
    complainant=None,
):
    c = complaints.get_complaint(session, complaint_id)
    items = complaints.evidence_of(session, [c.id])[c.id]
    return _console(
        request,
        "console_complaint.html",
        who,
        status_code=error.status if error else 200,
        c=complaint_out(c, request_now(request), items),
        holder=complaints.holder_of(c),
        history=complaints.history_view(c),
        history_names=complaints.HISTORY_NAMES,
        resolution_limit=complaints.RESOLUTION_LIMIT,
        error=error,
        form=form or {},
        complainant=complainant,
    )


@router.get("/{complaint_id}", response_class=HTMLResponse)
def complaint_page(request: Request, complaint_id: int, session: Session = DbSession):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    return _complaint_page(request, session, who, complaint_id)


@router.get("/{complaint_id}/files/{item_id}")
def complaint_file(
    request: Request,
    complaint_id: int,
    item_id: int,
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
):
    """A complaint's file for the console: the API's file route does not know the console's
    operator-token cookie."""
    if not signed_in(request):
        return sign_in_redirect(request)
    return file_response(complaints.evidence_file(session, complaint_id, item_id), settings)


def _done(complaint_id: int, zh: str, en: str) -> RedirectResponse:
    """Back to the complaint after an action (POST, redirect, GET), with what was done."""
    return RedirectResponse(
        f"{HOME}/{complaint_id}?done={quote(zh)}&done_en={quote(en)}", status_code=303
    )


@router.post("/{complaint_id}/take", response_class=HTMLResponse)
def take(
    request: Request,
    complaint_id: int,
    take_over_from: str = Form(""),
    session: Session = DbSession,
):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    try:
        c = complaints.take(
            session, complaint_id, who, request_now(request), take_over_from=take_over_from
        )
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _complaint_page(request, session, who, complaint_id, exc)
    return _done(c.id, f"已认领投诉 {c.id}", f"you hold complaint {c.id}")


@router.post("/{complaint_id}/complainant", response_class=HTMLResponse)
def complainant(request: Request, complaint_id: int, session: Session = DbSession):
    """Who complained and how to reach them: shown on this answer only, each time a line of
    the access audit log (a POST, so no link, prefetch or reload reads it unnoticed)."""
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    try:
        found = complaints.reveal_complainant(
            session, acting_principal(request), complaint_id, client_ip(request),
            request_now(request),
        )  # fmt: skip
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _complaint_page(request, session, who, complaint_id, exc)
    return _complaint_page(request, session, who, complaint_id, complainant=found)


@router.post("/{complaint_id}/resolve", response_class=HTMLResponse)
def resolve(
    request: Request,
    complaint_id: int,
    resolution: str = Form(""),
    session: Session = DbSession,
):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    try:
        c = complaints.resolve_complaint(
            session, complaint_id, who, resolution, request_now(request)
        )
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _complaint_page(request, session, who, complaint_id, exc, {"resolution": resolution})
    return _done(
        c.id,
        f"投诉 {c.id} 已办结，已通知投诉人",
        f"complaint {c.id} resolved; the complainant was told",
    )
