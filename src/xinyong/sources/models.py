"""Sync runs and rejected rows: every import is recorded, every bad row kept with its reason."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, BigInteger, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime

_ID = BigInteger().with_variant(Integer, "sqlite")


class SyncRun(Base):
    """One run of one connector over one file or feed."""

    __tablename__ = "sync_run"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    source: Mapped[str] = mapped_column(String(64), index=True)
    layout: Mapped[str] = mapped_column(String(64))
    location: Mapped[str] = mapped_column(Text)  # file path or URL
    started_at: Mapped[datetime] = mapped_column(UTCDateTime())
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(16))  # running / succeeded / failed / refused
    cursor: Mapped[str | None] = mapped_column(String(200))
    rows_read: Mapped[int] = mapped_column(Integer, default=0)
    inserted: Mapped[int] = mapped_column(Integer, default=0)
    updated: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    closed: Mapped[int] = mapped_column(Integer, default=0)  # records the upstream removed
    rejected: Mapped[int] = mapped_column(Integer, default=0)
    error: Mapped[str | None] = mapped_column(Text)


class Reject(Base):
    """A row that could not be imported, with where it was and why (Chinese and English)."""

    __tablename__ = "reject"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("sync_run.id"), index=True)
    location: Mapped[str] = mapped_column(Text)
    line: Mapped[int | None] = mapped_column(Integer)
    field: Mapped[str | None] = mapped_column(String(100))
    value: Mapped[str | None] = mapped_column(Text)
    reason_zh: Mapped[str] = mapped_column(Text)
    reason_en: Mapped[str] = mapped_column(Text)
    raw: Mapped[dict] = mapped_column(JSON)
