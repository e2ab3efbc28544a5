"""Who runs syncs: under the deployment-wide lease (CLI or the in-process daily scheduler)."""

from __future__ import annotations

import logging
import os
import socket
import threading
from collections.abc import Iterable
from datetime import timedelta

from sqlalchemy import Engine
from sqlalchemy.exc import OperationalError

from xinyong.alerts.engine import make_hook
from xinyong.alerts.rules import load_rules
from xinyong.errors import XinyongError
from xinyong.search.index import ensure_complete, index_hook
from xinyong.settings import get_settings
from xinyong.sources import lock
from xinyong.sources.config import SourceConfig, load_sources
from xinyong.sources.ingest import ChangeHook
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
        for hook in hooks:
            hook(conn, changes)

    return on_changes


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
        if any(
            run.layout == "registry.enterprises" and (run.counts.inserted or run.counts.updated)
            for result in results
            for run in result.runs
        ):
            relink_all(engine)
        ensure_complete(engine)
        return results
    finally:
        stop.set()
        lock.release(engine, LOCK_NAME, holder)


def relink_all(engine: Engine) -> int:
    """New or renamed enterprises may now match records that were imported unlinked."""
    from xinyong.sources.lifecycle import relink
    from xinyong.sources.targets import all_targets

    changed = 0
    with engine.begin() as conn:
        for target in all_targets().values():
            if target.derive is not None:
                changed += relink(conn, target)
    return changed


def start_scheduler(engine: Engine):
    """Daily syncs inside `xinyong serve`: every process schedules, only the lease holder runs."""
    from apscheduler.schedulers.background import BackgroundScheduler
    from apscheduler.triggers.cron import CronTrigger

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

        scheduler.add_job(
            job, CronTrigger.from_crontab(cfg.schedule, timezone="Asia/Shanghai"), id=cfg.name
        )
    from xinyong.lists.jobs import add_jobs as add_list_jobs

    add_list_jobs(scheduler, engine)
    from xinyong.rating.jobs import add_jobs as add_rating_jobs

    add_rating_jobs(scheduler, engine)
    from xinyong.cases.jobs import add_jobs as add_case_jobs

    add_case_jobs(scheduler, engine)
    scheduler.start()
    return scheduler
