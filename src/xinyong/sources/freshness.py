"""How fresh each source is: last success and failure, lag, record counts, rejects."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from pydantic import BaseModel
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.paging import Page, keyset
from xinyong.sources.config import SourceConfig
from xinyong.sources.models import Reject, SyncRun
from xinyong.sources.schedule import describe
from xinyong.sources.targets import all_targets
from xinyong.types import utcnow

OK_STATUSES = ("succeeded", "unchanged")
BAD_STATUSES = ("failed", "refused")


class RunOut(BaseModel):
    id: int
    layout: str
    location: str
    status: str
    started_at: datetime
    finished_at: datetime | None
    rows_read: int
    inserted: int
    updated: int
    unchanged: int
    closed: int
    rejected: int
    error: str | None


class SourceStatus(BaseModel):
    name: str
    title_zh: str
    title_en: str
    transport: str
    schedule: str | None  # cron, Beijing time
    schedule_zh: str  # the same in plain words: 每天 02:00
    schedule_en: str  # daily at 02:00
    next_run: datetime | None  # when the scheduler next syncs it (None: by hand only)
    last_success: datetime | None
    last_failure: datetime | None
    last_error: str | None
    hours_since_success: float | None
    newest_as_of: date | None
    days_behind_upstream: int | None  # today (Asia/Shanghai) minus the newest as-of date
    records: dict[str, int]
    rejects_last_run: int
    recent_runs: list[RunOut]
    fresh: bool


def _stored_name(cfg: SourceConfig) -> str:
    return f"peer:{cfg.name}" if cfg.transport == "peer" else cfg.name


def source_status(
    session: Session, cfg: SourceConfig, today: date | None = None, *, records: bool = True
) -> SourceStatus:
    """One source's freshness; `records=False` skips counting its records in every table (a
    count over each imported table) for a view that shows no counts, the console's overview."""
    from zoneinfo import ZoneInfo

    name = _stored_name(cfg)
    now = utcnow()
    today = today or now.astimezone(ZoneInfo("Asia/Shanghai")).date()
    runs = session.scalars(
        select(SyncRun).where(SyncRun.source == name).order_by(SyncRun.id.desc()).limit(10)
    ).all()
    success = next((r for r in runs if r.status in OK_STATUSES and r.finished_at), None)
    failure = next((r for r in runs if r.status in BAD_STATUSES), None)
    counts: dict[str, int] = {}
    newest: date | None = None
    for layout, target in all_targets().items() if records else ():
        table = target.table
        count, as_of = session.execute(
            select(func.count(), func.max(table.c.as_of)).where(table.c.source == name)
        ).one()
        if count:
            counts[layout] = count
            newest = max(filter(None, (newest, as_of)), default=None)
    last = runs[0] if runs else None
    rejects = (
        session.scalar(select(func.count()).select_from(Reject).where(Reject.run_id == last.id))
        if last
        else 0
    )
    hours = (now - success.finished_at).total_seconds() / 3600 if success else None
    # A daily source is fresh when it succeeded within a day and a half and its last run did not fail.
    fresh = hours is not None and hours < 36 and (last is None or last.status not in BAD_STATUSES)
    schedule_zh, schedule_en = describe(cfg.schedule)
    return SourceStatus(
        name=cfg.name,
        title_zh=cfg.title_zh,
        title_en=cfg.title_en,
        transport=cfg.transport,
        schedule=cfg.schedule,
        schedule_zh=schedule_zh,
        schedule_en=schedule_en,
        next_run=_next_run(cfg.schedule, now),
        last_success=success.finished_at if success else None,
        last_failure=failure.finished_at if failure else None,
        last_error=failure.error if failure else None,
        hours_since_success=round(hours, 2) if hours is not None else None,
        newest_as_of=newest,
        days_behind_upstream=(today - newest).days if newest else None,
        records=counts,
        rejects_last_run=rejects or 0,
        recent_runs=[RunOut.model_validate(r, from_attributes=True) for r in runs],
        fresh=fresh,
    )


def _next_run(schedule: str | None, now: datetime) -> datetime | None:
    from xinyong.sources.scheduler import cron_trigger

    return cron_trigger(schedule).get_next_fire_time(None, now) if schedule else None


def last_runs(session: Session) -> dict[str, tuple[datetime | None, bool]]:
    """Per source as stored: when its last good run finished (an unchanged file is good too),
    and whether its latest finished run failed or was refused — what a monitor alerts on, read
    in two grouped statements, without source_status's record counts (/metrics asks on every
    scrape)."""
    good = dict(
        session.execute(
            select(SyncRun.source, func.max(SyncRun.finished_at))
            .where(SyncRun.status.in_(OK_STATUSES))
            .group_by(SyncRun.source)
        ).all()
    )
    latest = (
        select(func.max(SyncRun.id).label("id"))
        .where(SyncRun.finished_at.is_not(None))
        .group_by(SyncRun.source)
        .subquery()
    )
    last = dict(
        session.execute(
            select(SyncRun.source, SyncRun.status).join(latest, latest.c.id == SyncRun.id)
        ).all()
    )
    return {name: (good.get(name), last.get(name) in BAD_STATUSES) for name in good.keys() | last}


def all_status(
    session: Session, configs: dict[str, SourceConfig], *, records: bool = True
) -> list[SourceStatus]:
    return [source_status(session, cfg, records=records) for cfg in configs.values()]


def rejects_of(session: Session, run_id: int, limit: int = 200) -> list[dict[str, Any]]:
    rows = session.scalars(
        select(Reject).where(Reject.run_id == run_id).order_by(Reject.id).limit(limit)
    )
    return [_reject(r) for r in rows]


def rejects_page(
    session: Session, run_id: int, *, before: int | None = None, after: int | None = None
) -> Page[dict[str, Any]]:
    """One page of a run's rejected rows (the console's fragment), in the order they were read."""
    query = select(Reject).where(Reject.run_id == run_id)
    found = keyset(session, query, Reject.id, before=before, after=after, ascending=True)
    return found.map(_reject)


def runs_page(
    session: Session,
    cfg: SourceConfig,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = 10,
) -> Page[RunOut]:
    """One page of a source's runs, newest first: the sync dashboard reaches back to the first."""
    query = select(SyncRun).where(SyncRun.source == _stored_name(cfg))
    found = keyset(session, query, SyncRun.id, before=before, after=after, size=size)
    return found.map(lambda r: RunOut.model_validate(r, from_attributes=True))


def _reject(r: Reject) -> dict[str, Any]:
    return {
        "line": r.line,
        "field": r.field,
        "value": r.value,
        "reason_zh": r.reason_zh,
        "reason_en": r.reason_en,
    }
