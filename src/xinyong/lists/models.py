"""List tables: entries, their full event history, objections, repairs and the notification outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer, "sqlite")

LIST_TYPES = ("red", "black")
# proposed → approved | rejected; approved → published; published → expired | repaired | revoked.
# An approved entry may also be revoked (an objection upheld before publication), or expire
# unpublished when its period ends before it was published (docs/decisions/0055).
STATES = ("proposed", "approved", "rejected", "published", "expired", "repaired", "revoked")
SUBJECT_KINDS = ("organisation", "person")


class ListEntry(Base):
    """An official red or black list entry (红名单/黑名单); never deleted, only ended."""

    __tablename__ = "list_entry"
    __table_args__ = (
        Index("ix_list_entry_public", "state", "list_type", "publicity_end"),
        Index("ix_list_entry_code_state", "credit_code", "state"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    list_type: Mapped[str] = mapped_column(String(8))  # red 守信激励 / black 失信惩戒
    publicity_class: Mapped[str] = mapped_column(String(32))  # minor/general/serious/…
    aggravated: Mapped[bool] = mapped_column(Boolean, default=False)  # 情节严重 (失信被执行人)
    subject_kind: Mapped[str] = mapped_column(String(12))  # organisation / person
    credit_code: Mapped[str | None] = mapped_column(String(18))  # 统一社会信用代码
    subject_name: Mapped[str] = mapped_column(String(200))
    # An organisation's code, or a person's ID number only ever stored masked.
    subject_id: Mapped[str | None] = mapped_column(String(40))
    reason_zh: Mapped[str] = mapped_column(Text)  # 列入事由
    reason_en: Mapped[str] = mapped_column(Text)
    legal_basis_zh: Mapped[str] = mapped_column(Text)  # 法律依据
    legal_basis_en: Mapped[str] = mapped_column(Text)
    # [{"layout": .., "source": .., "source_record_id": ..}]: the records the decision rests on.
    source_records: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    authority: Mapped[str] = mapped_column(String(200))  # 认定部门
    decision_date: Mapped[date] = mapped_column(Date)  # 认定日期
    publicity_start: Mapped[date | None] = mapped_column(Date)  # 公示起始
    publicity_end: Mapped[date | None] = mapped_column(Date)  # 公示截止 (not shown from this day)
    state: Mapped[str] = mapped_column(String(16), default="proposed")
    origin: Mapped[str] = mapped_column(String(10))  # rule / operator
    rule_id: Mapped[str | None] = mapped_column(String(100))
    rule_version: Mapped[int | None] = mapped_column(Integer)
    # rule id + source record: a rule proposes an entry for the same record once.
    origin_key: Mapped[str | None] = mapped_column(String(300), unique=True)
    created_by: Mapped[str] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    state_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)  # publicity ended (any way)
    # Written into the notice (告知书) on approval: the party reads its entry and objects on
    # the site before publication, when the public pages do not show it to anyone else.
    notice_code: Mapped[str | None] = mapped_column(String(32))


class ListEvent(Base):
    """One step in an entry's history — who did what, when and why (objection and repair steps too)."""

    __tablename__ = "list_event"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), index=True)
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("list_objection.id"))
    repair_id: Mapped[int | None] = mapped_column(ForeignKey("list_repair.id"))
    action: Mapped[str] = mapped_column(String(32))
    from_state: Mapped[str | None] = mapped_column(String(16))
    to_state: Mapped[str | None] = mapped_column(String(16))
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class Objection(Base):
    """An objection (异议) to an entry: submitted → upheld (entry corrected or revoked) | rejected."""

    __tablename__ = "list_objection"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), index=True)
    case_type: Mapped[str] = mapped_column(String(32))
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_contact: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    # Given to the applicant on filing; asked for to read the status (ids are guessable).
    query_code: Mapped[str] = mapped_column(String(32))
    # [{"kind": .., "name": .., "sha256": ..}]
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date)  # answer by this local day
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(16))  # revoke / correct (when upheld)
    corrections: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class RepairRequest(Base):
    """A credit-repair application (信用修复): submitted → repaired (publicity ends early) | rejected."""

    __tablename__ = "list_repair"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), index=True)
    applicant_name: Mapped[str] = mapped_column(String(200))
    applicant_contact: Mapped[str] = mapped_column(String(200))
    statement: Mapped[str] = mapped_column(Text)
    query_code: Mapped[str] = mapped_column(String(32))
    materials: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), default="submitted", index=True)
    submitted_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_on: Mapped[date] = mapped_column(Date)
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decision_reason: Mapped[str | None] = mapped_column(Text)


class ListNotification(Base):
    """Outbox of notices to parties and applicants (告知书, 受理/决定通知); accounts delivers them."""

    __tablename__ = "list_notification"
    __table_args__ = (Index("ix_list_notification_undelivered", "delivered_at", "id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    entry_id: Mapped[int] = mapped_column(ForeignKey("list_entry.id"), index=True)
    objection_id: Mapped[int | None] = mapped_column(ForeignKey("list_objection.id"))
    repair_id: Mapped[int | None] = mapped_column(ForeignKey("list_repair.id"))
    kind: Mapped[str] = mapped_column(String(40))
    recipient_code: Mapped[str | None] = mapped_column(String(18))
    recipient_name: Mapped[str] = mapped_column(String(200))
    recipient_contact: Mapped[str | None] = mapped_column(String(200))
    subject_zh: Mapped[str] = mapped_column(String(300))
    subject_en: Mapped[str] = mapped_column(String(300))
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
