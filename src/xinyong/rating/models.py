"""Rating tables: each enterprise's current grade, its grade history, and the recompute watermark."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, Boolean, Date, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime

_ID = BigInteger().with_variant(Integer, "sqlite")


class Rating(Base):
    """The grade in force for one enterprise: score, grade, colour and the factors behind them."""

    __tablename__ = "rating"

    credit_code: Mapped[str] = mapped_column(String(18), primary_key=True)
    score: Mapped[int] = mapped_column(Integer)  # 0–100
    grade: Mapped[str] = mapped_column(String(3))  # AAA … C
    colour: Mapped[str] = mapped_column(String(6))  # green / yellow / orange / red
    model_version: Mapped[str] = mapped_column(String(20))  # scorecard.yaml `version`
    # Only the factors that took points or say something (a red list entry, a "no record");
    # a dimension absent here kept all its points.
    factors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    unassessed: Mapped[list[str]] = mapped_column(JSON)  # dimensions with no record at all
    agency: Mapped[bool] = mapped_column(Boolean)
    as_of: Mapped[date | None] = mapped_column(Date)  # the newest source record it read
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime())  # grade or score last changed


class RatingHistory(Base):
    """A grade as it was given; a new row only when the score, grade or model version changes."""

    __tablename__ = "rating_history"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18))
    score: Mapped[int] = mapped_column(Integer)
    grade: Mapped[str] = mapped_column(String(3))
    colour: Mapped[str] = mapped_column(String(6))
    model_version: Mapped[str] = mapped_column(String(20))
    factors: Mapped[list[dict[str, Any]]] = mapped_column(JSON)
    unassessed: Mapped[list[str]] = mapped_column(JSON)
    as_of: Mapped[date | None] = mapped_column(Date)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime())
    # The decisions that moved it at once ({record, id, action, zh, en} each: a list entry
    # published, revoked, expired, repaired or corrected); None from a rating pass.
    cause: Mapped[list[dict[str, Any]] | None] = mapped_column(JSON)

    __table_args__ = (Index("ix_rating_history_code", "credit_code", "id"),)


class RatingState(Base):
    """How far the incremental recompute has read the change feed, and when it last ran."""

    __tablename__ = "rating_state"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
