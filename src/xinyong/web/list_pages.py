"""Public list pages (thin): red and black lists with search, one entry with the party's objection
and repair forms, and the applicant's progress page."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from xinyong.api.deps import DbSession
from xinyong.errors import InvalidInput, XinyongError
from xinyong.lists import lookups, objections, repairs
from xinyong.lists.clock import local_date
from xinyong.lists.config import load_policy
from xinyong.lists.operator import request_now
from xinyong.lists.schemas import (
    OFFICIAL_LABEL_EN,
    OFFICIAL_LABEL_ZH,
    Material,
    ObjectionIn,
    RepairIn,
)
from xinyong.lists.service import CORRECTABLE
from xinyong.web.site import form_fields, page

router = APIRouter(include_in_schema=False)

PAGE_SIZE = 50
_BATCH = 500


def _published(session: Session, list_type: str | None, q: str, now) -> list:
    """Published entries of one list (or both), matching a code exactly or a name in part."""
    q = q.strip()
    code = q.upper() if q.isascii() and len(q) == 18 and q.isalnum() else None
    if code:
        return lookups.public_entries(session, list_type, now, _BATCH, 0, code)
    found, offset = [], 0
    # Published lists are short (hundreds of entries); reading them whole keeps the name
    # match simple and exact for every spelling the list holds.
    while batch := lookups.public_entries(session, list_type, now, _BATCH, offset):
        found += [e for e in batch if not q or q in e.subject_name]
        offset += _BATCH
    return found


@router.get("/lists", response_class=HTMLResponse)
def lists_page(
    request: Request,
    type: str = "",
    q: str = "",
    page_no: int = 1,
    session: Session = DbSession,
):
    now = request_now(request)
    list_type = type if type in ("red", "black") else None
    entries = [lookups.to_public(e) for e in _published(session, list_type, q[:200], now)]
    page_no = max(1, page_no)
    shown = entries[(page_no - 1) * PAGE_SIZE : page_no * PAGE_SIZE]
    return page(
        request,
        "lists.html",
        list_type=list_type,
        q=q.strip(),
        entries=shown,
        total=len(entries),
        page_no=page_no,
        page_size=PAGE_SIZE,
        as_of=local_date(now),
        label_zh=OFFICIAL_LABEL_ZH,
        label_en=OFFICIAL_LABEL_EN,
    )


def _entry_page(request, session, entry_id, code=None, status_code=200, **values):
    """The entry as anyone sees it once published, or as its party sees it with the notice's
    code before publication; with what the party may do now (object, apply for repair)."""
    now = request_now(request)
    policy = load_policy()
    entry = error = repair = None
    try:
        found = lookups.notified_entry(session, entry_id, code, now)
        entry = lookups.to_public(found, policy)
    except XinyongError as exc:
        error = exc
    notice_window = entry is not None and found.state == "approved"
    if entry is not None and not notice_window and entry.list_type == "black":
        # The repair service's own terms: the page offers only what the service accepts.
        repair = policy.repair_terms(entry.publicity_class, entry.decision_date)
    today = local_date(now)
    response = page(
        request,
        "list_entry.html",
        status_code=error.status if error else status_code,
        x=entry,
        error=error,
        entry_id=entry_id,
        code=code if notice_window else None,
        notice_window=notice_window,
        case_types=policy.objections.case_types,
        materials=policy.materials,
        answer_days=policy.objections.answer_within_working_days,
        wait_days=policy.notice.wait_working_days,
        repair=repair,
        repair_open=bool(repair and repair.repairable and today >= repair.earliest),
        repair_materials=(
            policy.repairs.case_types[entry.publicity_class].materials
            if repair and repair.repairable
            else []
        ),
        repair_days=policy.repairs.decide_within_working_days,
        **{"form": {}, "repair_form": {}, **values},
    )
    if notice_window:
        # Only the party holds this page's link: keep it out of shared caches.
        response.headers["cache-control"] = "no-store"
    return response


@router.get("/lists/progress", response_class=HTMLResponse)
def progress_form(request: Request, kind: str = "objection", id: str = ""):
    """Where an applicant follows an objection or a repair with the code its receipt gave."""
    return _progress_page(request, kind, id, None, None)


@router.post("/lists/progress", response_class=HTMLResponse)
def progress(
    request: Request, form: dict[str, str] = Depends(form_fields), session: Session = DbSession
):
    kind, number, code = (form.get(k, "").strip() for k in ("kind", "id", "query_code"))
    now = request_now(request)
    try:
        if kind not in PROGRESS_KINDS:
            raise InvalidInput(
                "请选择查询事项：异议或信用修复",
                "choose what to follow: an objection or a credit repair",
                field="kind",
            )
        if not number.isdigit() or len(number) > 18:
            raise InvalidInput(
                f"编号应为受理回执上的数字，而不是“{number[:40]}”",
                f"the number is the one on the receipt, digits only, not '{number[:40]}'",
                field="id",
            )
        if kind == "objection":
            case = objections.to_out(objections.get(session, int(number), code), now)
        else:
            case = repairs.to_out(repairs.get(session, int(number), code), now)
    except XinyongError as exc:
        return _progress_page(request, kind, number, None, exc)
    response = _progress_page(request, kind, number, case, None)
    response.headers["cache-control"] = "no-store"
    return response


# What the progress page follows: (Chinese, English).
PROGRESS_KINDS = {"objection": ("异议", "objection"), "repair": ("信用修复", "credit repair")}


def _progress_page(request, kind, number, case, error):
    policy = load_policy()
    return page(
        request,
        "list_progress.html",
        status_code=error.status if error else 200,
        kind=kind if kind in PROGRESS_KINDS else "objection",
        kinds=PROGRESS_KINDS,
        number=number,
        case=case,
        error=error,
        case_types=policy.objections.case_types,
        correctable=CORRECTABLE,
    )


@router.get("/lists/{entry_id}", response_class=HTMLResponse)
def list_entry_page(
    request: Request, entry_id: int, code: str | None = None, session: Session = DbSession
):
    return _entry_page(request, session, entry_id, code)


def _materials(form: dict[str, str]) -> list[Material]:
    """Materials are named on the form (file names); the originals go to the authority."""
    return [
        Material(kind=key.removeprefix("material_"), name=value.strip())
        for key, value in form.items()
        if key.startswith("material_") and value.strip()
    ]


def _form_problem(exc: ValidationError) -> tuple[str, str]:
    where = "；".join(f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors())
    return (f"请检查填写：{where}", f"check the form: {where}")


@router.post("/lists/{entry_id}/objection", response_class=HTMLResponse)
def file_objection(
    request: Request,
    entry_id: int,
    form: dict[str, str] = Depends(form_fields),
    session: Session = DbSession,
):
    """The party objects from the entry's page: published, or before publication with the
    notice's code (the page's hidden field carries it)."""
    code = form.get("code") or None
    now = request_now(request)
    try:
        # Only the entry the page showed: a hidden entry is answered as on the page.
        lookups.notified_entry(session, entry_id, code, now)
        data = ObjectionIn(
            entry_id=entry_id,
            case_type=form.get("case_type", ""),
            applicant_name=form.get("applicant_name", "").strip(),
            applicant_contact=form.get("applicant_contact", "").strip(),
            statement=form.get("statement", "").strip(),
            materials=_materials(form),
        )
        filed = objections.submit(session, data, now)
    except ValidationError as exc:
        problem = _form_problem(exc)
        return _entry_page(request, session, entry_id, code, 422, form=form, problem=problem)
    except XinyongError as exc:
        session.rollback()
        problem = (exc.message_zh, exc.message_en)
        return _entry_page(request, session, entry_id, code, exc.status, form=form, problem=problem)
    session.commit()
    received = objections.to_out(filed, now, reveal_code=True)
    return _entry_page(request, session, entry_id, code, 201, received=received)


@router.post("/lists/{entry_id}/repair", response_class=HTMLResponse)
def apply_for_repair(
    request: Request,
    entry_id: int,
    form: dict[str, str] = Depends(form_fields),
    session: Session = DbSession,
):
    """The party applies for credit repair from the published entry's page: the same service
    and the same checks (period, class, materials, one at a time) as POST /api/v1/repairs."""
    now = request_now(request)
    try:
        lookups.public_entry(session, entry_id, now)
        data = RepairIn(
            entry_id=entry_id,
            applicant_name=form.get("applicant_name", "").strip(),
            applicant_contact=form.get("applicant_contact", "").strip(),
            statement=form.get("statement", "").strip(),
            materials=_materials(form),
        )
        filed = repairs.submit(session, data, now)
    except ValidationError as exc:
        problem = _form_problem(exc)
        return _entry_page(
            request, session, entry_id, None, 422, repair_form=form, repair_problem=problem
        )
    except XinyongError as exc:
        session.rollback()
        problem = (exc.message_zh, exc.message_en)
        return _entry_page(
            request, session, entry_id, None, exc.status, repair_form=form, repair_problem=problem
        )
    session.commit()
    received = repairs.to_out(filed, now, reveal_code=True)
    return _entry_page(request, session, entry_id, None, 201, repair_received=received)
