"""A lease lock in the database, so one process of a deployment runs the scheduled syncs."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Engine, String, delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow


class Lease(Base):
    """Who holds a named lock until when; an expired lease may be taken over."""

    __tablename__ = "lease"

    name: Mapped[str] = mapped_column(String(64), primary_key=True)
    holder: Mapped[str] = mapped_column(String(128))
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())


def acquire(engine: Engine, name: str, holder: str, ttl: timedelta) -> bool:
    """Take or renew the lease; False when another live holder has it.

    Works the same on SQLite and PostgreSQL: a conditional UPDATE is atomic on both, and the
    primary key makes the first INSERT race-free.
    """
    table = Lease.__table__
    now = utcnow()
    with engine.begin() as conn:
        taken = conn.execute(
            update(table)
            .where(table.c.name == name)
            .where((table.c.holder == holder) | (table.c.expires_at < now))
            .values(holder=holder, expires_at=now + ttl)
        ).rowcount
        if taken:
            return True
        if conn.execute(select(table.c.name).where(table.c.name == name)).first():
            return False
    try:
        with engine.begin() as conn:
            conn.execute(insert(table).values(name=name, holder=holder, expires_at=now + ttl))
        return True
    except IntegrityError:
        return False


def release(engine: Engine, name: str, holder: str) -> None:
    table = Lease.__table__
    with engine.begin() as conn:
        conn.execute(delete(table).where(table.c.name == name, table.c.holder == holder))
