"""GET /api/v1/alerts, POST /api/v1/alerts/{id}/decision and /restore: thin over the service."""

from fastapi import APIRouter, Depends, Query
from sqlalchemy.orm import Session

from xinyong.alerts.schemas import AlertOut, DecisionIn, RestoreIn
from xinyong.alerts.service import MAX_LIMIT, decide, list_alerts, restore
from xinyong.api.deps import DbSession
from xinyong.api.operator import require_operator

router = APIRouter(prefix="/api/v1/alerts", tags=["alerts 预警"])


@router.get("", response_model=list[AlertOut], summary="预警列表 / Alerts")
def get_alerts(
    status: str | None = Query(None, description="open / acknowledged / dismissed"),
    kind: str | None = Query(None, description="propose_blacklist / warning …"),
    credit_code: str | None = Query(None, description="统一社会信用代码 / credit code"),
    limit: int = Query(100, ge=1, le=MAX_LIMIT),
    session: Session = DbSession,
) -> list[AlertOut]:
    return list_alerts(session, status=status, kind=kind, credit_code=credit_code, limit=limit)


@router.post("/{alert_id}/decision", response_model=AlertOut, summary="处理预警 / Decide an alert")
def post_decision(
    alert_id: int,
    body: DecisionIn,
    session: Session = DbSession,
    _operator: None = Depends(require_operator),
) -> AlertOut:
    decided = decide(session, alert_id, body.status, body.by, body.reason)
    session.commit()
    return decided


@router.post(
    "/{alert_id}/restore", response_model=AlertOut, summary="恢复已驳回的预警 / Restore an alert"
)
def post_restore(
    alert_id: int,
    body: RestoreIn,
    session: Session = DbSession,
    _operator: None = Depends(require_operator),
) -> AlertOut:
    restored = restore(session, alert_id, body.by, body.reason)
    session.commit()
    return restored
