"""Public shapes of alerts and of an operator's decision on one."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

AlertStatus = Literal["open", "acknowledged", "dismissed"]


class AlertOut(BaseModel):
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
    status: AlertStatus
    decided_by: str | None
    decided_at: datetime | None


class DecisionIn(BaseModel):
    status: Literal["acknowledged", "dismissed"] = Field(
        description="确认（将据此处理）或驳回 / acknowledged (will be acted on) or dismissed"
    )
    by: str = Field(min_length=1, max_length=100, description="处理人 / who decided")
