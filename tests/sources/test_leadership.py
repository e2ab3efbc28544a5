"""One scheduler leader per deployment, even when renewing the lease waits on a busy database."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

from sqlalchemy import select, text

from xinyong.sources.lock import Lease
from xinyong.sources.scheduler import Leadership
from xinyong.types import utcnow


def _hold_the_lease_row(engine, seconds: float, held: threading.Event) -> None:
    """Another writer keeps the lease row locked (a row lock on PostgreSQL, the write lock on
    SQLite) for a while, as a busy database does."""
    with engine.begin() as conn:
        conn.execute(text("UPDATE lease SET holder = holder WHERE name = 'scheduler'"))
        held.set()
        time.sleep(seconds)


def test_a_leader_whose_renewal_waited_does_not_outlive_its_lease(engine):
    leader = Leadership(engine, "node-a:1", ttl=timedelta(seconds=2))
    assert leader.try_lead() and leader.is_leader

    held = threading.Event()
    blocker = threading.Thread(target=_hold_the_lease_row, args=(engine, 1.5, held))
    blocker.start()
    held.wait(5)
    started = time.monotonic()
    assert leader.try_lead()  # renewed, but only after waiting 1.5 s of a 2 s lease
    assert time.monotonic() - started >= 1.4
    blocker.join()

    # Once the renewed lease has run out in the database, another process may take it over;
    # by then the old leader must have stopped believing it leads.
    with engine.connect() as conn:
        expires = conn.execute(select(Lease.expires_at).where(Lease.name == "scheduler")).scalar()
    while utcnow() <= expires:
        time.sleep(0.05)
    other = Leadership(engine, "node-b:2", ttl=timedelta(seconds=2))
    assert other.try_lead() and other.is_leader
    assert not leader.is_leader


def test_a_live_leader_keeps_the_lease_and_a_standby_waits(engine):
    a = Leadership(engine, "node-a:1", ttl=timedelta(seconds=30))
    b = Leadership(engine, "node-b:2", ttl=timedelta(seconds=30))
    assert a.try_lead() and not b.try_lead()
    assert a.try_lead() and not b.try_lead()
    a.stop()  # a clean shutdown hands the lease over at once
    assert b.try_lead() and not a.is_leader
