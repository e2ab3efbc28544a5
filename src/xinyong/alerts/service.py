"""Alert look-ups, public or for staff, and operator decisions on them: 确认 (acknowledge), 驳回
(dismiss, with a reason) and 恢复 (restore a dismissed one, with a reason), each kept in the
alert's history."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from xinyong.alerts.models import KINDS, STATUSES, Alert, AlertEvent
from xinyong.alerts.schemas import AlertOut, PublicAlertOut
from xinyong.errors import InvalidInput, NotFound, XinyongError
from xinyong.paging import PAGE_SIZE, Page, keyset
from xinyong.types import utcnow

MAX_LIMIT = 1000
REASON_MAX = 500
# Which decisions may follow which: an acknowledged alert can still be dismissed later; a
# dismissed one changes only by being restored (restore()), to where it was before.
NEXT = {"open": ("acknowledged", "dismissed"), "acknowledged": ("dismissed",), "dismissed": ()}
STATUS_ZH = {"open": "待处理", "acknowledged": "已确认", "dismissed": "已驳回"}
ACTION_NAMES = {
    "acknowledged": ("确认", "acknowledged"),
    "dismissed": ("驳回", "dismissed"),
    "restored": ("恢复", "restored"),
}


class AlertAlreadyDecided(XinyongError):
    code = "alert_decided"
    status = 409
    title_zh = "预警已处理"
    title_en = "Alert already decided"


class AlertNotDismissed(XinyongError):
    code = "alert_not_dismissed"
    status = 409
    title_zh = "预警未被驳回"
    title_en = "Alert not dismissed"


class DismissedNotPublic(XinyongError):
    code = "alert_dismissed_not_public"
    status = 403
    title_zh = "已驳回的预警不公开"
    title_en = "Dismissed alerts are not public"


def _matching(
    status: str | None,
    kind: str | None = None,
    credit_code: str | None = None,
    *,
    full: bool = True,
):
    """The alerts asked for; `full=False` is what the public may read (decision 0061): no
    dismissed alert, and no history (its names and reasons are for staff)."""
    _check("status", status, STATUSES)
    _check("kind", kind, KINDS)
    if full:
        query = select(Alert).options(selectinload(Alert.history))
    else:
        if status == "dismissed":
            raise DismissedNotPublic(
                "已驳回的预警（误报）不公开，仅操作员和审计员可查看；请登录或使用其接口密钥",
                "dismissed alerts (false alarms) are not public: operators and auditors only; "
                "sign in or use such an API key",
                field="status",
            )
        query = select(Alert).where(Alert.status != "dismissed")
    if status:
        query = query.where(Alert.status == status)
    if kind:
        query = query.where(Alert.kind == kind)
    if credit_code:
        query = query.where(Alert.credit_code == credit_code.strip().upper())
    return query


def count_alerts(session: Session, status: str) -> int:
    """How many alerts are in a status: a console tile, counted, not loaded."""
    return session.scalar(select(func.count()).where(Alert.status == status)) or 0


def list_alerts(
    session: Session,
    status: str | None = None,
    kind: str | None = None,
    credit_code: str | None = None,
    limit: int = 100,
    *,
    full: bool = False,
) -> list[PublicAlertOut]:
    """Newest first, optionally only one status, kind or enterprise: in the public shape, or
    with `full=True` (operators and auditors) every alert with who decided it and why."""
    query = _matching(status, kind, credit_code, full=full)
    if not 1 <= limit <= MAX_LIMIT:
        raise InvalidInput(
            f"limit 应在 1 到 {MAX_LIMIT} 之间", f"limit must be between 1 and {MAX_LIMIT}"
        )
    query = query.order_by(Alert.created_at.desc(), Alert.id.desc()).limit(limit)
    shape = AlertOut if full else PublicAlertOut
    return [shape.model_validate(a) for a in session.scalars(query)]


def alerts_page(
    session: Session,
    status: str | None = None,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> Page[AlertOut]:
    """One page of the alerts of a status, newest (highest id) first: the console's queue."""
    found = keyset(session, _matching(status), Alert.id, before=before, after=after, size=size)
    return found.map(AlertOut.model_validate)


def decide(
    session: Session, alert_id: int, status: str, by: str, reason: str | None = None
) -> AlertOut:
    """Record an operator's decision; the caller commits (so it can join a larger change).
    A dismissal takes the flag off the public pages, so it must say why."""
    alert = _get(session, alert_id)
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
    by = _who(by)
    if status == "dismissed":
        reason = _reason(
            reason,
            "驳回预警须说明理由（例如为何属于误报）",
            "give the reason for dismissing the alert (e.g. why it is a false alarm)",
        )
    return _record(session, alert, status, status, by, (reason or "").strip() or None)


def restore(session: Session, alert_id: int, by: str, reason: str | None) -> AlertOut:
    """Undo a dismissal: the alert goes back to the status it had before (open or
    acknowledged) and its flag shows on the public pages again. The caller commits."""
    alert = _get(session, alert_id)
    if alert.status != "dismissed":
        raise AlertNotDismissed(
            f"预警 {alert_id} 当前为{STATUS_ZH[alert.status]}，只有已驳回的预警可以恢复",
            f"alert {alert_id} is {alert.status}; only a dismissed alert can be restored",
        )
    by = _who(by)
    reason = _reason(
        reason,
        "恢复预警须说明理由（例如驳回有误的原因）",
        "give the reason for restoring the alert (e.g. why the dismissal was wrong)",
    )
    dismissals = [e for e in alert.history if e.action == "dismissed"]
    back = dismissals[-1].from_status if dismissals else "open"
    return _record(session, alert, "restored", back, by, reason)


def _get(session: Session, alert_id: int) -> Alert:
    alert = session.get(Alert, alert_id, with_for_update=True)
    if alert is None:
        raise NotFound(f"预警 {alert_id} 不存在", f"alert {alert_id} does not exist")
    return alert


def _record(
    session: Session, alert: Alert, action: str, status: str, by: str, reason: str | None
) -> AlertOut:
    now = utcnow()
    session.add(
        AlertEvent(
            alert_id=alert.id,
            action=action,
            from_status=alert.status,
            to_status=status,
            decided_by=by,
            reason=reason,
            at=now,
        )
    )
    # The status and decision time move the public generation (migration 0026's trigger):
    # a restored flag reappears on the cached public pages as a dismissed one leaves them.
    alert.status, alert.decided_by, alert.decided_at = status, by, now
    session.flush()
    session.expire(alert, ["history"])
    return AlertOut.model_validate(alert)


def _who(by: str) -> str:
    if not by or not by.strip():
        raise InvalidInput("须注明处理人", "say who decided")
    return by.strip()


def _reason(reason: str | None, zh: str, en: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidInput(zh, en, field="reason")
    if len(text) > REASON_MAX:
        raise InvalidInput(
            f"理由最多 {REASON_MAX} 字，现为 {len(text)} 字",
            f"the reason is at most {REASON_MAX} characters, not {len(text)}",
            field="reason",
        )
    return text


def _check(name: str, value: str | None, allowed: tuple[str, ...]) -> None:
    if value is not None and value not in allowed:
        raise InvalidInput(
            f"{name} 只能是 {'、'.join(allowed)}，而不是“{value}”",
            f"{name} must be one of {', '.join(allowed)}, not '{value}'",
        )
