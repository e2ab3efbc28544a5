"""Privacy API (thin): person records masked by default, unmasking with a purpose, exports, the
access audit log for auditors and for the data subject."""

from __future__ import annotations

import csv
import io
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from xinyong.accounts import privacy, service
from xinyong.accounts import roles as R
from xinyong.accounts.principal import (
    QUESTION,
    Principal,
    check_csrf_header,
    client_ip,
    current_principal,
    require_role,
    require_signed_in,
)
from xinyong.api.deps import DbSession
from xinyong.codes.masking import is_personal_id
from xinyong.errors import InvalidInput

router = APIRouter(tags=["privacy 个人信息保护"])
KIND = "dishonest（失信被执行人）/ enforcement（被执行人）"
PURPOSE = "用途 / purpose: " + ", ".join(
    f"{k}（{zh} / {en}）" for k, (zh, en, _) in privacy.PURPOSES.items()
)


class AuditOut(BaseModel):
    id: int
    at: datetime
    actor: str
    actor_org: str | None = None
    role: str
    action: str
    record: str
    fields: list[str]
    purpose: str
    ip: str | None = None
    ledger_leaf: int | None = Field(None, description="锚定该条目的账本叶子 / anchoring leaf")


class SubjectAuditOut(BaseModel):
    at: datetime
    who: str
    organisation: str | None = None
    role: str
    action: str
    record: str
    purpose: str
    purpose_zh: str


class ExportIn(BaseModel):
    ids: list[int] = Field(min_length=1, max_length=200)
    purpose: str = Field(max_length=40)


class IdentityIn(BaseModel):
    name: str = Field(min_length=1, max_length=100)
    id_number: str = Field(min_length=15, max_length=18)


def _audit_out(e, batch) -> AuditOut:
    return AuditOut(
        id=e.id,
        at=e.at,
        actor=e.actor,
        actor_org=e.actor_org,
        role=e.role,
        action=e.action,
        record=e.record,
        fields=e.fields,
        purpose=e.purpose,
        ip=e.ip,
        ledger_leaf=batch.leaf_index if batch else None,
    )


@router.get(
    "/api/v1/persons/{kind}",
    summary="按姓名查询自然人记录（遮蔽显示，计入每日上限）/ Person records by name (masked)",
)
def find_persons(
    kind: str,
    name: str = Query(..., min_length=1, max_length=100),
    principal: Principal = Depends(require_signed_in),
    session: Session = DbSession,
) -> list[dict[str, Any]]:
    found = privacy.find_persons(session, principal, kind, name)
    session.commit()
    return found


@router.get(
    "/api/v1/persons/{kind}/{record_id}",
    summary="自然人记录（默认遮蔽；unmask=true 并说明用途时按角色显示并记入审计）"
    " / A person record (masked; unmask with a purpose is audited)",
)
def read_person_record(
    kind: str,
    request: Request,
    record_id: int = Path(ge=1, le=2**62),
    unmask: bool = Query(False),
    purpose: str | None = Query(None, max_length=40, description=PURPOSE),
    principal: Principal = Depends(current_principal),
    session: Session = DbSession,
) -> dict[str, Any]:
    if unmask and principal.kind == "user":
        # Unmasking writes the audit log in the viewer's name: a cross-site link must not do it
        # with the victim's cookie, so a browser sends the page's CSRF token even on this GET.
        check_csrf_header(request, principal)
    out = privacy.read_record(
        session,
        principal,
        kind,
        record_id,
        purpose=purpose,
        unmask=unmask,
        ip=client_ip(request),
    )
    session.commit()
    return out


@router.post(
    "/api/v1/persons/{kind}/export",
    summary="导出未遮蔽的自然人记录（CSV，逐条记入审计）/ Export unmasked person records (audited)",
    responses={200: {"content": {"text/csv": {}}}},
    openapi_extra=QUESTION,
)
def export(
    kind: str,
    body: ExportIn,
    request: Request,
    principal: Principal = Depends(require_signed_in),
    session: Session = DbSession,
) -> PlainTextResponse:
    rows = privacy.export_records(
        session, principal, kind, body.ids, body.purpose, ip=client_ip(request)
    )
    session.commit()
    out = io.StringIO()
    cols = list(rows[0]) if rows else ["id"]
    writer = csv.DictWriter(out, fieldnames=cols, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow(
            {k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v) for k, v in row.items()}
        )
    return PlainTextResponse(out.getvalue(), media_type="text/csv; charset=utf-8")


@router.get(
    "/api/v1/access-log",
    response_model=list[AuditOut],
    summary="个人信息访问审计日志 / Personal data access audit log",
)
def access_log(
    request: Request,
    response: Response,
    limit: int = Query(100, ge=1, le=500),
    before: int | None = Query(
        None, ge=0, description="下一页：上一页末条的 id / next page: the last id read"
    ),
    after: int | None = Query(
        None, ge=0, description="上一页：本页首条的 id / previous page: the first id read"
    ),
    user: str = Query("", max_length=100, description="访问者包含 / actor contains"),
    action: str = Query(
        "", max_length=12, description="unmask / export / approve_org / reject_org"
    ),
    since: str = Query("", max_length=10, description="起始日（北京时间）/ from day, YYYY-MM-DD"),
    until: str = Query("", max_length=10, description="结束日（含）/ to day (inclusive)"),
    offset: int = Query(0, ge=0, le=0, deprecated=True, description="改用 before / use before"),
    _: Principal = Depends(require_role(R.AUDITOR, R.OPERATOR)),
    session: Session = DbSession,
) -> list[AuditOut]:
    """Newest first, a page at a time as the console's audit log: the `Link` header names the
    next and previous pages (rel="next" / "prev"), `X-Total-Count` how many entries match."""
    from xinyong.stats import audit_log

    where = audit_log.AuditFilter(
        user=user or None,
        action=action or None,
        since=audit_log.parse_day(since, "since"),
        until=audit_log.parse_day(until, "until"),
    )
    page = audit_log.page(session, where, before=before, after=after, size=limit)
    here = request.url.remove_query_params(["before", "after", "offset"])
    links = [
        f'<{here.include_query_params(**{cursor: value})}>; rel="{rel}"'
        for cursor, value, rel in (
            (page.next_param, page.next, "next"),
            (page.prev_param, page.prev, "prev"),
        )
        if value is not None
    ]
    if links:
        response.headers["Link"] = ", ".join(links)
    response.headers["X-Total-Count"] = str(page.total)
    return [_audit_out(e, batch) for e, batch in page.items]


@router.get(
    "/api/v1/me/access-log",
    response_model=list[SubjectAuditOut],
    summary="谁查看了我的个人信息 / Who looked at my unmasked personal data",
)
def my_access_log(
    principal: Principal = Depends(require_signed_in), session: Session = DbSession
) -> list[SubjectAuditOut]:
    refs = privacy.subject_refs_of(session, principal)
    return [
        SubjectAuditOut(
            at=e.at,
            # Who: the looking person's account and organisation; not their IP address.
            who=e.actor.rsplit(" ", 1)[-1] if e.actor.startswith(("user:", "key:")) else e.actor,
            organisation=e.actor_org,
            role=e.role,
            action=e.action,
            record=e.record,
            purpose=e.purpose,
            purpose_zh=privacy.PURPOSES.get(e.purpose, (e.purpose,))[0],
        )
        for e in privacy.audit_log(session, subject_refs=refs)
    ]


@router.post(
    "/api/v1/operator/access-log/anchor",
    summary="把未锚定的审计条目锚定到账本 / Anchor pending audit entries in the ledger",
)
def anchor(
    _: Principal = Depends(require_role(R.OPERATOR)), session: Session = DbSession
) -> dict[str, Any]:
    batch = privacy.anchor(session)
    session.commit()
    if batch is None:
        return {"anchored": 0}
    return {
        "anchored": batch.count,
        "first_id": batch.first_id,
        "last_id": batch.last_id,
        "leaf_index": batch.leaf_index,
        "sha256": batch.digest,
    }


@router.put(
    "/api/v1/operator/users/{user_id}/identity",
    status_code=204,
    summary="登记数据主体的已核实身份（加密存储）/ Record a data subject's verified identity",
)
def set_identity(
    user_id: int,
    body: IdentityIn,
    _: Principal = Depends(require_role(R.OPERATOR)),
    session: Session = DbSession,
) -> None:
    if not is_personal_id(body.id_number.upper()):
        raise InvalidInput(
            "身份证号码无效（校验位不符或格式错误）",
            "the resident ID number is invalid (format or check digit)",
            field="id_number",
        )
    user = service.get_user(session, user_id)
    user.subject_ref = privacy.person_ref(body.name, body.id_number.upper())
    user.identity = f"{body.name.strip()}|{body.id_number.upper()}"  # sealed by its column type
    session.commit()
