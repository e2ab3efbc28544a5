"""Case tables: debts and their entrustment, the event log, evidence items, complaints, the outbox."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer, "sqlite")


class DebtCase(Base):
    """A registered debt (债务登记) and, once entrusted, the case an agency works on."""

    __tablename__ = "debt_case"
    __table_args__ = (Index("ix_debt_case_agency_state", "agency_code", "state"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # 登记编号, e.g. ZW-00000001
    state: Mapped[str] = mapped_column(String(20), default="registered")
    # The creditor organisation (its credit code) whose member registered the debt.
    creditor_kind: Mapped[str] = mapped_column(String(16))
    creditor_id: Mapped[str] = mapped_column(String(64), index=True)
    creditor_code: Mapped[str | None] = mapped_column(String(18))
    creditor_name: Mapped[str] = mapped_column(String(200))
    debtor_name: Mapped[str] = mapped_column(String(200))
    debtor_code: Mapped[str | None] = mapped_column(String(40))  # credit code; a person's ID masked
    amount_fen: Mapped[int] = mapped_column(BigInteger)
    basis: Mapped[str] = mapped_column(Text)  # 债权依据
    due_date: Mapped[date] = mapped_column(Date)
    # SHA-256 of creditor + debtor + basis, normalised: the same debt registered twice.
    debt_key: Mapped[str] = mapped_column(String(64), index=True)
    # Salt of the registration's ledger commitment: the public leaf reveals no names.
    commitment_salt: Mapped[str] = mapped_column(String(32))
    registration_leaf: Mapped[int | None] = mapped_column(BigInteger)
    # The entrustment (委托): agency, contract and the fee schedule agreed.
    agency_code: Mapped[str | None] = mapped_column(String(18))
    agency_name: Mapped[str | None] = mapped_column(String(200))
    agency_kind: Mapped[str | None] = mapped_column(String(32))
    contract_number: Mapped[str | None] = mapped_column(String(64))
    contract_sha256: Mapped[str | None] = mapped_column(String(64))
    contract_leaf: Mapped[int | None] = mapped_column(BigInteger)
    contract_review: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    schedule_version: Mapped[int | None] = mapped_column(Integer)
    schedule: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    entrusted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # Indexed: the agency pages' cache key reads the next deadline (api/cache.py AGENCY_DATA).
    first_report_due_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    first_report_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    first_report_missed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    recovered_fen: Mapped[int] = mapped_column(BigInteger, default=0)
    # The state the case was in when money first came back (mediating → a mediated settlement).
    recovered_via: Mapped[str | None] = mapped_column(String(20))
    fee_fen: Mapped[int | None] = mapped_column(BigInteger)
    fee_high_fen: Mapped[int | None] = mapped_column(BigInteger)
    fee_lines: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class CaseEvent(Base):
    """Everything that happened to a case, in order; `id` is the live stream's event id."""

    __tablename__ = "case_event"
    __table_args__ = (Index("ix_case_event_case_id_id", "case_id", "id"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("debt_case.id"))
    kind: Mapped[str] = mapped_column(String(32))  # registered/entrusted/state/progress/…
    actor_kind: Mapped[str] = mapped_column(String(16))
    actor_id: Mapped[str] = mapped_column(String(64))
    actor_name: Mapped[str] = mapped_column(String(200))
    from_state: Mapped[str | None] = mapped_column(String(20))
    to_state: Mapped[str | None] = mapped_column(String(20))
    text: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class EvidenceItem(Base):
    """One file or text put on record for a case or a complaint; each is one ledger leaf."""

    __tablename__ = "case_evidence"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("debt_case.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    event_id: Mapped[int | None] = mapped_column(ForeignKey("case_event.id"))
    role: Mapped[str] = mapped_column(String(20))  # document/contract/progress/complaint/response
    agency_code: Mapped[str | None] = mapped_column(String(18), index=True)
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    file_name: Mapped[str | None] = mapped_column(String(200))
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(BigInteger)
    leaf_index: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Complaint(Base):
    """A complaint against an agency (投诉) with its 48-hour response clock."""

    __tablename__ = "complaint"
    __table_args__ = (Index("ix_complaint_state_due", "state", "due_at"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    agency_code: Mapped[str] = mapped_column(String(18), index=True)
    agency_name: Mapped[str] = mapped_column(String(200))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("debt_case.id"))
    # creditor / debtor / relative (a relative harassed by a collector) / public
    complainant_kind: Mapped[str] = mapped_column(String(16))
    complainant_name: Mapped[str] = mapped_column(String(200))
    complainant_contact: Mapped[str | None] = mapped_column(String(200))
    # The creditor organisation (credit code) that filed it while signed in: its workspace
    # follows the complaint without the query code.
    creditor_id: Mapped[str | None] = mapped_column(String(64), index=True)
    category: Mapped[str] = mapped_column(String(32))
    text: Mapped[str] = mapped_column(Text)
    query_code_hash: Mapped[str] = mapped_column(String(64))
    # filed → answered → resolved; filed → escalated (SLA breached) → answered/resolved;
    # answered → escalated (the complainant asks the platform to step in, once) → resolved.
    state: Mapped[str] = mapped_column(String(16), default="filed")
    filed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    responded_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    response_text: Mapped[str | None] = mapped_column(Text)
    responded_by: Mapped[str | None] = mapped_column(String(200))
    breached_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    operator: Mapped[str | None] = mapped_column(String(200))
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolution: Mapped[str | None] = mapped_column(Text)
    satisfaction: Mapped[int | None] = mapped_column(Integer)  # 1–5, the complainant's
    satisfaction_note: Mapped[str | None] = mapped_column(Text)
    history: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)


class CaseNotification(Base):
    """The outbox: what a creditor, an agency, a complainant or the operators must be told."""

    __tablename__ = "case_notification"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_id: Mapped[int | None] = mapped_column(ForeignKey("debt_case.id"), index=True)
    complaint_id: Mapped[int | None] = mapped_column(ForeignKey("complaint.id"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    recipient_kind: Mapped[str] = mapped_column(String(16))  # creditor/agency/complainant/operator
    recipient_code: Mapped[str | None] = mapped_column(String(64))
    recipient_name: Mapped[str] = mapped_column(String(200))
    subject_zh: Mapped[str] = mapped_column(Text)
    subject_en: Mapped[str] = mapped_column(Text)
    body_zh: Mapped[str] = mapped_column(Text)
    body_en: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    delivered_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
