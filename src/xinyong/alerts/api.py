"""GET /api/v1/alerts (public shape, or the staff shape for operators and auditors), POST
/api/v1/alerts/{id}/decision and /restore in the calling operator's name: thin over the service."""

from fastapi import APIRouter, Depends, Query, Request, Response
from pydantic import TypeAdapter
from sqlalchemy.orm import Session

from xinyong.alerts.schemas import AlertOut, DecisionIn, PublicAlertOut, RestoreIn
from xinyong.alerts.service import MAX_LIMIT, decide, list_alerts, restore
from xinyong.api.deps import DbSession
from xinyong.api.operator import own_name, require_named_operator, sees_staff_view

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts 预警"])

# Each caller's answer in its own shape; the spec lists both (decision 0061).
_SHAPES = {True: TypeAdapter(list[AlertOut]), False: TypeAdapter(list[PublicAlertOut])}


@router.get(
    "",
    response_model=list[PublicAlertOut] | list[AlertOut],
    summary="预警列表 / Alerts",
    description="公众看到待处理和已确认的预警，不含处理人和理由；操作员和审计员看到全部预警及其处理历史"
    "（决定 0061）。/ The public sees open and acknowledged alerts without who decided or why; "
    "operators and auditors see every alert with its history (decision 0061).",
)
def get_alerts(
    status: str | None = Query(
        None, description="open / acknowledged / dismissed（仅工作人员 / staff only）"
    ),
    kind: str | None = Query(None, description="propose_blacklist / warning …"),
    credit_code: str | None = Query(None, description="统一社会信用代码 / credit code"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    staff: bool = Depends(sees_staff_view),
    session: Session = DbSession,
) -> Response:
    found = list_alerts(
        session, status=status, kind=kind, credit_code=credit_code, limit=limit, full=staff
    )
    # The answer depends on who asks: a shared cache must not hand staff's answer to anyone.
    headers = {"Vary": "Authorization, Cookie"}
    if staff:
        headers["Cache-Control"] = "private, no-store"
    return Response(_SHAPES[staff].dump_json(found), media_type="application/json", headers=headers)


@router.post("/{alert_id}/decision", response_model=AlertOut, summary="处理预警 / Decide an alert")
def post_decision(
    alert_id: int,
    body: DecisionIn,
    request: Request,
    session: Session = DbSession,
    operator: str = Depends(require_named_operator),
) -> AlertOut:
    by = own_name(request.state.principal, operator, body.by)
    decided = decide(session, alert_id, body.status, by, body.reason)
    session.commit()
    return decided


@router.post(
    "/{alert_id}/restore", response_model=AlertOut, summary="恢复已驳回的预警 / Restore an alert"
)
def post_restore(
    alert_id: int,
    body: RestoreIn,
    request: Request,
    session: Session = DbSession,
    operator: str = Depends(require_named_operator),
) -> AlertOut:
    by = own_name(request.state.principal, operator, body.by)
    restored = restore(session, alert_id, by, body.reason)
    session.commit()
    return restored
