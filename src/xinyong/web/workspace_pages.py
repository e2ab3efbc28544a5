"""Workspace pages (thin): the creditor's cases, complaints and watch list; the agency's profile, fee
schedule editor, cases and complaint inbox; the watch button of the enterprise page."""

from __future__ import annotations

from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, RedirectResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from xinyong.accounts import roles as R
from xinyong.accounts.principal import Principal, current_principal
from xinyong.agencies.rules import default_rules
from xinyong.agencies.schedule import METHOD_EN, METHOD_ZH, FeeSchedule
from xinyong.agencies.service import AgencyView, get_agency, publish_schedule, today_shanghai
from xinyong.agencies.validation import ScheduleInvalid, check_schedule
from xinyong.api.deps import DbSession
from xinyong.cases import complaints, workspace
from xinyong.cases.actors import Actor
from xinyong.cases.api import _uploads
from xinyong.cases.errors import FIELD_LABELS
from xinyong.cases.schemas import case_out, complaint_out
from xinyong.errors import InvalidInput, XinyongError, labelled
from xinyong.ledger.api import get_ledger_settings
from xinyong.ledger.config import LedgerSettings
from xinyong.lists.operator import request_now
from xinyong.watch import service as watch
from xinyong.web.site import page

router = APIRouter(include_in_schema=False)
BAND_ROWS = 5  # rows in the editor; empty ones are left out
FIXED_ROWS = 3


def _login(request: Request) -> RedirectResponse:
    return RedirectResponse(f"/login?next={request.url.path}", status_code=303)


def _denied(request: Request, principal: Principal, zh: str, en: str):
    return page(
        request, "workspace_denied.html", status_code=403, me=principal, need_zh=zh, need_en=en
    )


def _gate(request: Request, principal: Principal, role: str | None, zh: str = "", en: str = ""):
    """A browser sign-in (and the role, if one is named), or the response that turns it away."""
    if principal.anonymous:
        return _login(request)
    if principal.kind != "user" or (role is not None and not principal.has_role(role)):
        return _denied(request, principal, zh, en)
    return None


def _ctx(request: Request, principal: Principal, **values: Any) -> dict[str, Any]:
    return {"me": principal, "now": request_now(request), **values}


# --- the hub -----------------------------------------------------------------------------


@router.get("/workspace", response_class=HTMLResponse)
async def hub(request: Request):
    """Where a signed-in person works: the creditor or agency workspace, or the watch list."""
    principal = await current_principal(request)
    if denied := _gate(request, principal, None):
        return denied
    if principal.has_role(R.CREDITOR):
        return RedirectResponse("/workspace/creditor", status_code=303)
    if principal.has_role(R.AGENCY_MEMBER):
        return RedirectResponse("/workspace/agency", status_code=303)
    return RedirectResponse("/workspace/watch", status_code=303)


# --- creditor ----------------------------------------------------------------------------


def _creditor(session: Session, principal: Principal, code: str | None = None) -> Actor:
    orgs = workspace.creditor_orgs(session, principal.org_codes)
    chosen = [o for o in orgs if o.credit_code == code] if code else orgs[:1]
    if not chosen:
        raise InvalidInput(
            "creditor_code：您不是已批准的债权人机构成员",
            "creditor_code: you are not a member of an approved creditor organisation",
            field="creditor_code",
        )
    org = chosen[0]
    return Actor("creditor", org.credit_code, org.name, org.credit_code)


def _creditor_page(request, principal, session, status=200, **extra):
    creditor = _creditor(session, principal, request.query_params.get("org"))
    now = request_now(request)
    rows = workspace.creditor_cases(session, creditor.id)
    watched, alerts = watch.overview(session, principal.user_id)
    mine = workspace.creditor_complaints(session, creditor.id)
    files = complaints.evidence_of(session, [c.id for c in mine])
    return page(
        request,
        "workspace_creditor.html",
        status_code=status,
        **_ctx(
            request,
            principal,
            creditor=creditor,
            orgs=workspace.creditor_orgs(session, principal.org_codes),
            cases=[(case_out(r.case, now), r.last_progress) for r in rows],
            open_cases=[r.case for r in rows if r.case.agency_code],
            complaints=[complaint_out(c, now, files[c.id]) for c in mine],
            categories=complaints.CATEGORIES,
            watched=watched,
            alerts=alerts[:50],
            form=extra.pop("form", {}),
            error=extra.pop("error", None),
            **extra,
        ),
    )


@router.get("/workspace/creditor", response_class=HTMLResponse)
async def creditor_home(request: Request, session: Session = DbSession):
    principal = await current_principal(request)
    if denied := _gate(request, principal, R.CREDITOR, "债权人", "a creditor"):
        return denied
    return _creditor_page(request, principal, session)


def _entrust_page(request, principal, session, status=200, form=None, error=None):
    agencies = workspace.listed_agencies(session)
    code = (form or {}).get("agency_code") or request.query_params.get("agency") or ""
    chosen: AgencyView | None = None
    if code:
        try:
            chosen = get_agency(session, code)
        except XinyongError as exc:
            error = error or exc
    return page(
        request,
        "workspace_entrust.html",
        status_code=status,
        **_ctx(
            request,
            principal,
            agencies=agencies,
            chosen=chosen,
            form=form or {"agency_code": code},
            error=error,
            method_zh=METHOD_ZH,
            method_en=METHOD_EN,
        ),
    )


@router.get("/workspace/entrust", response_class=HTMLResponse)
async def entrust_form(request: Request, session: Session = DbSession):
    """Entrust a case: debtor, amount, agency and its fee schedule, accepted by the creditor."""
    principal = await current_principal(request)
    if denied := _gate(request, principal, R.CREDITOR, "债权人", "a creditor"):
        return denied
    return _entrust_page(request, principal, session)


def _money(text: str, field: str) -> Decimal:
    try:
        return Decimal((text or "").strip().replace(",", "").replace("，", ""))
    except InvalidOperation:
        raise InvalidInput(
            f"{field}：“{text}”不是金额（元，如 80000.00）",
            f"{field}: '{text}' is not an amount in yuan (e.g. 80000.00)",
            field=field,
        ) from None


def _date(text: str, field: str) -> date:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        raise InvalidInput(
            f"{field}：“{text}”不是日期（如 2026-03-31）",
            f"{field}: '{text}' is not a date (e.g. 2026-03-31)",
            field=field,
        ) from None


@router.post("/workspace/entrust", response_class=HTMLResponse)
async def entrust(
    request: Request,
    debtor_name: str = Form(""),
    debtor_code: str = Form(""),
    amount: str = Form(""),
    basis: str = Form(""),
    due_date: str = Form(""),
    agency_code: str = Form(""),
    contract_number: str = Form(""),
    schedule_version: str = Form(""),
    accept: str = Form(""),
    contract: UploadFile | None = File(None),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
):
    principal = await current_principal(request)
    if denied := _gate(request, principal, R.CREDITOR, "债权人", "a creditor"):
        return denied
    form = {
        "debtor_name": debtor_name,
        "debtor_code": debtor_code,
        "amount": amount,
        "basis": basis,
        "due_date": due_date,
        "agency_code": agency_code,
        "contract_number": contract_number,
    }
    uploads = await _uploads([contract] if contract else None)
    try:
        creditor = _creditor(session, principal, request.query_params.get("org"))
        version = int(schedule_version) if schedule_version.strip().isdigit() else None
        if not accept:
            version = None  # not ticked: the creditor has not accepted any version
        case = await run_in_threadpool(
            workspace.entrust_new_debt,
            session,
            creditor,
            debtor_name=debtor_name,
            debtor_code=debtor_code or None,
            amount=_money(amount, "amount"),
            basis=basis,
            due_date=_date(due_date, "due_date"),
            agency_code=agency_code,
            contract_number=contract_number,
            accepted_version=version,
            contract=uploads[0] if uploads else None,
            now=request_now(request),
            settings=settings,
        )
    except XinyongError as exc:
        session.rollback()
        shown = labelled(exc, FIELD_LABELS)
        return _entrust_page(request, principal, session, exc.status, form, shown)
    session.commit()
    return RedirectResponse(f"/cases/{case.id}", status_code=303)


@router.post("/workspace/complaints", response_class=HTMLResponse)
async def creditor_complaint(
    request: Request,
    case_id: str = Form(""),
    category: str = Form("other"),
    text: str = Form(""),
    files: list[UploadFile] | None = File(None),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
):
    """A creditor complains about the agency of one of its cases, followed in the workspace."""
    principal = await current_principal(request)
    if denied := _gate(request, principal, R.CREDITOR, "债权人", "a creditor"):
        return denied
    form = {"case_id": case_id, "category": category, "text": text}
    try:
        creditor = _creditor(session, principal, request.query_params.get("org"))
        case = None
        if case_id.strip().isdigit():
            from xinyong.cases.service import get_case, is_creditor

            case = get_case(session, int(case_id))
            if not is_creditor(case, creditor) or not case.agency_code:
                case = None
        if case is None:
            raise InvalidInput(
                "case_id：请选择您已委托的案件",
                "case_id: choose one of your entrusted cases",
                field="case_id",
            )
        complaints.file_complaint(
            session,
            agency_code=case.agency_code,
            complainant_kind="creditor",
            complainant_name=creditor.name,
            complainant_contact=principal.email,
            category=category,
            text=text,
            case_id=case.id,
            files=await _uploads(files),
            now=request_now(request),
            settings=settings,
            creditor=creditor,
        )
    except XinyongError as exc:
        session.rollback()
        return _creditor_page(request, principal, session, exc.status, form=form, error=exc)
    session.commit()
    return RedirectResponse("/workspace/creditor?filed=1#complaints", status_code=303)


# --- watch list --------------------------------------------------------------------------


@router.get("/workspace/watch", response_class=HTMLResponse)
async def watch_page(request: Request, session: Session = DbSession):
    """The watch list of anyone signed in (creditors see it in their workspace too)."""
    principal = await current_principal(request)
    if denied := _gate(request, principal, None):
        return denied
    watched, alerts = watch.overview(session, principal.user_id)
    return page(
        request,
        "workspace_watch.html",
        **_ctx(request, principal, watched=watched, alerts=alerts[:100]),
    )


@router.post("/workspace/watch/seen")
async def watch_seen(request: Request, session: Session = DbSession):
    principal = await current_principal(request)
    if denied := _gate(request, principal, None):
        return denied
    watch.mark_seen(session, principal.user_id, None, request_now(request))
    session.commit()
    back = "/workspace/creditor" if principal.has_role(R.CREDITOR) else "/workspace/watch"
    return RedirectResponse(f"{back}#watch", status_code=303)


def _watch_button(request: Request, principal: Principal, session: Session, code: str, **extra):
    code = code.strip().upper()
    watching = principal.kind == "user" and watch.is_watching(session, principal.user_id, code)
    fragment = request.headers.get("HX-Request") == "true"
    return page(
        request,
        "watch_button.html" if fragment else "watch_page.html",
        **_ctx(request, principal, code=code, watching=watching, **extra),
    )


@router.get("/watch/{code}", response_class=HTMLResponse)
async def watch_button(request: Request, code: str, session: Session = DbSession):
    """The enterprise page's watch button (an htmx fragment; a small page without script)."""
    principal = await current_principal(request)
    return _watch_button(request, principal, session, code)


@router.post("/watch/{code}", response_class=HTMLResponse)
async def watch_add(request: Request, code: str, session: Session = DbSession):
    principal = await current_principal(request)
    if denied := _gate(request, principal, None):
        return denied
    try:
        watch.add(session, principal.user_id, code, request_now(request))
    except XinyongError as exc:
        session.rollback()
        return _watch_button(request, principal, session, code, error=exc)
    session.commit()
    if request.headers.get("HX-Request") == "true":
        return _watch_button(request, principal, session, code, done="added")
    return RedirectResponse(f"/e/{code.strip().upper()}", status_code=303)


@router.post("/watch/{code}/remove", response_class=HTMLResponse)
async def watch_remove(request: Request, code: str, session: Session = DbSession):
    principal = await current_principal(request)
    if denied := _gate(request, principal, None):
        return denied
    watch.remove(session, principal.user_id, code)
    session.commit()
    if request.headers.get("HX-Request") == "true":
        return _watch_button(request, principal, session, code, done="removed")
    back = request.query_params.get("back") or ""
    target = back if back in ("/workspace/creditor", "/workspace/watch") else f"/e/{code}"
    return RedirectResponse(target, status_code=303)


# --- agency ------------------------------------------------------------------------------


def _agency(session: Session, principal: Principal, code: str | None) -> AgencyView:
    views = workspace.agency_orgs(session, principal.org_codes)
    chosen = [v for v in views if v.credit_code == (code or "").strip().upper()] if code else views
    if not chosen:
        raise InvalidInput(
            "org：您不是名录内已批准机构的成员",
            "org: you are not a member of an approved agency in the directory",
            field="org",
        )
    return chosen[0]


def _no_agency(request: Request, principal: Principal, error: XinyongError):
    """Signed in as an agency member, but of no agency in the directory: say so (not a denial)."""
    return page(
        request,
        "workspace_denied.html",
        status_code=404,
        me=principal,
        error=error,
        need_zh="",
        need_en="",
    )


def _agency_gate(request: Request, principal: Principal):
    return _gate(request, principal, R.AGENCY_MEMBER, "服务机构成员", "an agency member")


@router.get("/workspace/agency", response_class=HTMLResponse)
async def agency_home(request: Request, session: Session = DbSession):
    principal = await current_principal(request)
    if denied := _agency_gate(request, principal):
        return denied
    return _agency_page(request, principal, session)


def _agency_page(request, principal, session, status=200, error=None, answering=None, text=""):
    try:
        agency = _agency(session, principal, request.query_params.get("org"))
    except XinyongError as exc:
        return _no_agency(request, principal, exc)
    now = request_now(request)
    rows = workspace.agency_cases(session, agency.credit_code)
    inbox = workspace.agency_complaints(session, agency.credit_code)
    files = complaints.evidence_of(session, [c.id for c in inbox])
    return page(
        request,
        "workspace_agency.html",
        status_code=status,
        **_ctx(
            request,
            principal,
            agency=agency,
            orgs=workspace.agency_orgs(session, principal.org_codes),
            cases=[(case_out(r.case, now), r.last_progress) for r in rows],
            inbox=[complaint_out(c, now, files[c.id]) for c in inbox],
            categories=complaints.CATEGORIES,
            kinds=complaints.COMPLAINANTS,
            error=error,
            answering=answering,
            answer_text=text,
        ),
    )


@router.post("/workspace/agency/complaints/{complaint_id}/answer", response_class=HTMLResponse)
async def answer(
    request: Request,
    complaint_id: int,
    text: str = Form(""),
    files: list[UploadFile] | None = File(None),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
):
    principal = await current_principal(request)
    if denied := _agency_gate(request, principal):
        return denied
    try:
        c = complaints.get_complaint(session, complaint_id)
        agency = _agency(session, principal, c.agency_code)
        actor = Actor("agency", principal.actor, principal.name, agency.credit_code)
        complaints.respond(
            session,
            complaint_id,
            actor,
            text,
            await _uploads(files),
            request_now(request),
            settings,
        )
    except XinyongError as exc:
        session.rollback()
        return _agency_page(request, principal, session, exc.status, exc, complaint_id, text)
    session.commit()
    org = request.query_params.get("org")
    suffix = f"?org={org}&" if org else "?"
    return RedirectResponse(
        f"/workspace/agency{suffix}answered={complaint_id}#complaint-{complaint_id}",
        status_code=303,
    )


# --- the fee schedule editor ---------------------------------------------------------------


def _editor_rows(schedule: FeeSchedule | None) -> dict[str, Any]:
    """The schedule in force as the editor's form values (plus empty rows to add to)."""
    s = schedule
    c = s.commission if s else None
    bands = [
        {"from": str(b.lower), "to": "" if b.upper is None else str(b.upper), "rate": str(b.rate)}
        for b in (c.bands if c else [])
    ]
    bands += [{"from": "", "to": "", "rate": ""}] * max(BAND_ROWS - len(bands), 1)
    fixed = [
        {
            "name_zh": f.name_zh,
            "name_en": f.name_en,
            "amount": str(f.amount),
            "upfront": "yes" if f.upfront else "no",
        }
        for f in (s.fixed_fees if s else [])
    ]
    fixed += [{"name_zh": "", "name_en": "", "amount": "", "upfront": "no"}] * max(
        FIXED_ROWS - len(fixed), 1
    )
    e = s.expenses if s else None
    return {
        "title_zh": (s.title_zh if s else "") or "",
        "contract_template": (s.contract_template if s else "") or "",
        "method": c.method if c else "marginal",
        "basis": c.basis if c else "recovered",
        "contingency": c.contingency if c else True,
        "bands": bands,
        "hourly_min": str(s.hourly.min_rate) if s and s.hourly else "",
        "hourly_max": str(s.hourly.max_rate) if s and s.hourly else "",
        "fixed": fixed,
        "minimum_fee": str(s.minimum_fee) if s and s.minimum_fee is not None else "",
        "maximum_fee": str(s.maximum_fee) if s and s.maximum_fee is not None else "",
        "expenses": e.policy if e else "",
        "expenses_cap": str(e.cap) if e and e.cap is not None else "",
    }


async def _editor_form(request: Request) -> dict[str, Any]:
    """The posted editor as the same shape `_editor_rows` gives (the form is re-shown as sent)."""
    f = await request.form()

    def many(name: str) -> list[str]:
        return [str(v) for v in f.getlist(name)]

    bands = [
        {"from": a, "to": b, "rate": r}
        for a, b, r in zip(many("band_from"), many("band_to"), many("band_rate"), strict=False)
    ]
    fixed = [
        {"name_zh": a, "name_en": b, "amount": c, "upfront": d}
        for a, b, c, d in zip(
            many("fixed_name_zh"),
            many("fixed_name_en"),
            many("fixed_amount"),
            many("fixed_upfront"),
            strict=False,
        )
    ]
    get = lambda k, d="": str(f.get(k, d) or d).strip()  # noqa: E731
    return {
        "title_zh": get("title_zh"),
        "contract_template": get("contract_template"),
        "method": get("method", "marginal"),
        "basis": get("basis", "recovered"),
        "contingency": bool(f.get("contingency")),
        "bands": bands,
        "hourly_min": get("hourly_min"),
        "hourly_max": get("hourly_max"),
        "fixed": fixed,
        "minimum_fee": get("minimum_fee"),
        "maximum_fee": get("maximum_fee"),
        "expenses": get("expenses"),
        "expenses_cap": get("expenses_cap"),
        "effective_from": get("effective_from"),
    }


class _Where:
    """A problem of the form itself (a number that is not one), named like a schedule problem."""

    def __init__(self, zh: str, en: str, field: str) -> None:
        self.message_zh, self.message_en, self.item, self.band = zh, en, field, None


def _number(text: str, zh: str, en: str, field: str, out: list) -> str | None:
    text = text.strip().replace(",", "").replace("，", "").rstrip("%")
    if not text:
        return None
    try:
        Decimal(text)
    except InvalidOperation:
        out.append(_Where(f"{zh}：“{text}”不是数字", f"{en}: '{text}' is not a number", field))
        return None
    return text


def _schedule_of(form: dict[str, Any]) -> tuple[FeeSchedule | None, list]:
    """The form as a FeeSchedule, or the problems that stop it being one, each naming its field."""
    problems: list = []
    bands = []
    for i, b in enumerate(form["bands"], start=1):
        if not any(v.strip() for v in b.values()):
            continue
        n = len(bands) + 1
        lower = _number(b["from"], f"第 {n} 档 下限", f"band {n} from", f"band[{i}].from", problems)
        upper = _number(b["to"], f"第 {n} 档 上限", f"band {n} to", f"band[{i}].to", problems)
        rate = _number(b["rate"], f"第 {n} 档 费率", f"band {n} rate", f"band[{i}].rate", problems)
        if rate is None and b["rate"].strip() == "":
            problems.append(
                _Where(
                    f"第 {n} 档 费率：必填",
                    f"band {n} rate: required",
                    f"band[{i}].rate",
                )
            )
        bands.append({"from": lower or "0", "to": upper, "rate": rate or "0"})
    data: dict[str, Any] = {
        "title_zh": form["title_zh"] or None,
        "contract_template": form["contract_template"] or None,
    }
    if bands:
        data["commission"] = {
            "method": form["method"],
            "basis": form["basis"],
            "contingency": form["contingency"],
            "bands": bands,
        }
    lo = _number(form["hourly_min"], "计时收费 下限", "hourly minimum", "hourly_min", problems)
    hi = _number(form["hourly_max"], "计时收费 上限", "hourly maximum", "hourly_max", problems)
    if lo is not None or hi is not None:
        data["hourly"] = {"min_rate": lo or "0", "max_rate": hi or lo or "0"}
    fixed = []
    for i, row in enumerate(form["fixed"], start=1):
        if not any(v.strip() for k, v in row.items() if k != "upfront"):
            continue
        n = len(fixed) + 1
        amount = _number(
            row["amount"],
            f"第 {n} 项固定收费 金额",
            f"fixed fee {n} amount",
            f"fixed[{i}]",
            problems,
        )
        name_zh = row["name_zh"].strip()
        if not name_zh:
            problems.append(
                _Where(
                    f"第 {n} 项固定收费 名称：必填",
                    f"fixed fee {n} name: required",
                    f"fixed[{i}].name_zh",
                )
            )
        fixed.append(
            {
                "name_zh": name_zh or "-",
                "name_en": row["name_en"].strip() or name_zh or "-",
                "amount": amount or "0",
                "upfront": row["upfront"] == "yes",
            }
        )
    data["fixed_fees"] = fixed
    for key, zh, en in (
        ("minimum_fee", "最低收费", "minimum fee"),
        ("maximum_fee", "最高收费", "maximum fee"),
    ):
        value = _number(form[key], zh, en, key, problems)
        if value is not None:
            data[key] = value
    if form["expenses"]:
        cap = _number(
            form["expenses_cap"], "办案费用上限", "expenses cap", "expenses_cap", problems
        )
        data["expenses"] = {"policy": form["expenses"], "cap": cap}
    if problems:
        return None, problems
    try:
        return FeeSchedule.model_validate(data), []
    except ValidationError as exc:
        for err in exc.errors():
            where = ".".join(str(p) for p in err["loc"])
            problems.append(_Where(f"{where}：{err['msg']}", f"{where}: {err['msg']}", where))
        return None, problems


def _check(schedule: FeeSchedule, kind: str) -> tuple[list, list]:
    """The same check the publishing service runs: (problems, warnings)."""
    try:
        return [], check_schedule(schedule, kind)
    except ScheduleInvalid as exc:
        return exc.problems, []


def _fees_page(request, principal, session, agency, form, status=200, error=None, published=None):
    schedule, problems = _schedule_of(form)
    warnings: list = []
    if schedule is not None:
        problems, warnings = _check(schedule, agency.kind)
    rules = default_rules()
    return page(
        request,
        "workspace_fees.html",
        status_code=status,
        **_ctx(
            request,
            principal,
            agency=agency,
            form=form,
            problems=problems,
            warnings=warnings,
            templates_=rules.contract_templates,
            method_zh=METHOD_ZH,
            method_en=METHOD_EN,
            today=today_shanghai(request_now(request)),
            error=error,
            published=published,
        ),
    )


@router.get("/workspace/agency/fees", response_class=HTMLResponse)
async def fees_editor(request: Request, session: Session = DbSession):
    principal = await current_principal(request)
    if denied := _agency_gate(request, principal):
        return denied
    try:
        agency = _agency(session, principal, request.query_params.get("org"))
    except XinyongError as exc:
        return _no_agency(request, principal, exc)
    form = _editor_rows(agency.schedule.schedule if agency.schedule else None)
    # The version's own title (the directory and the history show it), unless the schedule
    # carries one: an edit that leaves the box alone must not publish an untitled version.
    if agency.schedule and not form["title_zh"]:
        form["title_zh"] = agency.schedule.title or ""
    form["effective_from"] = ""
    published = request.query_params.get("published")
    return _fees_page(request, principal, session, agency, form, published=published)


@router.post("/workspace/agency/fees/check", response_class=HTMLResponse)
async def fees_check(request: Request, session: Session = DbSession):
    """htmx: the editor as it is now, checked against the rules the API publishes by."""
    principal = await current_principal(request)
    if denied := _agency_gate(request, principal):
        return denied
    try:
        agency = _agency(session, principal, request.query_params.get("org"))
    except XinyongError as exc:
        return _no_agency(request, principal, exc)
    form = await _editor_form(request)
    schedule, problems = _schedule_of(form)
    warnings: list = []
    if schedule is not None:
        problems, warnings = _check(schedule, agency.kind)
    return page(
        request,
        "workspace_fee_check.html",
        **_ctx(request, principal, problems=problems, warnings=warnings, checked=True),
    )


@router.post("/workspace/agency/fees", response_class=HTMLResponse)
async def fees_publish(request: Request, session: Session = DbSession):
    """Publish the edited schedule as the agency's next version (refused with every problem)."""
    principal = await current_principal(request)
    if denied := _agency_gate(request, principal):
        return denied
    org = request.query_params.get("org")
    try:
        agency = _agency(session, principal, org)
    except XinyongError as exc:
        return _no_agency(request, principal, exc)
    form = await _editor_form(request)
    schedule, problems = _schedule_of(form)
    if schedule is None:
        return _fees_page(request, principal, session, agency, form, 422)
    try:
        effective = (
            _date(form["effective_from"], "effective_from") if form["effective_from"] else None
        )
        view = publish_schedule(
            session,
            agency.credit_code,
            schedule,
            effective_from=effective,
            title=form["title_zh"] or None,
            now=request_now(request),
        )
    except XinyongError as exc:
        session.rollback()
        return _fees_page(request, principal, session, agency, form, exc.status, exc)
    session.commit()
    suffix = f"org={org}&" if org else ""
    return RedirectResponse(
        f"/workspace/agency/fees?{suffix}published={view.version}", status_code=303
    )
