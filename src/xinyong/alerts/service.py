"""Alert look-ups and operator decisions (确认 / 驳回) on them."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.alerts.models import KINDS, STATUSES, Alert
from xinyong.alerts.schemas import AlertOut
from xinyong.errors import InvalidInput, NotFound, XinyongError
from xinyong.types import utcnow

MAX_LIMIT = 1000
# Which decisions may follow which: an acknowledged alert can still be dismissed later, but a
# dismissed one stays dismissed — a new fact raises a new alert instead.
NEXT = {"open": ("acknowledged", "dismissed"), "acknowledged": ("dismissed",), "dismissed": ()}
STATUS_ZH = {"open": "待处理", "acknowledged": "已确认", "dismissed": "已驳回"}


class AlertAlreadyDecided(XinyongError):
    code = "alert_decided"
    status = 409
    title_zh = "预警已处理"
    title_en = "Alert already decided"


def list_alerts(
    session: Session,
    status: str | None = None,
    kind: str | None = None,
    credit_code: str | None = None,
    limit: int = 100,
) -> list[AlertOut]:
    """Newest first, optionally only one status, kind or enterprise."""
    _check("status", status, STATUSES)
    _check("kind", kind, KINDS)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            f"limit 应在 1 到 {MAX_LIMIT} 之间", f"limit must be between 1 and {MAX_LIMIT}"
        )
    query = select(Alert).order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)
    if status:
        query = query.where(Alert.status == status)
    if kind:
        query = query.where(Alert.kind == kind)
    if credit_code:
        query = query.where(Alert.credit_code == credit_code.strip().upper())
    return [AlertOut.model_validate(a) for a in session.scalars(query)]


def decide(session: Session, alert_id: int, status: str, by: str) -> AlertOut:
    """Record an operator's decision; the caller commits (so it can join a larger change)."""
    alert = session.get(Alert, alert_id, with_for_update=True)
    if alert is None:
        raise NotFound(f"预警 {alert_id} 不存在", f"alert {alert_id} does not exist")
    allowed = NEXT[alert.status]
    if status not in allowed:
        if status not in STATUSES or status == "open":
            raise InvalidInput(
                f"处理结果只能是 acknowledged（确认）或 dismissed（驳回），而不是“{status}”",
                f"a decision is 'acknowledged' or 'dismissed', not '{status}'",
            )
        raise AlertAlreadyDecided(
            f"预警 {alert_id} 已{STATUS_ZH[alert.status]}（{alert.decided_by}），不能再改为{STATUS_ZH[status]}",
            f"alert {alert_id} is already {alert.status} by {alert.decided_by}; it cannot become {status}",
        )
    if not by or not by.strip():
        raise InvalidInput("须注明处理人", "say who decided")
    alert.status, alert.decided_by, alert.decided_at = status, by.strip(), utcnow()
    session.flush()
    return AlertOut.model_validate(alert)


def _check(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidInput(
            f"{name} 只能是 {'、'.join(allowed)}，而不是“{value}”",
            f"{name} must be one of {', '.join(allowed)}, not '{value}'",
        )
