"""Agency directory tables: the service profile and the versioned fee schedules it publishes."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import JSON, BigInteger, Date, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.sources.provenance import Provenance

_ID = BigInteger().with_variant(Integer, "sqlite")


class Agency(Provenance, Base):
    """An agency's service profile (机构名录), tied to its enterprise by credit code.

    Only what the agency itself declares lives here. Its verification verdict, rating, stars
    and case performance are computed by their own domains and joined in when shown.
    """

    __tablename__ = "agency"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)  # 统一社会信用代码
    name: Mapped[str] = mapped_column(String(200))  # 机构名称 as published
    kind: Mapped[str] = mapped_column(String(32), index=True)  # law_firm / mediation / …
    services: Mapped[list[str]] = mapped_column(JSON, default=list)  # service codes
    regions: Mapped[list[str]] = mapped_column(JSON, default=list)  # division codes served
    phone: Mapped[str | None] = mapped_column(String(64))
    address: Mapped[str | None] = mapped_column(Text)
    website: Mapped[str | None] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)


class FeeScheduleVersion(Provenance, Base):
    """One version of an agency's published fee schedule (收费标准), in force from a date.

    A later version supersedes earlier ones from its effective date; nothing is overwritten.
    """

    __tablename__ = "fee_schedule"
    __table_args__ = (
        Index("uq_fee_schedule_source_record", "source", "source_record_id", unique=True),
        Index("ix_fee_schedule_code_version", "credit_code", "version"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18))
    version: Mapped[int] = mapped_column(Integer)
    effective_from: Mapped[date] = mapped_column(Date)
    effective_to: Mapped[date | None] = mapped_column(Date)
    title: Mapped[str | None] = mapped_column(String(200))
    schedule: Mapped[dict[str, Any]] = mapped_column(JSON)  # the FeeSchedule document
