"""Public list pages (thin): red and black lists with search, and one published entry."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse
from pydantic import ValidationError
from sqlalchemy.orm import Session

from xinyong.api.deps import DbSession
from xinyong.errors import XinyongError
from xinyong.lists import lookups, objections
from xinyong.lists.clock import local_date
from xinyong.lists.config import load_policy
from xinyong.lists.operator import request_now
from xinyong.lists.schemas import OFFICIAL_LABEL_EN, OFFICIAL_LABEL_ZH, Material, ObjectionIn
from xinyong.web.site import page

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


def _entry_page(request, session, entry_id, status_code=200, **values):
    try:
        now = request_now(request)
        entry, error = lookups.to_public(lookups.public_entry(session, entry_id, now)), None
    except XinyongError as exc:
        entry, error = None, exc
    policy = load_policy()
    return page(
        request,
        "list_entry.html",
        status_code=error.status if error else status_code,
        x=entry,
        error=error,
        entry_id=entry_id,
        case_types=policy.objections.case_types,
        materials=policy.materials,
        **values,
    )


@router.get("/lists/{entry_id}", response_class=HTMLResponse)
def list_entry_page(request: Request, entry_id: int, session: Session = DbSession):
    return _entry_page(request, session, entry_id, form={})


@router.post("/lists/{entry_id}/objection", response_class=HTMLResponse)
async def file_objection(request: Request, entry_id: int, session: Session = DbSession):
    """The party objects from the entry's page; materials are named here, kept by the office."""
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    given = [
        Material(kind=key.removeprefix("material_"), name=value.strip())
        for key, value in form.items()
        if key.startswith("material_") and value.strip()
    ]
    try:
        data = ObjectionIn(
            entry_id=entry_id,
            case_type=form.get("case_type", ""),
            applicant_name=form.get("applicant_name", "").strip(),
            applicant_contact=form.get("applicant_contact", "").strip(),
            statement=form.get("statement", "").strip(),
            materials=given,
        )
        filed = objections.submit(session, data, request_now(request))
    except ValidationError as exc:
        where = "；".join(f"{'.'.join(map(str, e['loc']))}：{e['msg']}" for e in exc.errors())
        problem = (f"请检查填写：{where}", f"check the form: {where}")
        return _entry_page(request, session, entry_id, 422, form=form, problem=problem)
    except XinyongError as exc:
        session.rollback()
        problem = (exc.message_zh, exc.message_en)
        return _entry_page(request, session, entry_id, exc.status, form=form, problem=problem)
    session.commit()
    received = objections.to_out(filed, request_now(request), reveal_code=True)
    return _entry_page(request, session, entry_id, 201, form={}, received=received)
