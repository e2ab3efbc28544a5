"""The issued_report table: a report's number and the snapshot it was printed from."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer, "sqlite")


class IssuedReport(Base):
    """A numbered report (信用报告 …) as issued: a printed copy is checked against this row."""

    __tablename__ = "issued_report"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(32))  # credit_report / verification / …
    subject: Mapped[str] = mapped_column(String(64), index=True)  # e.g. the credit code
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))  # SHA-256 of the canonical snapshot JSON
    issued_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
