"""The alerts tables: what an event rule raised about which record version, who decided it, and
each decision with its reason (a dismissal, a restoration)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer, "sqlite")

KINDS = ("propose_blacklist", "propose_redlist", "warning", "notice")
SEVERITIES = ("low", "medium", "high")
STATUSES = ("open", "acknowledged", "dismissed")
# What an operator did to an alert: decide it (its new status) or restore a dismissed one.
ACTIONS = ("acknowledged", "dismissed", "restored")


class Alert(Base):
    """An alert (预警) raised by an event rule on one imported change; operators decide it."""

    __tablename__ = "alert"
    __table_args__ = (
        # One alert per rule and record for the same triggering facts: a re-run, a replayed
        # batch or an unrelated edit of the record does not raise it again.
        UniqueConstraint(
            "rule_id", "layout", "source", "source_record_id", "digest", name="uq_alert_once"
        ),
        Index("ix_alert_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(100))
    rule_version: Mapped[int] = mapped_column(Integer)
    kind: Mapped[str] = mapped_column(String(40), index=True)  # propose_blacklist / warning …
    severity: Mapped[str] = mapped_column(String(10))  # low / medium / high
    layout: Mapped[str] = mapped_column(String(64))
    source: Mapped[str] = mapped_column(String(64))
    source_record_id: Mapped[str] = mapped_column(String(128))
    # Digest of the record values the rule looked at: the "record version" for idempotency.
    digest: Mapped[str] = mapped_column(String(32))
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    message_zh: Mapped[str] = mapped_column(Text)
    message_en: Mapped[str] = mapped_column(Text)
    # {"op": ..., "changes": {field: {"old": .., "new": ..}}, "enterprise": {field: value}}
    evidence: Mapped[dict[str, Any]] = mapped_column(JSON)
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    status: Mapped[str] = mapped_column(String(16), default="open")
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Loaded where asked for (the console and the alerts API): public pages read no history.
    history: Mapped[list[AlertEvent]] = relationship(order_by="AlertEvent.id", viewonly=True)


class AlertEvent(Base):
    """One decision on an alert: who, when, from which status to which, and why. A dismissal
    and a restoration carry their reason; the alert row keeps only the latest decision."""

    __tablename__ = "alert_event"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    alert_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("alert.id"), index=True)
    action: Mapped[str] = mapped_column(String(16))  # acknowledged / dismissed / restored
    from_status: Mapped[str] = mapped_column(String(16))
    to_status: Mapped[str] = mapped_column(String(16))
    decided_by: Mapped[str] = mapped_column(String(100))
    reason: Mapped[str | None] = mapped_column(Text)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
