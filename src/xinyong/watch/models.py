"""Watch list table: one row per person and watched enterprise, with where its alerts start and were read."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer, "sqlite")


class WatchItem(Base):
    """An enterprise a person watches. Alerts are derived from what changed after the marks."""

    __tablename__ = "watch_item"
    __table_args__ = (UniqueConstraint("user_id", "credit_code", name="uq_watch_item_user_code"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id"), index=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # The change feed's number when the watch began: only later record changes are alerts.
    since_seq: Mapped[int] = mapped_column(BigInteger)
    # What the person has read: feed number for records, a time for list and grade events.
    seen_seq: Mapped[int] = mapped_column(BigInteger)
    seen_at: Mapped[datetime] = mapped_column(UTCDateTime)
