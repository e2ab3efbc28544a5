"""Scheduled list jobs: expiry just after local midnight, the proposal rules every hour."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import Engine

from xinyong.lists.proposals import run_rules
from xinyong.lists.service import run_expiry
from xinyong.sources import lock

LOCK_NAME = "lists"
log = logging.getLogger(__name__)


def exclusive(engine: Engine, job: Callable[[], object], name: str) -> Callable[[], None]:
    """Every server process schedules the job; the one that takes the lease runs it."""

    def run() -> None:
        from xinyong.sources.scheduler import holder_id

        holder = holder_id()
        if not lock.acquire(engine, LOCK_NAME, holder, timedelta(minutes=10)):
            log.info("lists %s skipped: another process runs it", name)
            return
        try:
            log.info("lists %s: %s", name, job())
        finally:
            lock.release(engine, LOCK_NAME, holder)

    return run


def add_jobs(scheduler, engine: Engine) -> None:
    """Add the list jobs to an APScheduler scheduler (`start_scheduler` calls this)."""
    from apscheduler.triggers.cron import CronTrigger

    scheduler.add_job(
        exclusive(engine, lambda: run_expiry(engine), "expiry"),
        CronTrigger(hour=0, minute=5, timezone="Asia/Shanghai"),
        id="lists-expiry",
    )
    scheduler.add_job(
        exclusive(engine, lambda: run_rules(engine), "rules"),
        CronTrigger(minute=20, timezone="Asia/Shanghai"),
        id="lists-rules",
    )
