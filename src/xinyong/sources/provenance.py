"""Provenance columns every imported record carries, and the history of its earlier versions."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import JSON, BigInteger, Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime


class Provenance:
    """Where a record came from and as of when; `known_from` is when this version reached us."""

    source: Mapped[str] = mapped_column(String(64))
    source_record_id: Mapped[str] = mapped_column(String(128))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    as_of: Mapped[date | None] = mapped_column(Date)
    known_from: Mapped[datetime] = mapped_column(UTCDateTime())
    content_hash: Mapped[str] = mapped_column(String(32))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Position in this node's change feed; a new number on every insert, update or closure.
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)

    @declared_attr.directive
    def __table_args__(cls):  # noqa: N805 - SQLAlchemy declared_attr signature
        return (
            Index(f"uq_{cls.__tablename__}_source_record", "source", "source_record_id", unique=True),
        )


class FeedCounter(Base):
    """Hands out change-feed sequence numbers. Its row lock, held until the writing
    transaction commits, makes numbers become visible in order, so a feed reader that
    has seen number N will never later find a smaller one appear."""

    __tablename__ = "feed_counter"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def allocate_seq(conn, count: int) -> int:
    """Reserve `count` feed numbers inside the caller's transaction; returns the first."""
    table = FeedCounter.__table__
    last = conn.execute(
        table.update()
        .where(table.c.name == "changes")
        .values(value=table.c.value + count)
        .returning(table.c.value)
    ).scalar_one()
    return last - count + 1


class RecordHistory(Base):
    """An earlier version of an imported record: what we believed from known_from to known_to."""

    __tablename__ = "record_history"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(BigInteger)
    credit_code: Mapped[str | None] = mapped_column(String(18))
    data: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(64))
    source_record_id: Mapped[str] = mapped_column(String(128))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    as_of: Mapped[date | None] = mapped_column(Date)
    known_from: Mapped[datetime] = mapped_column(UTCDateTime())
    known_to: Mapped[datetime] = mapped_column(UTCDateTime())
    demo: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_record_history_record", "record_type", "record_id"),
        Index("ix_record_history_code", "record_type", "credit_code"),
    )
