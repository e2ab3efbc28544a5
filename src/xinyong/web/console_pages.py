"""Operator console pages (thin): list proposals, objections, repairs, the sync dashboard, agency
approvals, the outbox; statistics and the audit log also for auditors."""

from __future__ import annotations

from urllib.parse import quote, urlencode

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy.orm import Session

from xinyong.accounts import claims
from xinyong.accounts import service as accounts
from xinyong.accounts.models import ORG_STATE_NAMES
from xinyong.accounts.principal import client_ip
from xinyong.accounts.privacy import PURPOSES
from xinyong.accounts.roles import AUDITOR, ROLE_NAMES
from xinyong.alerts import service as alerts
from xinyong.api.deps import DbSession
from xinyong.cases import complaints
from xinyong.errors import InvalidInput, XinyongError
from xinyong.lists import lookups, notices, objections, open_cases, repairs, service
from xinyong.lists.clock import local_date
from xinyong.lists.config import load_policy
from xinyong.lists.models import STATES
from xinyong.lists.operator import request_now
from xinyong.lists.proposals import apply_rules
from xinyong.lists.schemas import ObjectionDecisionIn, RepairDecisionIn
from xinyong.paging import Page
from xinyong.stats import approvals, audit_log
from xinyong.stats.service import period_of, platform_stats
from xinyong.web.operator_session import (
    acting_principal,
    resolve_caller,
    sign_in_redirect,
    signed_in,
)
from xinyong.web.site import form_fields, page

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
# An entry's history as the operator reads it: each step the lists domain records (lists/).
EVENT_LABELS = {
    "proposed": ("提出", "proposed"),
    "approved": ("批准", "approved"),
    "notified": ("告知当事人", "party notified"),
    "rejected": ("驳回", "rejected"),
    "published": ("公示", "published"),
    "expired": ("公示期满", "expired"),
    "repaired": ("信用修复", "repaired"),
    "revoked": ("撤销", "revoked"),
    "corrected": ("更正", "corrected"),
    "objection_submitted": ("提出异议", "objection filed"),
    "objection_upheld": ("异议成立", "objection upheld"),
    "objection_rejected": ("异议不成立", "objection rejected"),
    "repair_submitted": ("申请信用修复", "repair requested"),
    "repair_repaired": ("准予信用修复", "repair granted"),
    "repair_rejected": ("不予信用修复", "repair refused"),
}
# Who proposed an entry: a list rule over the records, or an operator by hand.
ORIGIN_LABELS = {
    "rule": ("规则提出", "proposed by a rule"),
    "operator": ("人工提出", "proposed by hand"),
}
ACTIONS = {"approve", "reject", "publish"}
EMPTY: Page = Page([], 0, 1, None, None)  # what a list shows when its filters are refused


def _done(path: str, zh: str, en: str) -> RedirectResponse:
    """Back to the list after an action (POST, redirect, GET), with what was done."""
    path, hash_, anchor = path.partition("#")
    sep = "&" if "?" in path else "?"
    done = f"{path}{sep}done={quote(zh)}&done_en={quote(en)}{hash_}{anchor}"
    return RedirectResponse(done, status_code=303)


def _paging_query(request: Request) -> str:
    """The page's own paging cursors (`objection.after=…`), as `?…` or nothing: a decision posts
    them back with the form, so the operator returns to the page they decided on."""
    kept = {
        k: v
        for k, v in request.query_params.items()
        if k.endswith((".before", ".after")) and v.isdigit()
    }
    return f"?{urlencode(kept)}" if kept else ""


def _cursor(text: str | None) -> int | None:
    """A paging cursor from the address; one that is not a number starts at the newest."""
    return int(text) if text and text.isdigit() else None


def _console(request: Request, name: str, who: str, status_code: int = 200, **values):
    return page(
        request,
        name,
        status_code=status_code,
        operator=who,
        # Auditors see only the statistics and the audit log tabs.
        operates=signed_in(request) is not None,
        # An account's forms carry its CSRF token; the token cookie needs none (SameSite=Strict).
        csrf=getattr(getattr(request.state, "principal", None), "csrf_token", None),
        done=(request.query_params.get("done"), request.query_params.get("done_en")),
        **values,
    )


@router.get("", response_class=HTMLResponse)
def dashboard(request: Request, session: Session = DbSession):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    from xinyong.sources.config import load_sources
    from xinyong.sources.freshness import all_status

    # Each tile is a COUNT in its domain: exact however long the queue, and no row is loaded
    # (an agency applicant used to be loaded with its verification just to be counted).
    today = local_date(request_now(request))
    return _console(
        request,
        "console.html",
        who,
        proposed=lookups.count_entries(session, "proposed"),
        approved=lookups.count_awaiting_publication(session, today),
        objections=objections.count_open(session),
        repairs=repairs.count_open(session),
        agencies=accounts.count_organisations(session, "pending", kind="agency"),
        complaints=complaints.count_in(session, "escalated"),
        flags=alerts.count_alerts(session, "open"),
        disputes=claims.count_open_disputes(session),
        # The freshness table shows no record counts: not counted.
        sources=all_status(session, load_sources(), records=False),
    )


def _entries_page(request, session, who, state, error=None, entry_id=None):
    if entry_id is not None:
        # One entry, whatever its state: where an objection or a repair links to.
        try:
            found = [service.get_entry(session, entry_id)]
        except XinyongError as exc:
            found, error = [], error or exc
        shown = Page(found, len(found), 1, None, None)
    else:
        q = request.query_params
        shown = lookups.operator_page(
            session, state or None, before=_cursor(q.get("before")), after=_cursor(q.get("after"))
        )
    entries = shown.map(lambda e: lookups.to_operator(session, e))
    return _console(
        request,
        "console_lists.html",
        who,
        status_code=error.status if error else 200,
        entries=entries,
        state=state,
        states=STATES,
        state_labels=STATE_LABELS,
        event_labels=EVENT_LABELS,
        origin_labels=ORIGIN_LABELS,
        error=error,
        today=local_date(request_now(request)),
        wait_days=load_policy().notice.wait_working_days,
        one_entry=entry_id,
    )


@router.get("/lists", response_class=HTMLResponse)
def proposals(
    request: Request,
    state: str = "proposed",
    entry: int | None = None,
    session: Session = DbSession,
):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    if entry is not None:
        return _entries_page(request, session, who, "", entry_id=entry)
    return _entries_page(request, session, who, state if state in STATES else "")


@router.post("/lists/{entry_id}/{action}", response_class=HTMLResponse)
def decide_entry(
    request: Request,
    entry_id: int,
    action: str,
    reason: str = Form(""),
    state: str = Form("proposed"),
    session: Session = DbSession,
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
def run_rules(request: Request, session: Session = DbSession):
    """Run the proposal rules over the alerts now, as the nightly job does."""
    if not signed_in(request):
        return sign_in_redirect(request)
    now = request_now(request)
    proposed, ended = apply_rules(session, now)
    session.commit()
    return _done(
        "/operator/lists?state=proposed",
        f"规则提请 {len(proposed)} 条，随记录结束 {len(ended)} 条",
        f"{len(proposed)} proposed by the rules, {len(ended)} followed ended records",
    )


def _cases_page(request, session, who, error=None, form=None):
    now = request_now(request)
    policy = load_policy()
    q = request.query_params

    def cursors(prefix: str) -> dict[str, int | None]:
        return {
            "before": _cursor(q.get(f"{prefix}.before")),
            "after": _cursor(q.get(f"{prefix}.after")),
        }

    # Two queues on one page, each paged by its own cursors, oldest deadline first.
    return _console(
        request,
        "console_cases.html",
        who,
        status_code=error.status if error else 200,
        objections=open_cases.objections_page(session, **cursors("objection")).map(
            lambda o: objections.to_operator_out(session, o, now)
        ),
        repairs=open_cases.repairs_page(session, **cursors("repair")).map(
            lambda r: repairs.to_operator_out(session, r, now)
        ),
        materials=policy.materials,
        classes=policy.classes,
        correctable=service.CORRECTABLE,
        correction_rows=CORRECTION_ROWS,
        form=form or {},
        error=error,
        paging_query=_paging_query(request),
    )


# Fields one decision may correct at once: a class and its period often change together.
CORRECTION_ROWS = 3


def _corrections(form: dict[str, str]) -> dict[str, str]:
    """The corrections the operator filled in (field, new value); a field left unchosen is
    not a correction, and an empty list is refused by the service with the fields it takes."""
    found = {}
    for i in range(1, CORRECTION_ROWS + 1):
        field = form.get(f"correct_field_{i}", "").strip()
        if field:
            found[field] = form.get(f"correct_value_{i}", "").strip()
    return found


@router.get("/cases", response_class=HTMLResponse)
def cases(request: Request, session: Session = DbSession):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    return _cases_page(request, session, who)


@router.post("/objections/{objection_id}", response_class=HTMLResponse)
def decide_objection(
    request: Request,
    objection_id: int,
    form: dict[str, str] = Depends(form_fields),
    session: Session = DbSession,
):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    upheld, outcome = form.get("upheld", "") == "yes", form.get("outcome", "")
    try:
        body = ObjectionDecisionIn(
            upheld=upheld,
            reason=form.get("reason", "").strip(),
            outcome=(outcome or None) if upheld else None,
            corrections=_corrections(form) if upheld and outcome == "correct" else None,
        )
        objections.decide(session, objection_id, body, who, request_now(request))
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _cases_page(request, session, who, exc, {**form, "objection": objection_id})
    except ValueError:
        return _cases_page(
            request, session, who, _reason_required(), {**form, "objection": objection_id}
        )
    return _done(
        f"/operator/cases{_paging_query(request)}#objections",
        f"异议 {objection_id} 已处理",
        f"objection {objection_id} decided",
    )


@router.post("/repairs/{repair_id}", response_class=HTMLResponse)
def decide_repair(
    request: Request,
    repair_id: int,
    approved: str = Form(""),
    reason: str = Form(""),
    session: Session = DbSession,
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
    return _done(
        f"/operator/cases{_paging_query(request)}#repairs",
        f"信用修复 {repair_id} 已决定",
        f"repair {repair_id} decided",
    )


def _reason_required() -> XinyongError:
    return InvalidInput("请填写决定理由", "give the reason for the decision", field="reason")


@router.get("/syncs", response_class=HTMLResponse)
def syncs(request: Request, session: Session = DbSession):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    from xinyong.sources.config import load_sources
    from xinyong.sources.freshness import all_status, runs_page

    configs, q = load_sources(), request.query_params
    # Each source's runs page on their own: ?gsxt.before=… keeps the other sources' pages.
    runs = {
        name: runs_page(
            session,
            cfg,
            before=_cursor(q.get(f"{name}.before")),
            after=_cursor(q.get(f"{name}.after")),
        )
        for name, cfg in configs.items()
    }
    return _console(
        request,
        "console_syncs.html",
        who,
        sources=all_status(session, configs),
        runs=runs,
    )


@router.get("/syncs/runs/{run_id}/rejects", response_class=HTMLResponse)
def run_rejects(request: Request, run_id: int, session: Session = DbSession):
    """An htmx fragment: the rejected rows of one run with their reasons."""
    if not signed_in(request):
        return sign_in_redirect(request)
    from xinyong.sources.freshness import rejects_page

    q = request.query_params
    rejects = rejects_page(
        session, run_id, before=_cursor(q.get("before")), after=_cursor(q.get("after"))
    )
    return page(request, "_rejects.html", run_id=run_id, rejects=rejects)


@router.post("/syncs/{name}", response_class=HTMLResponse)
def rerun(request: Request, name: str):
    """Re-run one source now, under the same lease as the scheduler (refused while one runs)."""
    if not signed_in(request):
        return sign_in_redirect(request)
    from xinyong.sources.config import get_source
    from xinyong.sources.scheduler import run_syncs

    try:
        cfg = get_source(name)
        result = run_syncs(request.app.state.engine, [cfg])[0]
    except XinyongError as exc:
        return _done("/operator/syncs", f"{name}：{exc.message_zh}", f"{name}: {exc.message_en}")
    back = f"/operator/syncs#source-{name}"
    if result.ok:
        rows = sum(run.counts.rows_read for run in result.runs)
        return _done(
            back,
            f"{cfg.title_zh}已更新，读取 {rows} 行",
            f"{cfg.title_en} updated, {rows} rows read",
        )
    return _done(
        back,
        f"{cfg.title_zh}更新失败：{result.error.message_zh}",
        f"{cfg.title_en}: the update failed: {result.error.message_en}",
    )


# --- the outboxes: account messages and list notices ----------------------------------------


@router.get("/outbox", response_class=HTMLResponse)
def outbox(request: Request, session: Session = DbSession):
    """What the platform has told people: account messages of the default notifier (reset
    links) and the list notices (告知书, receipts and decisions), newest first."""
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    from xinyong.accounts import notify

    q = request.query_params
    return _console(
        request,
        "account_outbox.html",
        who,
        # Two lists, each paged on its own (notice.before=…, message.before=…).
        messages=notify.recent_page(
            session,
            before=_cursor(q.get("message.before")),
            after=_cursor(q.get("message.after")),
        ),
        list_notices=notices.outbox_page(
            session, before=_cursor(q.get("notice.before")), after=_cursor(q.get("notice.after"))
        ),
    )


# --- statistics (operators and auditors) ------------------------------------------------------


@router.get("/stats", response_class=HTMLResponse)
def stats_page(
    request: Request,
    first: str | None = Query(None, alias="from", max_length=7),
    last: str | None = Query(None, alias="to", max_length=7),
    session: Session = DbSession,
):
    """The figures of GET /api/v1/stats drawn with ECharts, each chart with its table."""
    if not (who := signed_in(request, AUDITOR)):
        return sign_in_redirect(request)
    now = request_now(request)
    error = None
    try:
        period = period_of(first or None, last or None, now)
    except XinyongError as exc:
        error, period = exc, period_of(now=now)
    stats = platform_stats(session, period, now)
    return _console(
        request,
        "console_stats.html",
        who,
        status_code=error.status if error else 200,
        stats=stats,
        figures=stats.model_dump(mode="json"),
        error=error,
    )


# --- platform risk flags (alerts) ----------------------------------------------------------------

ALERT_STATES = {state: (zh, state) for state, zh in alerts.STATUS_ZH.items()}  # open first


def _alerts_page(request, session, who, status="open", error=None, form=None):
    q = request.query_params
    return _console(
        request,
        "console_alerts.html",
        who,
        status_code=error.status if error else 200,
        alerts=alerts.alerts_page(
            session, status=status, before=_cursor(q.get("before")), after=_cursor(q.get("after"))
        ),
        status=status,
        states=ALERT_STATES,
        next_states=alerts.NEXT,
        action_names=alerts.ACTION_NAMES,
        error=error,
        form=form or {},
    )


@router.get("/alerts", response_class=HTMLResponse)
def alerts_page(request: Request, status: str = "open", session: Session = DbSession):
    """The platform's risk flags, open first: what the search results and profiles show until
    an operator dismisses one."""
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    return _alerts_page(request, session, who, status if status in ALERT_STATES else "open")


@router.post("/alerts/{alert_id}/decision", response_class=HTMLResponse)
def decide_alert(
    request: Request,
    alert_id: int,
    decision: str = Form(""),
    reason: str = Form(""),
    status: str = Form("open"),
    session: Session = DbSession,
):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    back = status if status in ALERT_STATES else "open"
    try:
        decided = alerts.decide(session, alert_id, decision, who, reason)
        session.commit()
    except XinyongError as exc:
        session.rollback()
        form = {"alert": alert_id, "reason": reason}
        return _alerts_page(request, session, who, back, error=exc, form=form)
    zh, en = ALERT_STATES[decided.status]
    return _done(
        f"/operator/alerts?status={back}",
        f"预警 {alert_id}：{zh}",
        f"alert {alert_id}: {en}",
    )


@router.post("/alerts/{alert_id}/restore", response_class=HTMLResponse)
def restore_alert(
    request: Request,
    alert_id: int,
    reason: str = Form(""),
    status: str = Form("dismissed"),
    session: Session = DbSession,
):
    """Undo a dismissal: the flag shows on the public pages again."""
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    back = status if status in ALERT_STATES else "dismissed"
    try:
        restored = alerts.restore(session, alert_id, who, reason)
        session.commit()
    except XinyongError as exc:
        session.rollback()
        form = {"alert": alert_id, "reason": reason}
        return _alerts_page(request, session, who, back, error=exc, form=form)
    zh, en = ALERT_STATES[restored.status]
    return _done(
        f"/operator/alerts?status={back}",
        f"预警 {alert_id} 已恢复为{zh}，风险提示重新显示",
        f"alert {alert_id} restored to {en}; its risk flag shows again",
    )


# --- agency approvals -------------------------------------------------------------------------


def _agencies_page(request, session, who, state="pending", error=None):
    return _console(
        request,
        "console_agencies.html",
        who,
        status_code=error.status if error else 200,
        applicants=approvals.queue(session, state, request_now(request)),
        state=state,
        states=approvals.STATES,
        org_states=ORG_STATE_NAMES,
        actions=audit_log.ACTION_NAMES,
        error=error,
    )


@router.get("/agencies", response_class=HTMLResponse)
def agencies_page(request: Request, state: str = "pending", session: Session = DbSession):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    return _agencies_page(request, session, who, state if state in approvals.STATES else "pending")


@router.post("/agencies/{org_id}/verify", response_class=HTMLResponse)
def verify_agency(request: Request, org_id: int, session: Session = DbSession):
    """Run the three-step verification of an applicant now (stored, shareable like any other)."""
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    try:
        out = approvals.verify_applicant(session, org_id, request_now(request))
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _agencies_page(request, session, who, error=exc)
    return _done(
        "/operator/agencies",
        f"三步核验完成：{out.verdict}",
        f"three-step verification done: {out.verdict_en}",
    )


@router.post("/agencies/{org_id}/decision", response_class=HTMLResponse)
def decide_agency(
    request: Request,
    org_id: int,
    decision: str = Form(""),
    reason: str = Form(""),
    session: Session = DbSession,
):
    if not (who := signed_in(request)):
        return sign_in_redirect(request)
    try:
        if decision not in ("approve", "reject"):
            raise InvalidInput(
                f"未知决定“{decision}”，应为 approve 或 reject",
                f"unknown decision '{decision}'; use approve or reject",
                field="decision",
            )
        org = approvals.decide(
            session,
            org_id,
            decision == "approve",
            reason,
            acting_principal(request),
            client_ip(request),
            request_now(request),
        )
        session.commit()
    except XinyongError as exc:
        session.rollback()
        return _agencies_page(request, session, who, error=exc)
    zh, en = ("已批准", "approved") if decision == "approve" else ("已驳回", "rejected")
    return _done("/operator/agencies", f"{org.name}：{zh}", f"{org.name}: {en}")


# --- the access audit log (operators and auditors) --------------------------------------------


@router.get("/audit", response_class=HTMLResponse)
def audit_page(
    request: Request,
    user: str = Query("", max_length=100),
    action: str = Query("", max_length=12),
    since: str = Query("", max_length=10),
    until: str = Query("", max_length=10),
    before: int | None = Query(None, ge=0),
    after: int | None = Query(None, ge=0),
    session: Session = DbSession,
):
    if not (who := signed_in(request, AUDITOR)):
        return sign_in_redirect(request)
    error, entries = None, EMPTY
    try:
        where = audit_log.AuditFilter(
            user=user or None,
            action=action or None,
            since=audit_log.parse_day(since, "since"),
            until=audit_log.parse_day(until, "until"),
        )
        entries = audit_log.page(session, where, before=before, after=after)
    except XinyongError as exc:
        error = exc
    return _console(
        request,
        "console_audit.html",
        who,
        status_code=error.status if error else 200,
        entries=entries,
        filters={"user": user, "action": action, "since": since, "until": until},
        actions=audit_log.ACTION_NAMES,
        purposes=PURPOSES,
        role_names=ROLE_NAMES,
        error=error,
    )
