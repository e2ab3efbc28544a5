"""Case and complaint pages (thin): the live case page (with the steps its viewer may take:
progress, moving the case on, recoveries, closing), its timeline fragment, the complaint form, its status page (query code form, files, rating)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from urllib.parse import quote

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.accounts import roles as R
from xinyong.accounts.principal import Principal, current_principal
from xinyong.api.deps import DbSession
from xinyong.cases import complaints, console_pages, live, service, workspace
from xinyong.cases.actors import Actor
from xinyong.cases.api import _money, _uploads, complaint_filer, load_actor, reads_without_code
from xinyong.cases.errors import FIELD_LABELS
from xinyong.cases.models import Complaint
from xinyong.cases.schemas import case_out, complaint_out
from xinyong.errors import InvalidInput, NotFound, XinyongError, labelled
from xinyong.ledger.api import get_ledger_settings
from xinyong.ledger.config import LedgerSettings
from xinyong.lists.clock import local_date
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


# What a form's error names, by the field's label rather than its identifier.
RECOVERY_LABELS = {
    **FIELD_LABELS,
    "amount": ("回款金额", "Amount recovered"),
    "received_on": ("回款日期", "Date received"),
    "method": ("回款方式", "How it came in"),
}
# The actions' notices once done, by the case page's `done` query parameter.
DONE = {
    "state": (
        "案件已推进，已写入时间线并通知债权人。",
        "The case moved on; it is on the timeline and the creditor is told.",
    ),
    "closed": (
        "案件已结案，已写入时间线，受托机构在案件页上可见。",
        "The case is closed; it is on the timeline, where the agency sees it.",
    ),
    "recovery": (
        "回款已登记，服务费已按约定收费标准重新计算。",
        "The recovery is recorded and the fee worked out again under the agreed schedule.",
    ),
}


def _recovery_row(ev) -> dict:
    """One recovery as the case page lists it (recoveries recorded before the date and method
    were asked for have neither)."""
    data = ev.data or {}
    return {
        "id": ev.id,
        "received_on": data.get("received_on"),
        "method": data.get("method"),
        "amount": Decimal(data.get("amount", "0")),
        "note": ev.text,
        "at": ev.at,
        "by": ev.actor_name,
    }


def _live_parts(session: Session, case_id: int, actor: Actor, now) -> dict:
    """The case as the viewer sees it now, with what the cases service lets the viewer do."""
    case = service.get_case(session, case_id)
    return {
        "case": case_out(case, now),
        "actor": actor,
        "items": len(service.evidence_items(session, case_id)),
        "moves": service.next_states(case, actor),
        "can_record": service.may_record_recovery(case, actor),
        "can_post": service.may_post_progress(case, actor),
        "recoveries": [_recovery_row(e) for e in service.recoveries(session, case_id)],
        "methods": service.RECOVERY_METHODS,
        "today": local_date(now),
        "entrusted_on": local_date(case.entrusted_at) if case.entrusted_at else None,
    }


def _case_context(request: Request, session: Session, case_id: int, principal: Principal) -> dict:
    actor = load_actor(session, case_id, principal)
    entries = workspace.timeline(session, case_id)
    done = request.query_params.get("done")
    now = request_now(request)
    about = workspace.case_complaints(session, service.get_case(session, case_id), actor)
    return {
        **_live_parts(session, case_id, actor, now),
        "complaints": [complaint_out(c, now) for c in about],
        "categories": complaints.CATEGORIES,
        "entries": entries,
        "last_id": entries[-1].event.id if entries else 0,
        "csrf": principal.csrf_token,
        "posted": request.query_params.get("posted"),
        "done": DONE.get(done or ""),
    }


async def _case_page(request: Request, case_id: int, principal: Principal, failed=None):
    """The case page; `failed` = (which form, the error, what was typed) shows it back."""

    def load():
        with request.app.state.sessions() as session:
            return _case_context(request, session, case_id, principal)

    try:
        context = await run_in_threadpool(load)
    except XinyongError as exc:
        return _page(request, "cases_error.html", {"error": exc}, exc.status)
    if failed is None:
        return _page(request, "cases_case.html", context)
    which, error, form = failed
    context.update(failing=which, error=error, form=form, posted=None, done=None)
    return _page(request, "cases_case.html", context, error.status)


@router.get("/cases/{case_id}", response_class=HTMLResponse)
async def case_page(request: Request, case_id: int):
    """The case as its creditor or agency sees it; new events arrive over the live stream."""
    principal = await current_principal(request)
    return await _case_page(request, case_id, principal)


@router.get("/cases/{case_id}/timeline", response_class=HTMLResponse)
async def timeline_fragment(request: Request, case_id: int, after: int = 0):
    """The timeline items after `after`, rendered as on the page (with evidence and ledger proof
    status), and the page's parts that change with events: the live stream says an event
    arrived, this renders it and the case as it is now."""
    principal = await current_principal(request)

    def load():
        with request.app.state.sessions() as session:
            actor = load_actor(session, case_id, principal)
            return {
                **_live_parts(session, case_id, actor, request_now(request)),
                "entries": workspace.timeline(session, case_id, max(after, 0)),
                "case_id": case_id,
                "csrf": principal.csrf_token,
            }

    try:
        context = await run_in_threadpool(load)
    except XinyongError as exc:
        return _page(request, "cases_error.html", {"error": exc}, exc.status)
    return _page(request, "cases_live.html", context)


async def _act(request: Request, case_id: int, principal: Principal, which: str, form: dict, act):
    """Run one of the case page's actions in a session; on a domain error show the page again
    with the error (naming the field by its label) and what was typed."""
    if principal.anonymous:
        return RedirectResponse(f"/login?next=/cases/{case_id}", status_code=303)

    def run():
        with request.app.state.sessions() as session:
            actor = load_actor(session, case_id, principal)
            act(session, actor)
            session.commit()

    try:
        await run_in_threadpool(run)
    except XinyongError as exc:
        labels = RECOVERY_LABELS if which == "recovery" else FIELD_LABELS
        return await _case_page(request, case_id, principal, (which, labelled(exc, labels), form))
    live.notify_all(case_id)
    return None


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
    uploads = await _uploads(files)

    def act(session: Session, actor: Actor) -> None:
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

    form = {"text": text, "report": report}
    if shown := await _act(request, case_id, principal, "progress", form, act):
        return shown
    return RedirectResponse(f"/cases/{case_id}?posted=1#timeline", status_code=303)


@router.post("/cases/{case_id}/state", response_class=HTMLResponse)
async def state_submit(
    request: Request, case_id: int, to_state: str = Form(""), note: str = Form("")
):
    """The agency moves the case on (协商、调解、诉讼、结案); the creditor closes or withdraws it.
    The cases service decides who may go where."""
    principal = await current_principal(request)
    to_state = to_state.strip()

    def act(session: Session, actor: Actor) -> None:
        service.move(session, case_id, actor, to_state, note.strip() or None, request_now(request))

    def which() -> str:
        # The creditor's only move is its close form; the agency's is the move form.
        return "close" if principal.has_role(R.CREDITOR) and to_state == "closed" else "state"

    form = {"to_state": to_state, "note": note}
    if shown := await _act(request, case_id, principal, which(), form, act):
        return shown
    done = "closed" if to_state == "closed" else "state"
    return RedirectResponse(f"/cases/{case_id}?done={done}#timeline", status_code=303)


def _form_date(text: str, field: str) -> date | None:
    """A date field as typed (the browser sends 2026-03-05); empty means the service's default."""
    text = text.strip()
    if not text:
        return None
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(
            f"{field}：日期“{text}”无效，应写作 2026-03-05",
            f"{field}: '{text}' is not a date; write it as 2026-03-05",
            field=field,
        ) from None


@router.post("/cases/{case_id}/recoveries", response_class=HTMLResponse)
async def recovery_submit(
    request: Request,
    case_id: int,
    amount: str = Form(""),
    received_on: str = Form(""),
    method: str = Form(""),
    note: str = Form(""),
):
    """The agency records money recovered, when and how; the service works out the fee under
    the agreed schedule."""
    principal = await current_principal(request)

    def act(session: Session, actor: Actor) -> None:
        value = _money(amount, "amount")
        service.record_recovery(
            session,
            case_id,
            actor,
            value,
            note.strip() or None,
            request_now(request),
            method=method.strip(),
            received_on=_form_date(received_on, "received_on"),
        )

    form = {"amount": amount, "received_on": received_on, "method": method, "note": note}
    if shown := await _act(request, case_id, principal, "recovery", form, act):
        return shown
    return RedirectResponse(f"/cases/{case_id}?done=recovery#fee-row", status_code=303)


def _form_page(request: Request, session: Session, agency: str, form: dict, error, status=200):
    """The complaint form; an agency named in advance (from its page) is shown by its name."""
    named = None
    if agency:
        try:
            named = complaints.complained_agency(session, agency)
        except XinyongError as exc:
            if error is None:
                error, status = exc, exc.status
    return _page(
        request,
        "complaint_form.html",
        {
            "agency": agency,
            "named": named,
            "kinds": complaints.COMPLAINANTS,
            "categories": complaints.CATEGORIES,
            "error": error,
            "form": form,
        },
        status,
    )


@router.get("/complaints/new", response_class=HTMLResponse)
def complaint_form(request: Request, agency: str = "", session: Session = DbSession):
    return _form_page(request, session, agency.strip(), {}, None)


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
        return _form_page(request, session, agency_code, form, exc, exc.status)
    session.commit()
    return _status_page(request, session, c, code, new=True, status=201)


def _status_page(
    request, session, c, code, *, new=False, principal=None, error=None, status=200, form=None
):
    items = complaints.evidence_of(session, [c.id])[c.id]
    return _page(
        request,
        "complaint.html",
        {
            "c": complaint_out(c, request_now(request), items),
            "code": code,
            "new": new,
            "me": principal,
            # The complainant rates: with the code, or as the creditor that filed it signed in.
            "can_rate": bool(code) or _filer(principal, c) is not None,
            "can_escalate": complaints.may_escalate(c),
            "reason_limit": complaints.ESCALATION_REASON_LIMIT,
            "escalated": request.query_params.get("escalated"),
            "form": form or {},
            "error": error,
            "rated": request.query_params.get("rated"),
            "kinds": complaints.COMPLAINANTS,
            "categories": complaints.CATEGORIES,
        },
        status,
    )


_filer = complaint_filer


def _code_page(request, complaint_id: int, error=None, status=200):
    """Asks for the query code: the same page whether the complaint exists or not."""
    return _page(
        request, "complaint_code.html", {"complaint_id": complaint_id, "error": error}, status
    )


@router.get("/complaints/{complaint_id}", response_class=HTMLResponse)
def complaint_page(
    request: Request,
    complaint_id: int,
    code: str = "",
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
):
    """The complainant's status page (with the query code); the agency, the creditor that filed
    it and operators open it signed in."""
    code = code.strip()
    c = session.get(Complaint, complaint_id)
    if c is not None and reads_without_code(principal, c):
        return _status_page(request, session, c, "", principal=principal)
    if not code:
        return _code_page(request, complaint_id)
    try:
        c = complaints.with_code(session, complaint_id, code)
    except XinyongError as exc:
        return _code_page(request, complaint_id, exc, exc.status)
    return _status_page(request, session, c, code, principal=principal)


@router.post("/complaints/{complaint_id}/rating", response_class=HTMLResponse)
def complaint_rating(
    request: Request,
    complaint_id: int,
    code: str = Form(""),
    satisfaction: str = Form(""),
    note: str = Form(""),
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
):
    """满意 / 不满意: the complainant rates the answer (the complaints service)."""
    code = code.strip()
    c = session.get(Complaint, complaint_id)
    creditor = _filer(principal, c) if c is not None else None
    try:
        value = int(satisfaction) if satisfaction.strip().isdigit() else satisfaction
        complaints.rate(
            session,
            complaint_id,
            code,
            value,  # type: ignore[arg-type] - the service says what is wrong with it
            note,
            request_now(request),
            creditor=creditor,
        )
    except NotFound as exc:
        return _code_page(request, complaint_id, exc, exc.status)
    except XinyongError as exc:
        session.rollback()
        c = session.get(Complaint, complaint_id)
        return _status_page(
            request, session, c, code, principal=principal, error=exc, status=exc.status
        )
    session.commit()
    query = f"code={quote(code)}&rated=1" if code and creditor is None else "rated=1"
    return RedirectResponse(f"/complaints/{complaint_id}?{query}#rating", status_code=303)


# What the escalation form's errors name, by the field's label.
ESCALATION_LABELS = {"reason": ("申请平台介入的理由", "Why the platform should step in")}


@router.post("/complaints/{complaint_id}/escalation", response_class=HTMLResponse)
def complaint_escalation(
    request: Request,
    complaint_id: int,
    code: str = Form(""),
    reason: str = Form(""),
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
):
    """申请平台介入: the complainant, not satisfied with the answer, hands it to the operators."""
    code = code.strip()
    c = session.get(Complaint, complaint_id)
    creditor = _filer(principal, c) if c is not None else None
    try:
        complaints.escalate(
            session, complaint_id, code, reason, request_now(request), creditor=creditor
        )
    except NotFound as exc:
        return _code_page(request, complaint_id, exc, exc.status)
    except XinyongError as exc:
        session.rollback()
        c = session.get(Complaint, complaint_id)
        error = labelled(exc, ESCALATION_LABELS)
        return _status_page(
            request, session, c, code, principal=principal, error=error, status=exc.status,
            form={"reason": reason, "failing": "escalate"},
        )  # fmt: skip
    session.commit()
    query = f"code={quote(code)}&escalated=1" if code and creditor is None else "escalated=1"
    return RedirectResponse(f"/complaints/{complaint_id}?{query}#escalate", status_code=303)


# The operators' complaints pages hang off this router, as the claims pages off accounts'.
router.include_router(console_pages.router)
