"""/api/v1/cases and /api/v1/complaints (thin): registration, entrustment, progress, live events."""

from __future__ import annotations

import asyncio
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from fastapi import APIRouter, Depends, File, Form, Header, Query, Request, UploadFile
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import FileResponse, Response, StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.accounts import roles as R
from xinyong.accounts.errors import NotSignedIn
from xinyong.accounts.models import Organisation
from xinyong.accounts.principal import (
    Principal,
    client_ip,
    current_principal,
    deny,
    require_role,
)
from xinyong.api.deps import DbSession
from xinyong.api.operator import require_named_operator
from xinyong.cases import complaints, live, notices, service
from xinyong.cases.actors import Actor, Upload
from xinyong.cases.errors import NotAllowed
from xinyong.cases.jobs import run_clocks
from xinyong.cases.models import Complaint, DebtCase, EvidenceItem
from xinyong.cases.performance import service_record
from xinyong.cases.schemas import (
    CaseOut,
    ComplaintOut,
    EventOut,
    EvidenceOut,
    FiledOut,
    case_out,
    complaint_out,
    event_out,
    evidence_out,
)
from xinyong.errors import InvalidInput, NotFound
from xinyong.ledger import evidence as ledger_evidence
from xinyong.ledger import service as ledger_service
from xinyong.ledger.api import get_ledger_settings
from xinyong.ledger.config import LedgerSettings
from xinyong.lists.operator import request_now

router = APIRouter(tags=["cases 案件与投诉"])
POLL_SECONDS = 1.0  # how often a stream looks for events written by other processes
KEEPALIVE_SECONDS = 15.0


def actor_for(principal: Principal, case: DebtCase) -> Actor | None:
    """The principal as a party to this case: its operator, its agency, its creditor, or no one."""
    if principal.has_role(R.OPERATOR):
        return Actor("operator", principal.actor, principal.name)
    if principal.has_role(R.AGENCY_MEMBER) and case.agency_code in principal.org_codes:
        return Actor("agency", principal.actor, principal.name, case.agency_code)
    if principal.has_role(R.CREDITOR) and case.creditor_id in principal.org_codes:
        return Actor("creditor", case.creditor_id, principal.name, case.creditor_id)
    return None


def agency_actor(principal: Principal, agency_code: str) -> Actor | None:
    if principal.has_role(R.AGENCY_MEMBER) and agency_code in principal.org_codes:
        return Actor("agency", principal.actor, principal.name, agency_code)
    return None


def _signed_in(principal: Principal) -> None:
    if principal.anonymous:
        raise NotSignedIn(
            "须登录或提供接口密钥（债权人、受托机构成员或操作员）",
            "sign in or send an API key (a creditor, the agency's member or an operator)",
        )


def load_actor(session: Session, case_id: int, principal: Principal) -> Actor:
    """The caller's actor for a case; a case it is no party to looks like a missing one."""
    _signed_in(principal)
    case = service.get_case(session, case_id)
    actor = actor_for(principal, case)
    if actor is None:
        raise NotFound(f"没有编号为 {case_id} 的案件", f"no case with id {case_id}")
    return actor


async def case_actor(case_id: int, request: Request) -> Actor:
    """FastAPI dependency: the case's creditor, its agency or an operator (accounts principal)."""
    principal = await current_principal(request)

    def load() -> Actor:
        with request.app.state.sessions() as s:
            return load_actor(s, case_id, principal)

    return await run_in_threadpool(load)


def creditor_of(session: Session, principal: Principal, code: str | None) -> Actor:
    """The creditor organisation a member registers for (named when it belongs to several)."""
    _signed_in(principal)
    if not principal.has_role(R.CREDITOR):
        deny(principal, (R.CREDITOR,))
    orgs = session.scalars(
        select(Organisation).where(
            Organisation.credit_code.in_(principal.org_codes),
            Organisation.kind == "creditor",
            Organisation.state == "approved",
        )
    ).all()
    code = (code or "").strip().upper()
    chosen = [o for o in orgs if o.credit_code == code] if code else orgs
    if len(chosen) != 1:
        known = "、".join(o.credit_code for o in orgs)
        raise InvalidInput(
            f"creditor_code：请指明代表哪个债权人机构登记（可选：{known}）",
            f"creditor_code: name the creditor organisation you register for (one of: {known})",
            field="creditor_code",
        )
    org = chosen[0]
    return Actor("creditor", org.credit_code, org.name, org.credit_code)


async def _uploads(files: list[UploadFile] | None) -> list[Upload]:
    return [
        Upload(f.filename or "file", await f.read(), f.content_type)
        for f in files or []
        if f.filename
    ]


def _money(text: str, field: str) -> Decimal:
    try:
        return Decimal(text.strip().replace(",", ""))
    except (InvalidOperation, AttributeError):
        raise InvalidInput(
            f"{field}：“{text}”不是金额（元，如 80000.00）",
            f"{field}: '{text}' is not an amount in yuan (e.g. 80000.00)",
            field=field,
        ) from None


def _committed(session: Session, case_id: int) -> None:
    session.commit()
    live.notify_all(case_id)


# --- cases ----------------------------------------------------------------------------------


@router.post(
    "/api/v1/cases", status_code=201, response_model=CaseOut, summary="债务登记 / Register a debt"
)
async def register(
    request: Request,
    debtor_name: str = Form(...),
    amount: str = Form(..., description="债权金额（元）/ amount in yuan"),
    basis: str = Form(..., description="债权依据 / basis of the debt"),
    due_date: date = Form(..., description="到期日 / due date"),
    debtor_code: str | None = Form(None),
    creditor_code: str | None = Form(
        None, description="代表的债权人机构（属于多个时必填）/ creditor organisation, if several"
    ),
    documents: list[UploadFile] | None = File(None),
    # A dependency, so a caller who may not register is told so before the form is judged.
    principal: Principal = Depends(require_role(R.CREDITOR)),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> CaseOut:
    creditor = creditor_of(session, principal, creditor_code)
    files = await _uploads(documents)
    case = await run_in_threadpool(
        service.register_debt,
        session,
        creditor,
        debtor_name=debtor_name,
        debtor_code=debtor_code,
        amount=_money(amount, "amount"),
        basis=basis,
        due_date=due_date,
        documents=files,
        now=request_now(request),
        settings=settings,
    )
    session.commit()
    return case_out(case, request_now(request))


@router.get("/api/v1/cases/{case_id}", response_model=CaseOut, summary="案件 / A case")
def get_case(
    case_id: int,
    request: Request,
    actor: Actor = Depends(case_actor),
    session: Session = DbSession,
) -> CaseOut:
    case = service.get_case(session, case_id)
    service.require_read(case, actor)
    return case_out(case, request_now(request))


@router.post(
    "/api/v1/cases/{case_id}/entrust",
    response_model=CaseOut,
    summary="委托给名录内机构 / Entrust to a listed agency",
)
async def entrust(
    case_id: int,
    request: Request,
    agency_code: str = Form(...),
    contract_number: str = Form(..., description="委托合同编号 / contract number"),
    contract: UploadFile | None = File(None, description="签署的委托合同 / the signed contract"),
    actor: Actor = Depends(case_actor),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> CaseOut:
    files = await _uploads([contract] if contract else None)
    case = await run_in_threadpool(
        service.entrust,
        session,
        case_id,
        actor,
        agency_code=agency_code,
        contract_number=contract_number,
        contract=files[0] if files else None,
        now=request_now(request),
        settings=settings,
    )
    _committed(session, case_id)
    return case_out(case, request_now(request))


class MoveIn(BaseModel):
    to_state: str
    note: str | None = Field(None, max_length=2000)


@router.post(
    "/api/v1/cases/{case_id}/state", response_model=EventOut, summary="案件状态 / Move a case"
)
def move(
    case_id: int,
    body: MoveIn,
    request: Request,
    actor: Actor = Depends(case_actor),
    session: Session = DbSession,
) -> EventOut:
    ev = service.move(session, case_id, actor, body.to_state, body.note, request_now(request))
    out = event_out(ev)
    _committed(session, case_id)
    return out


@router.post(
    "/api/v1/cases/{case_id}/progress",
    status_code=201,
    response_model=EventOut,
    summary="发布进展（文字、图片、文件）/ Post progress with evidence",
)
async def progress(
    case_id: int,
    request: Request,
    text: str = Form(...),
    report: bool = Form(False, description="调查报告 / an investigation report"),
    files: list[UploadFile] | None = File(None),
    actor: Actor = Depends(case_actor),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> EventOut:
    uploads = await _uploads(files)
    ev = await run_in_threadpool(
        service.post_progress,
        session,
        case_id,
        actor,
        text,
        uploads,
        report=report,
        now=request_now(request),
        settings=settings,
    )
    out = event_out(ev)
    _committed(session, case_id)
    return out


class RecoveryIn(BaseModel):
    amount: Decimal = Field(description="本次回收金额（元）/ amount recovered, yuan")
    method: str = Field(
        description="回款方式 / how it came in: " + " / ".join(service.RECOVERY_METHODS)
    )
    received_on: date | None = Field(
        None,
        description="回款日期（北京时间，默认今天；不晚于今天、不早于委托日）/ the day it came in "
        "(Asia/Shanghai; today by default; not ahead, not before the entrustment)",
    )
    note: str | None = Field(None, max_length=2000)


@router.post(
    "/api/v1/cases/{case_id}/recoveries",
    status_code=201,
    response_model=EventOut,
    summary="登记回款 / Record money recovered",
)
def recovery(
    case_id: int,
    body: RecoveryIn,
    request: Request,
    actor: Actor = Depends(case_actor),
    session: Session = DbSession,
) -> EventOut:
    ev = service.record_recovery(
        session,
        case_id,
        actor,
        body.amount,
        body.note,
        request_now(request),
        method=body.method,
        received_on=body.received_on,
    )
    out = event_out(ev)
    _committed(session, case_id)
    return out


@router.get(
    "/api/v1/cases/{case_id}/evidence",
    response_model=list[EvidenceOut],
    summary="证据清单（附账本证据包链接）/ Evidence items with ledger bundle links",
)
def evidence_list(
    case_id: int, actor: Actor = Depends(case_actor), session: Session = DbSession
) -> list[EvidenceOut]:
    service.require_read(service.get_case(session, case_id), actor)
    return [evidence_out(r) for r in service.evidence_items(session, case_id)]


INLINE_TYPES = {"image/png", "image/jpeg", "image/gif", "image/webp", "application/pdf"}


@router.get(
    "/api/v1/cases/{case_id}/evidence/{item_id}/file",
    response_class=FileResponse,
    summary="证据文件 / An evidence file",
)
def evidence_file(
    case_id: int,
    item_id: int,
    actor: Actor = Depends(case_actor),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> FileResponse:
    service.require_read(service.get_case(session, case_id), actor)
    item = session.get(EvidenceItem, item_id)
    if item is None or item.case_id != case_id or item.file_sha256 is None:
        raise NotFound(
            f"案件 {case_id} 没有证据文件 {item_id}", f"case {case_id} has no file {item_id}"
        )
    return file_response(item, settings)


def file_response(item: EvidenceItem, settings: LedgerSettings) -> FileResponse:
    """An evidence file as its readers get it, from a case or a complaint."""
    assert item.file_sha256 is not None
    path = ledger_evidence.open_file(settings.resolved_evidence_dir(), item.file_sha256)
    # Only images and PDFs open in the browser; anything else downloads (no uploaded HTML runs).
    inline = item.media_type in INLINE_TYPES
    return FileResponse(
        path,
        media_type=item.media_type if inline else "application/octet-stream",
        content_disposition_type="inline" if inline else "attachment",
        filename=item.file_name or item.file_sha256,
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, max-age=86400"},
    )


@router.get(
    "/api/v1/cases/{case_id}/evidence/{item_id}/bundle",
    response_class=Response,
    responses={200: {"content": {"application/zip": {}}}},
    summary="证据包（含文件，可离线验证）/ Evidence bundle with the file, verifiable offline",
)
def evidence_bundle(
    case_id: int,
    item_id: int,
    request: Request,
    actor: Actor = Depends(case_actor),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> Response:
    """For the case's parties: the ledger's public bundle route need not hand out their files."""
    service.require_read(service.get_case(session, case_id), actor)
    item = session.get(EvidenceItem, item_id)
    if item is None or item.case_id != case_id:
        raise NotFound(
            f"案件 {case_id} 没有证据 {item_id}", f"case {case_id} has no item {item_id}"
        )
    data = ledger_service.export_bundle(
        session, item.leaf_index, now=request_now(request), settings=settings
    )
    session.commit()  # the checkpoint it carries may be new
    return Response(
        data,
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="evidence-{item.leaf_index}.zip"'},
    )


@router.get(
    "/api/v1/cases/{case_id}/history",
    response_model=list[EventOut],
    summary="案件记录 / Case history",
)
def history(
    case_id: int,
    after: int = Query(0, ge=0),
    limit: int = Query(100, ge=1, le=500),
    actor: Actor = Depends(case_actor),
    session: Session = DbSession,
) -> list[EventOut]:
    service.require_read(service.get_case(session, case_id), actor)
    return [event_out(e) for e in service.events_after(session, case_id, after, limit)]


@router.get("/api/v1/cases/{case_id}/notifications", summary="案件通知 / Notices about a case")
def case_notices(
    case_id: int, actor: Actor = Depends(case_actor), session: Session = DbSession
) -> list[dict[str, Any]]:
    case = service.get_case(session, case_id)
    service.require_read(case, actor)
    kinds = {"creditor": "creditor", "agency": "agency"}
    rows = notices.outbox(session, case_id=case_id, recipient_kind=kinds.get(actor.kind))
    return [
        {
            "id": n.id,
            "kind": n.kind,
            "recipient_kind": n.recipient_kind,
            "subject_zh": n.subject_zh,
            "subject_en": n.subject_en,
            "body_zh": n.body_zh,
            "body_en": n.body_en,
            "created_at": n.created_at.isoformat(),
        }
        for n in rows
    ]


def _sse(ev: EventOut) -> str:
    data = ev.model_dump_json()
    return f"id: {ev.id}\nevent: {ev.kind}\ndata: {data}\n\n"


@router.get(
    "/api/v1/cases/{case_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}}},
    summary="实时进展（SSE，支持 Last-Event-ID 续传）/ Live updates (server-sent events)",
)
async def events(
    case_id: int,
    request: Request,
    last_event_id: str | None = Header(None),
    after: int = Query(0, ge=0, description="从此事件编号之后开始 / start after this event id"),
):
    """Reads the case's events from the database by id, so a reconnect with Last-Event-ID resumes
    where it stopped and a stream sees events written by any process. Browsers' EventSource
    sends the sign-in cookie."""
    sessions = request.app.state.sessions
    principal = await current_principal(request)

    def authorise() -> None:
        with sessions() as s:
            load_actor(s, case_id, principal)

    await run_in_threadpool(authorise)
    try:
        start = int(last_event_id) if last_event_id else after
    except ValueError:
        raise InvalidInput(
            "Last-Event-ID 应为事件编号（整数）",
            "Last-Event-ID must be an event id (an integer)",
            field="Last-Event-ID",
        ) from None

    def read(after_id: int) -> list[EventOut]:
        with sessions() as s:
            return [event_out(e) for e in service.events_after(s, case_id, after_id, 100)]

    async def stream():
        last = start
        loop_waiter = live.subscribe(case_id)
        _, wake = loop_waiter
        quiet = 0.0
        try:
            yield "retry: 2000\n\n"
            while not await request.is_disconnected():
                wake.clear()
                rows = await run_in_threadpool(read, last)
                for ev in rows:
                    last = ev.id
                    yield _sse(ev)
                if rows:
                    quiet = 0.0
                    continue
                try:
                    await asyncio.wait_for(wake.wait(), POLL_SECONDS)
                except TimeoutError:
                    quiet += POLL_SECONDS
                if quiet >= KEEPALIVE_SECONDS:
                    quiet = 0.0
                    yield ": keepalive\n\n"
        finally:
            live.unsubscribe(case_id, loop_waiter)

    return StreamingResponse(
        stream(),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


# --- complaints -----------------------------------------------------------------------------


@router.post(
    "/api/v1/complaints",
    status_code=201,
    response_model=FiledOut,
    summary="投诉机构（任何人）/ Complain about an agency (anyone)",
)
async def file_complaint(
    request: Request,
    agency_code: str = Form(...),
    complainant_kind: str = Form(..., description="creditor / debtor / relative / public"),
    complainant_name: str = Form(...),
    text: str = Form(...),
    category: str = Form("other", description="harassment / privacy / fees / service / other"),
    complainant_contact: str | None = Form(None),
    case_id: int | None = Form(None),
    files: list[UploadFile] | None = File(None),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> FiledOut:
    uploads = await _uploads(files)
    c, code = await run_in_threadpool(
        complaints.file_complaint,
        session,
        agency_code=agency_code,
        complainant_kind=complainant_kind,
        complainant_name=complainant_name,
        text=text,
        category=category,
        complainant_contact=complainant_contact,
        case_id=case_id,
        files=uploads,
        now=request_now(request),
        settings=settings,
    )
    session.commit()
    return FiledOut(complaint=complaint_view(session, c, request_now(request)), query_code=code)


def reads_without_code(principal: Principal, c: Complaint) -> bool:
    """An operator, the agency complained about, or the creditor that filed it signed in."""
    return (
        principal.has_role(R.OPERATOR)
        or agency_actor(principal, c.agency_code) is not None
        or (principal.has_role(R.CREDITOR) and c.creditor_id in principal.org_codes)
    )


def readable_complaint(
    session: Session, complaint_id: int, principal: Principal, code: str | None
) -> Complaint:
    """The complaint for its readers; anyone else needs the query code (and a missing complaint
    looks like a wrong code)."""
    c = session.get(Complaint, complaint_id)
    if c is not None and reads_without_code(principal, c):
        return c
    return complaints.with_code(session, complaint_id, code)


def complaint_view(session: Session, c: Complaint, now) -> ComplaintOut:
    return complaint_out(c, now, complaints.evidence_of(session, [c.id])[c.id])


@router.get(
    "/api/v1/complaints/{complaint_id}", response_model=ComplaintOut, summary="投诉 / A complaint"
)
def get_complaint(
    complaint_id: int,
    request: Request,
    code: str | None = Query(None, description="查询码 / query code"),
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
) -> ComplaintOut:
    c = readable_complaint(session, complaint_id, principal, code)
    return complaint_view(session, c, request_now(request))


@router.get(
    "/api/v1/complaints/{complaint_id}/evidence/{item_id}/file",
    response_class=FileResponse,
    summary="投诉证据或答复附件 / A complaint's evidence file or the answer's attachment",
)
def complaint_file(
    complaint_id: int,
    item_id: int,
    code: str | None = Query(None, description="查询码 / query code"),
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> FileResponse:
    """The same readers as the complaint: the complainant with the code, the agency, the creditor
    that filed it, operators."""
    c = readable_complaint(session, complaint_id, principal, code)
    item = session.get(EvidenceItem, item_id)
    if item is None or item.complaint_id != c.id or item.file_sha256 is None:
        raise NotFound(f"投诉 {c.id} 没有文件 {item_id}", f"complaint {c.id} has no file {item_id}")
    return file_response(item, settings)


@router.post(
    "/api/v1/complaints/{complaint_id}/response",
    response_model=ComplaintOut,
    summary="机构答复（48 小时内）/ The agency's answer (within 48 hours)",
)
async def respond(
    complaint_id: int,
    request: Request,
    text: str = Form(...),
    files: list[UploadFile] | None = File(None),
    principal: Principal = Depends(require_role(R.AGENCY_MEMBER)),
    session: Session = DbSession,
    settings: LedgerSettings = Depends(get_ledger_settings),
) -> ComplaintOut:
    c = complaints.get_complaint(session, complaint_id)
    actor = agency_actor(principal, c.agency_code)
    if actor is None:
        raise NotAllowed("只有被投诉机构可以答复", "only the agency complained about may answer")
    uploads = await _uploads(files)
    c = await run_in_threadpool(
        complaints.respond,
        session,
        complaint_id,
        actor,
        text,
        uploads,
        request_now(request),
        settings,
    )
    session.commit()
    return complaint_view(session, c, request_now(request))


class RatingIn(BaseModel):
    code: str = Field(description="查询码 / query code")
    satisfaction: int = Field(description="1（很不满意）–5（很满意）/ 1 (very dissatisfied) to 5")
    note: str | None = Field(None, max_length=2000)


@router.post(
    "/api/v1/complaints/{complaint_id}/satisfaction",
    response_model=ComplaintOut,
    summary="投诉人评价 / The complainant's satisfaction",
)
def rate(
    complaint_id: int, body: RatingIn, request: Request, session: Session = DbSession
) -> ComplaintOut:
    c = complaints.rate(
        session, complaint_id, body.code, body.satisfaction, body.note, request_now(request)
    )
    session.commit()
    return complaint_view(session, c, request_now(request))


def complaint_filer(principal: Principal | None, c: Complaint) -> Actor | None:
    """The creditor organisation that filed the complaint signed in, if the caller is its member."""
    if principal is None or not c.creditor_id or not principal.has_role(R.CREDITOR):
        return None
    if c.creditor_id not in principal.org_codes:
        return None
    return Actor("creditor", c.creditor_id, principal.name, c.creditor_id)


class EscalationIn(BaseModel):
    code: str | None = Field(
        None,
        description="查询码；以提交投诉的债权人身份登录时可省略 / query code, or sign in as the filer",
    )
    reason: str = Field(
        description="申请平台介入的理由 / why the platform should step in",
        max_length=complaints.ESCALATION_REASON_LIMIT,
    )


@router.post(
    "/api/v1/complaints/{complaint_id}/escalation",
    response_model=ComplaintOut,
    summary="投诉人申请平台介入（对答复不满意）/ The complainant escalates to the platform",
)
def escalate(
    complaint_id: int,
    body: EscalationIn,
    request: Request,
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
) -> ComplaintOut:
    """Once the agency has answered, before the platform resolves it, once per complaint."""
    c = session.get(Complaint, complaint_id)
    creditor = complaint_filer(principal, c) if c is not None else None
    c = complaints.escalate(
        session, complaint_id, body.code, body.reason, request_now(request), creditor=creditor
    )
    session.commit()
    return complaint_view(session, c, request_now(request))


@router.get(
    "/api/v1/agencies/{code}/service-record",
    summary="机构服务记录（案件与投诉）/ An agency's service record from cases and complaints",
)
def agency_record(code: str, request: Request, session: Session = DbSession):
    code = code.strip().upper()
    return service_record(session, [code], request_now(request))[code].as_dict()


# --- operators ------------------------------------------------------------------------------


@router.get(
    "/api/v1/operator/complaints",
    response_model=list[ComplaintOut],
    summary="投诉处理（操作员）/ Complaints for operators",
)
def operator_complaints(
    request: Request,
    state: str | None = Query(None, description="filed / answered / escalated / resolved"),
    operator: str = Depends(require_named_operator),
    session: Session = DbSession,
) -> list[ComplaintOut]:
    queue = complaints.queue(session, state)
    items = complaints.evidence_of(session, [c.id for c in queue])
    return [complaint_out(c, request_now(request), items[c.id]) for c in queue]


class ResolutionIn(BaseModel):
    resolution: str = Field(min_length=1, max_length=complaints.RESOLUTION_LIMIT)


@router.post(
    "/api/v1/operator/complaints/{complaint_id}/resolve",
    response_model=ComplaintOut,
    summary="办结投诉 / Resolve a complaint",
)
def resolve_complaint(
    complaint_id: int,
    body: ResolutionIn,
    request: Request,
    operator: str = Depends(require_named_operator),
    session: Session = DbSession,
) -> ComplaintOut:
    c = complaints.resolve_complaint(
        session, complaint_id, operator, body.resolution, request_now(request)
    )
    session.commit()
    return complaint_view(session, c, request_now(request))


class TakeIn(BaseModel):
    take_over_from: str | None = Field(
        None,
        max_length=200,
        description="接手另一位操作员认领的投诉时，填写其姓名（即您看到的认领人）/ to take over "
        "a complaint another operator holds, name that operator (the holder you were shown)",
    )


@router.post(
    "/api/v1/operator/complaints/{complaint_id}/take",
    response_model=ComplaintOut,
    summary="认领投诉 / Take a complaint",
)
def take_complaint(
    complaint_id: int,
    request: Request,
    body: TakeIn | None = None,
    operator: str = Depends(require_named_operator),
    session: Session = DbSession,
) -> ComplaintOut:
    """The complaint shows who holds it; one another operator holds is handed over only with
    `take_over_from` naming that operator (409 otherwise, saying who holds it)."""
    c = complaints.take(
        session,
        complaint_id,
        operator,
        request_now(request),
        take_over_from=body.take_over_from if body else None,
    )
    session.commit()
    return complaint_view(session, c, request_now(request))


async def _named_operator(
    request: Request, _name: str = Depends(require_named_operator)
) -> Principal:
    """The operator as the audit log writes them (an account, or the token with X-Operator)."""
    return await current_principal(request)


@router.post(
    "/api/v1/operator/complaints/{complaint_id}/complainant",
    summary="查看投诉人姓名与联系方式（记入审计日志）/ Who complained and how to reach them "
    "(written to the audit log)",
)
def complainant(
    complaint_id: int,
    request: Request,
    principal: Principal = Depends(_named_operator),
    session: Session = DbSession,
) -> dict[str, Any]:
    found = complaints.reveal_complainant(
        session, principal, complaint_id, client_ip(request), request_now(request)
    )
    session.commit()
    return found


@router.post(
    "/api/v1/operator/cases/clocks",
    summary="立即运行时限检查 / Run the case and complaint clocks now",
)
def clocks(request: Request, operator: str = Depends(require_named_operator)) -> dict[str, Any]:
    return run_clocks(request.app.state.engine, request_now(request))
