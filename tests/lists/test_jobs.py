"""The server schedules expiry and the proposal rules; only the process holding the lease runs them."""

from __future__ import annotations

from datetime import timedelta

from apscheduler.schedulers.background import BackgroundScheduler

from tests.lists.story import OPERATOR, at, proposal
from xinyong.lists import service
from xinyong.lists.jobs import LOCK_NAME, add_jobs, exclusive
from xinyong.sources import lock


def test_the_expiry_job_runs_under_the_lease(engine, session):
    entry = service.propose(session, proposal(), OPERATOR, at(2026, 5, 4))
    service.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
    service.publish(session, entry.id, OPERATOR, at(2026, 5, 11))
    session.commit()
    job = exclusive(engine, lambda: service.run_expiry(engine, at(2027, 5, 4, 0)), "expiry")

    assert lock.acquire(engine, LOCK_NAME, "another-node:1", timedelta(minutes=5))
    job()  # another process holds the lease: this one leaves it alone
    session.expire_all()
    assert service.get_entry(session, entry.id).state == "published"
    lock.release(engine, LOCK_NAME, "another-node:1")

    job()
    session.expire_all()
    assert service.get_entry(session, entry.id).state == "expired"


def test_the_server_scheduler_carries_the_list_jobs(engine):
    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    add_jobs(scheduler, engine)
    assert {j.id for j in scheduler.get_jobs()} == {"lists-expiry", "lists-rules"}
    assert "hour='0'" in str(scheduler.get_job("lists-expiry").trigger)
