"""Who runs syncs: under the deployment-wide lease (CLI or the in-process daily scheduler)."""

from __future__ import annotations

import logging
import os
import socket
import threading
import time
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from xinyong.agencies.importer import AGENCY_PROFILES
from xinyong.alerts.engine import make_hook
from xinyong.alerts.rules import load_rules
from xinyong.errors import XinyongError
from xinyong.search.index import ENTERPRISES_LAYOUT, ensure_complete, index_hook
from xinyong.settings import get_settings
from xinyong.sources import lock
from xinyong.sources.config import SourceConfig, load_sources
from xinyong.sources.ingest import ChangeHook, wants_changes, watching
from xinyong.sources.linking import AMBIGUOUS, BY_NAME, UNLINKED
from xinyong.sources.sync import Progress, SyncResult, sync_source

LOCK_NAME = "sync"
log = logging.getLogger(__name__)


class SyncBusy(XinyongError):
    code = "sync_busy"
    status = 409
    title_zh = "同步进行中"
    title_en = "Sync in progress"


def holder_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def change_hook() -> ChangeHook:
    """What every batch a sync writes feeds, in its transaction: the event rules (alerts)
    and the search index."""
    hooks: list[ChangeHook] = [make_hook(load_rules()), index_hook]

    def on_changes(conn, changes) -> None:
        if not changes:
            return
        for hook in hooks:
            if wants_changes(hook, changes[0].layout, changes[0].first_load):
                hook(conn, changes)

    return watching(
        on_changes, lambda layout, first: any(wants_changes(h, layout, first) for h in hooks)
    )


def run_syncs(
    engine: Engine, sources: Iterable[SourceConfig], progress: Progress | None = None
) -> list[SyncResult]:
    """Sync the sources one after another while holding the lease; refuse if another holds it."""
    holder = holder_id()
    lease = timedelta(seconds=get_settings().sync_lease_seconds)
    if not lock.acquire(engine, LOCK_NAME, holder, lease):
        raise SyncBusy(
            "另一个进程正在执行同步，请稍后再试",
            "another process is running a sync; try again later",
        )
    # A short lease renewed while we work: a killed sync blocks the next one only briefly.
    stop = threading.Event()

    def heartbeat() -> None:
        while not stop.wait(lease.total_seconds() / 3):
            try:
                lock.acquire(engine, LOCK_NAME, holder, lease)
            except OperationalError:
                # SQLite has one writer: while our own long transaction (a full search index
                # build) holds it, the renewal must wait, and that same lock keeps any other
                # sync out meanwhile. Try again at the next beat rather than die.
                log.warning("sync lease renewal deferred: the database is busy")

    threading.Thread(target=heartbeat, name="sync-lease", daemon=True).start()
    try:
        hook = change_hook()
        results = [sync_source(engine, cfg, hook=hook, progress=progress) for cfg in sources]
        registry = [
            run for result in results for run in result.runs if run.layout == ENTERPRISES_LAYOUT
        ]
        if any(run.counts.inserted or run.counts.updated for run in registry):
            relink_all(engine)
        elif any(
            run.counts.inserted
            for result in results
            for run in result.runs
            if run.layout == AGENCY_PROFILES.name
        ):
            relink_all(engine, (UNLINKED,))  # a firm registered elsewhere joined the directory
        # Only a registry sync can leave enterprises unindexed (a first load, or one killed
        # before it finished, which its next sync takes up again, changed or not). The check
        # reads every enterprise and entry: 1.7 s on SQLite and 3.4 s on PostgreSQL at a
        # million, which every court or penalty sync paid as well (bench/RESULTS.md, load).
        if registry:
            ensure_complete(engine)
        return results
    finally:
        stop.set()
        lock.release(engine, LOCK_NAME, holder)


def relink_all(engine: Engine, statuses: tuple[str, ...] = (BY_NAME, AMBIGUOUS, UNLINKED)) -> int:
    """New or renamed enterprises may now match records that were imported unlinked."""
    from xinyong.sources.lifecycle import relink
    from xinyong.sources.targets import all_targets

    changed = 0
    with engine.begin() as conn:
        for target in all_targets().values():
            if target.derive is not None:
                changed += relink(conn, target, statuses)
    return changed


class Leadership:
    """Which server process leads the scheduler: the holder of the `scheduler` lease.

    Every process keeps trying (each third of the lease); the holder renews, so a leader that
    dies is replaced within one lease. A leader that cannot renew (the database is busy or
    gone) stops counting itself leader before its lease can expire and pass to another:
    at no moment do two processes both believe they lead.
    """

    NAME = "scheduler"

    def __init__(
        self, engine: Engine, holder: str | None = None, ttl: timedelta | None = None
    ) -> None:
        self.engine = engine
        self.holder = holder or holder_id()
        self.ttl = ttl or timedelta(seconds=get_settings().scheduler_lease_seconds)
        self._renewed_at: float | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    @property
    def is_leader(self) -> bool:
        renewed = self._renewed_at
        # Trust a renewal for 80% of the lease: the margin covers clock steps and a slow beat.
        return renewed is not None and time.monotonic() - renewed < 0.8 * self.ttl.total_seconds()

    def try_lead(self) -> bool:
        # The clock starts before the attempt: the lease in the database runs from a moment
        # inside it, so a renewal that waited on a busy database is not trusted past its end
        # (counted from when it returned, two processes could both believe they lead).
        started = time.monotonic()
        try:
            if lock.acquire(self.engine, self.NAME, self.holder, self.ttl):
                self._renewed_at = started
            else:
                self._renewed_at = None
        except Exception as exc:  # a busy or unreachable database: keep trying, never crash
            log.warning("scheduler lease not renewed: %s", exc)
        return self.is_leader

    def start(self) -> Leadership:
        self.try_lead()

        def beat() -> None:
            while not self._stop.wait(self.ttl.total_seconds() / 3):
                was = self.is_leader
                now = self.try_lead()
                if now != was:
                    log.info("scheduler %s: %s", "leader" if now else "standby", self.holder)

        self._thread = threading.Thread(target=beat, name="scheduler-leader", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        if self._renewed_at is not None:
            try:
                lock.release(self.engine, self.NAME, self.holder)
            except Exception as exc:
                log.warning("scheduler lease not released: %s", exc)
        self._renewed_at = None


def leader_only(leadership: Leadership, func):
    """A job that runs in the leader only; the other processes skip their copy of it."""

    def run(*args, **kwargs):
        if not leadership.is_leader:
            log.debug("job skipped: %s is not the scheduler leader", leadership.holder)
            return None
        return func(*args, **kwargs)

    return run


class LeadScheduler:
    """The APScheduler of a server process together with its leadership."""

    def __init__(self, scheduler, leadership: Leadership) -> None:
        self.scheduler = scheduler
        self.leadership = leadership

    @property
    def role(self) -> str:
        return "leader" if self.leadership.is_leader else "standby"

    def shutdown(self, wait: bool = False) -> None:
        self.scheduler.shutdown(wait=wait)
        self.leadership.stop()


def cron_trigger(schedule: str):
    """A source's cron line, read in Beijing time: what the scheduler runs it by, and what the
    sources page tells visitors of its next run. Weekdays count as in cron (1 is Monday)."""
    from apscheduler.triggers.cron import CronTrigger

    from xinyong.sources.schedule import for_apscheduler

    return CronTrigger.from_crontab(for_apscheduler(schedule), timezone="Asia/Shanghai")


def start_scheduler(engine: Engine) -> LeadScheduler:
    """Daily syncs and the list, rating and case jobs inside `xinyong serve`. Every process
    schedules them; only the scheduler leader (one per deployment) runs them, and each job
    still takes its own lease so a CLI run at the same moment is not doubled."""
    from apscheduler.schedulers.background import BackgroundScheduler

    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    for cfg in load_sources().values():
        if not cfg.schedule:
            continue

        def job(cfg: SourceConfig = cfg) -> None:
            try:
                for result in run_syncs(engine, [cfg]):
                    log.info("sync %s: %s", result.source, "ok" if result.ok else result.error)
            except SyncBusy:
                log.info("sync %s skipped: another process holds the lease", cfg.name)

        scheduler.add_job(job, cron_trigger(cfg.schedule), id=cfg.name)
    from xinyong.lists.jobs import add_jobs as add_list_jobs

    add_list_jobs(scheduler, engine)
    from xinyong.rating.jobs import add_jobs as add_rating_jobs

    add_rating_jobs(scheduler, engine)
    from xinyong.cases.jobs import add_jobs as add_case_jobs

    add_case_jobs(scheduler, engine)
    leadership = Leadership(engine).start()
    for job in scheduler.get_jobs():
        job.modify(func=leader_only(leadership, job.func))
    scheduler.start()
    return LeadScheduler(scheduler, leadership)
