"""Shapes of alerts: the public one, the staff one built on it, and an operator's decision."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

AlertStatus = Literal["open", "acknowledged", "dismissed"]
# A dismissed alert is a false alarm about a named enterprise: the public never sees it
# (decision 0061), as profiles and search results never counted it.
PublicStatus = Literal["open", "acknowledged"]


class AlertEventOut(BaseModel):
    """One decision on an alert, as its history shows it."""

    model_config = ConfigDict(from_attributes=True)

    action: Literal["acknowledged", "dismissed", "restored"]
    from_status: AlertStatus
    to_status: AlertStatus
    decided_by: str
    reason: str | None
    at: datetime


class PublicAlertOut(BaseModel):
    """An alert as anyone may read it: what the rule raised and whether staff confirmed it, not
    who decided nor why (decision 0061)."""

    model_config = ConfigDict(from_attributes=True)

    id: int
    rule_id: str
    rule_version: int
    kind: str
    severity: Literal["low", "medium", "high"]
    layout: str
    source: str
    source_record_id: str
    credit_code: str | None
    message_zh: str
    message_en: str
    evidence: dict[str, Any] = Field(description="{op, changes: {field: {old, new}}, enterprise}")
    demo: bool
    created_at: datetime
    status: PublicStatus = Field(
        description="待处理或已确认；已驳回的预警不公开 / open or acknowledged; dismissed alerts "
        "are not public"
    )
    decided_at: datetime | None = Field(description="最近一次处理的时间 / when last decided")


class AlertOut(PublicAlertOut):
    """An alert as operators and auditors read it: every status, who decided, each reason."""

    status: AlertStatus
    decided_by: str | None = Field(description="最近一次处理人 / who decided last")
    history: list[AlertEventOut] = Field(
        default_factory=list, description="每次处理及理由 / each decision and its reason"
    )


# Who decided is the caller (decision 0062): the field stays so older clients keep working,
# but a name other than the caller's is refused.
_BY = (
    "可省略：处理人按调用者身份记录，填写他人姓名将被拒绝（403）/ optional: who decided is "
    "recorded from the caller; naming anyone else is refused (403)"
)


class DecisionIn(BaseModel):
    status: Literal["acknowledged", "dismissed"] = Field(
        description="确认（将据此处理）或驳回 / acknowledged (will be acted on) or dismissed"
    )
    by: str | None = Field(None, max_length=100, description=_BY)
    reason: str | None = Field(
        None, max_length=500, description="理由（驳回时必填）/ reason (required to dismiss)"
    )


class RestoreIn(BaseModel):
    by: str | None = Field(None, max_length=100, description=_BY)
    reason: str = Field(min_length=1, max_length=500, description="理由 / why it is restored")
