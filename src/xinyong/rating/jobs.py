"""Scheduled rating passes: the changed enterprises every quarter hour, all of them nightly."""

from __future__ import annotations

import logging
from datetime import timedelta

from sqlalchemy import Engine

from xinyong.rating.service import recompute_all, recompute_changed
from xinyong.sources import lock

LOCK_NAME = "rating"
log = logging.getLogger(__name__)


def _exclusive(engine: Engine, name: str, job) -> callable:
    """Every server process schedules the pass; the one that takes the lease runs it."""

    def run() -> None:
        from xinyong.sources.scheduler import holder_id

        holder = holder_id()
        if not lock.acquire(engine, LOCK_NAME, holder, timedelta(minutes=30)):
            log.info("rating %s skipped: another process runs it", name)
            return
        try:
            log.info("rating %s: %s", name, job().as_dict())
        finally:
            lock.release(engine, LOCK_NAME, holder)

    return run


def add_jobs(scheduler, engine: Engine) -> None:
    """Add the rating passes to an APScheduler scheduler (`start_scheduler` calls this)."""
    from apscheduler.triggers.cron import CronTrigger

    # Syncs run on their own schedules; a quarter-hourly look at the change feed re-rates what
    # they touched (one indexed query when nothing changed).
    scheduler.add_job(
        _exclusive(engine, "changed", lambda: recompute_changed(engine)),
        CronTrigger(minute="*/15", timezone="Asia/Shanghai"),
        id="rating-changed",
    )
    # Grades also move with the calendar alone (a penalty's publicity ends, a firm turns three).
    scheduler.add_job(
        _exclusive(engine, "full", lambda: recompute_all(engine)),
        CronTrigger(hour=2, minute=30, timezone="Asia/Shanghai"),
        id="rating-full",
    )
