"""Operator console pages (thin): list proposals, objections, repairs and the sync dashboard."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.api.deps import get_session
from xinyong.errors import XinyongError
from xinyong.lists import lookups, objections, repairs, service
from xinyong.lists.models import STATES
from xinyong.lists.operator import request_now
from xinyong.lists.proposals import follow_ended_records, propose_from_events
from xinyong.lists.schemas import ObjectionDecisionIn, RepairDecisionIn
from xinyong.web.operator_session import resolve_caller, sign_in_redirect, signed_in
from xinyong.web.site import page

router = APIRouter(
    prefix="/operator", include_in_schema=False, dependencies=[Depends(resolve_caller)]
)

STATE_LABELS = {
    "proposed": ("待审核", "proposed"),
    "approved": ("已批准待公示", "approved"),
    "rejected": ("已驳回", "rejected"),
    "published": ("公示中", "published"),
    "expired": ("已到期", "expired"),
    "repaired": ("已修复", "repaired"),
    "revoked": ("已撤销", "revoked"),
}
ACTIONS = {"approve", "reject", "publish"}


def _done(path: str, zh: str, en: str) -> RedirectResponse:
    """Back to the list after an action (POST, redirect, GET), with what was done."""
    sep = "&" if "?" in path else "?"
    return RedirectResponse(f"{path}{sep}done={quote(zh)}&done_en={quote(en)}", status_code=303)


def _console(request: Request, name: str, who: str, status_code: int = 200, **values):
    return page(
        request,
        name,
        status_code=status_code,
        operator=who,
        # An account's forms carry its CSRF token; the token cookie needs none (SameSite=Strict).
        csrf=getattr(getattr(request.state, "principal", None), "csrf_token", None),
        done=(request.query_params.get("done"), request.query_params.get("done_en")),
        **values,
    )


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request, session: Session = Depends(get_session)):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    from xinyong.sources.config import load_sources
    from xinyong.sources.freshness import all_status

    return _console(
        request,
        "console.html",
        who,
        proposed=len(lookups.operator_entries(session, "proposed", limit=1000)),
        approved=len(lookups.operator_entries(session, "approved", limit=1000)),
        objections=len(objections.open_cases(session, 1000)),
        repairs=len(repairs.open_cases(session, 1000)),
        sources=all_status(session, load_sources()),
    )


def _entries_page(request, session, who, state, error=None):
    entries = [
        lookups.to_operator(session, e)
        for e in lookups.operator_entries(session, state or None, limit=200)
    ]
    return _console(
        request,
        "console_lists.html",
        who,
        status_code=error.status if error else 200,
        entries=entries,
        state=state,
        states=STATES,
        state_labels=STATE_LABELS,
        error=error,
    )


@router.get("/lists", response_class=HTMLResponse)
def proposals(request: Request, state: str = "proposed", session: Session = Depends(get_session)):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    return _entries_page(request, session, who, state if state in STATES else "")


@router.post("/lists/{entry_id}/{action}", response_class=HTMLResponse)
def decide_entry(
    request: Request,
    entry_id: int,
    action: str,
    reason: str = Form(""),
    state: str = Form("proposed"),
    session: Session = Depends(get_session),
):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    now = request_now(request)
    try:
        if action == "approve":
            service.approve(session, entry_id, who, reason.strip() or None, now)
        elif action == "reject":
            service.reject(session, entry_id, who, reason, now)
        elif action == "publish":
            service.publish(session, entry_id, who, now)
        else:
            raise XinyongError(
                f"未知操作“{action}”，可用：{'、'.join(sorted(ACTIONS))}",
                f"unknown action '{action}'; use one of {', '.join(sorted(ACTIONS))}",
            )
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _entries_page(request, session, who, state if state in STATES else "", exc)
    zh, en = {
        "approve": ("已批准，并已向当事人发出告知书", "approved; the party was sent its notice"),
        "reject": ("已驳回", "rejected"),
        "publish": ("已公示", "published"),
    }[action]
    return _done(
        f"/operator/lists?state={state}", f"名单信息 {entry_id}：{zh}", f"entry {entry_id}: {en}"
    )


@router.post("/rules", response_class=HTMLResponse)
def run_rules(request: Request, session: Session = Depends(get_session)):
    """Run the proposal rules over the alerts now, as the nightly job does."""
    if not signed_in(request):
        return sign_in_redirect(request)
    now = request_now(request)
    proposed, ended = propose_from_events(session, now), follow_ended_records(session, now)
    session.commit()
    return _done(
        "/operator/lists?state=proposed",
        f"规则提请 {len(proposed)} 条，随记录结束 {len(ended)} 条",
        f"{len(proposed)} proposed by the rules, {len(ended)} followed ended records",
    )


def _cases_page(request, session, who, error=None):
    now = request_now(request)
    return _console(
        request,
        "console_cases.html",
        who,
        status_code=error.status if error else 200,
        objections=[objections.to_out(o, now) for o in objections.open_cases(session, 200)],
        repairs=[repairs.to_out(r, now) for r in repairs.open_cases(session, 200)],
        error=error,
    )


@router.get("/cases", response_class=HTMLResponse)
def cases(request: Request, session: Session = Depends(get_session)):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    return _cases_page(request, session, who)


@router.post("/objections/{objection_id}", response_class=HTMLResponse)
def decide_objection(
    request: Request,
    objection_id: int,
    upheld: str = Form(""),
    reason: str = Form(""),
    outcome: str = Form(""),
    session: Session = Depends(get_session),
):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    try:
        body = ObjectionDecisionIn(
            upheld=upheld == "yes",
            reason=reason.strip(),
            outcome=(outcome or None) if upheld == "yes" else None,
        )
        objections.decide(session, objection_id, body, who, request_now(request))
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _cases_page(request, session, who, exc)
    except ValueError:
        return _cases_page(request, session, who, _reason_required())
    return _done(
        "/operator/cases", f"异议 {objection_id} 已处理", f"objection {objection_id} decided"
    )


@router.post("/repairs/{repair_id}", response_class=HTMLResponse)
def decide_repair(
    request: Request,
    repair_id: int,
    approved: str = Form(""),
    reason: str = Form(""),
    session: Session = Depends(get_session),
):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    try:
        body = RepairDecisionIn(approved=approved == "yes", reason=reason.strip())
        repairs.decide(session, repair_id, body, who, request_now(request))
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _cases_page(request, session, who, exc)
    except ValueError:
        return _cases_page(request, session, who, _reason_required())
    return _done("/operator/cases", f"信用修复 {repair_id} 已决定", f"repair {repair_id} decided")


def _reason_required() -> XinyongError:
    from xinyong.errors import InvalidInput

    return InvalidInput("请填写决定理由", "give the reason for the decision", field="reason")


@router.get("/syncs", response_class=HTMLResponse)
def syncs(request: Request, session: Session = Depends(get_session)):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    from xinyong.sources.config import load_sources
    from xinyong.sources.freshness import all_status

    return _console(request, "console_syncs.html", who, sources=all_status(session, load_sources()))


@router.get("/syncs/runs/{run_id}/rejects", response_class=HTMLResponse)
def run_rejects(request: Request, run_id: int, session: Session = Depends(get_session)):
    """An htmx fragment: the rejected rows of one run with their reasons."""
    if not signed_in(request):
        return sign_in_redirect(request)
    from xinyong.sources.freshness import rejects_of

    return page(request, "_rejects.html", run_id=run_id, rejects=rejects_of(session, run_id))


@router.post("/syncs/{name}", response_class=HTMLResponse)
def rerun(request: Request, name: str):
    """Re-run one source now, under the same lease as the scheduler (refused while one runs)."""
    if not signed_in(request):
        return sign_in_redirect(request)
    from xinyong.sources.config import get_source
    from xinyong.sources.scheduler import run_syncs

    try:
        result = run_syncs(request.app.state.engine, [get_source(name)])[0]
    except XinyongError as exc:
        return _done("/operator/syncs", f"{name}：{exc.message_zh}", f"{name}: {exc.message_en}")
    if result.ok:
        rows = sum(run.counts.rows_read for run in result.runs)
        return _done(
            "/operator/syncs",
            f"{name} 同步完成，读取 {rows} 行",
            f"{name} synced, {rows} rows read",
        )
    return _done(
        "/operator/syncs",
        f"{name} 同步失败：{result.error.message_zh}",
        f"{name} sync failed: {result.error.message_en}",
    )
