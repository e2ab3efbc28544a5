"""Scheduled case clocks: first-report misses, complaint reminders and escalations every 5 minutes."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine

from xinyong.cases import complaints, service
from xinyong.cases.live import notify_all
from xinyong.db import session_factory
from xinyong.sources import lock

LOCK_NAME = "cases"
log = logging.getLogger(__name__)


def run_clocks(engine: Engine, now: datetime | None = None) -> dict[str, Any]:
    """One pass of every clock in one transaction (what the scheduler and `xinyong cases clocks` run)."""
    with session_factory(engine)() as session:
        missed = service.sweep_first_reports(session, now)
        swept = complaints.sweep(session, now)
        session.commit()
    for case_id in missed:
        notify_all(case_id)
    return {"first_reports_missed": missed, **swept}


def exclusive(engine: Engine, now: Callable[[], datetime | None] = lambda: None):
    """Every server process schedules the clocks; the one that takes the lease runs them."""

    def run() -> dict[str, Any] | None:
        from xinyong.sources.scheduler import holder_id

        holder = holder_id()
        if not lock.acquire(engine, LOCK_NAME, holder, timedelta(minutes=4)):
            log.info("case clocks skipped: another process runs them")
            return None
        try:
            result = run_clocks(engine, now())
            log.info("case clocks: %s", result)
            return result
        finally:
            lock.release(engine, LOCK_NAME, holder)

    return run


def add_jobs(scheduler, engine: Engine) -> None:
    """Add the clock job to an APScheduler scheduler (`start_scheduler` calls this)."""
    from apscheduler.triggers.interval import IntervalTrigger

    scheduler.add_job(exclusive(engine), IntervalTrigger(minutes=5), id="cases-clocks")
