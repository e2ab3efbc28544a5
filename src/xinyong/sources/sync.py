"""Running a source's sync: file drops, an upstream API by cursor, or a peer's change feed."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select, update

from xinyong.errors import FileRefused, XinyongError
from xinyong.settings import get_settings
from xinyong.sources.catalog import FILE_STEMS, layout_for_file
from xinyong.sources.config import SourceConfig
from xinyong.sources.http import UpstreamClient
from xinyong.sources.ingest import ChangeHook, Counts, Ended, Ingest, open_run
from xinyong.sources.models import SyncRun
from xinyong.sources.readers import cell_text, open_source, read_manifest
from xinyong.sources.targets import all_targets
from xinyong.types import utcnow

Progress = Callable[[str, int], None]


@dataclass
class LayoutRun:
    layout: str
    location: str
    run_id: int
    status: str
    counts: Counts


@dataclass
class SyncResult:
    source: str
    runs: list[LayoutRun] = field(default_factory=list)
    error: XinyongError | None = None

    @property
    def ok(self) -> bool:
        return self.error is None


def last_cursor(
    engine: Engine, source: str, layout: str | None = None, location: str | None = None
):
    t = SyncRun.__table__
    query = select(t.c.cursor).where(t.c.source == source, t.c.cursor.is_not(None))
    if layout:
        query = query.where(t.c.layout == layout)
    if location:
        query = query.where(t.c.location == location, t.c.status.in_(("succeeded", "unchanged")))
    with engine.connect() as conn:
        return conn.execute(query.order_by(t.c.id.desc()).limit(1)).scalar()


def _mark_interrupted(engine: Engine, source: str) -> None:
    """Runs still 'running' when a new sync starts were killed: say so (the lock is ours)."""
    t = SyncRun.__table__
    with engine.begin() as conn:
        conn.execute(
            update(t)
            .where(t.c.source == source, t.c.status == "running")
            .values(status="failed", finished_at=utcnow(), error="中断（进程被终止）/ interrupted")
        )


def _digest(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            h.update(chunk)
    return "sha256:" + h.hexdigest()


def _drop_files(cfg: SourceConfig) -> list[tuple[Path, str]]:
    folder = cfg.folder()
    if not folder.is_dir():
        raise FileRefused(
            f"数据源“{cfg.name}”的目录 {folder} 不存在",
            f"source '{cfg.name}' folder {folder} does not exist",
        )
    order = list(FILE_STEMS)
    found = []
    for path in folder.iterdir():
        layout = layout_for_file(path)
        if layout and (not cfg.layouts or layout.name in cfg.layouts):
            found.append((order.index(path.stem), path.name, path, layout.name))
    if not found:
        wanted = "、".join(cfg.layouts) if cfg.layouts else "任何已知格式 / any known layout"
        raise FileRefused(
            f"数据源“{cfg.name}”的目录 {folder} 中没有待导入的文件（{wanted}）",
            f"source '{cfg.name}' folder {folder} holds no files to import ({', '.join(cfg.layouts) or 'any layout'})",
        )
    return [(path, name) for _, _, path, name in sorted(found)]


def sync_files(
    engine: Engine, cfg: SourceConfig, hook: ChangeHook | None, progress: Progress | None
):
    """Each drop file through its layout; a file identical to the last one imported is skipped."""
    result = SyncResult(cfg.name)
    manifest = read_manifest(cfg.folder())
    demo = cfg.demo or bool(manifest.get("demo"))
    for path, layout_name in _drop_files(cfg):
        digest = _digest(path)
        ingest = Ingest(
            engine,
            all_targets()[layout_name],
            source=cfg.name,
            location=str(path),
            demo=demo,
            on_changes=hook,
            background=True,
        )
        ingest.start(cursor=None)
        if last_cursor(engine, cfg.name, location=str(path)) == digest:
            ingest.finish("unchanged", cursor=digest)
            result.runs.append(
                LayoutRun(layout_name, str(path), ingest.run_id, "unchanged", ingest.counts)
            )
            continue
        step = (lambda n, _p=path.name: progress(_p, n)) if progress else None
        try:
            drop = open_source(path)
        except FileRefused as exc:
            ingest.finish("refused", exc.message)
            result.runs.append(
                LayoutRun(layout_name, str(path), ingest.run_id, "refused", ingest.counts)
            )
            result.error = exc
            continue
        try:
            # A large file into an empty table loads with secondary indexes built at the end.
            large = path.stat().st_size >= get_settings().bulk_load_bytes
            ingest.begin(drop.header, step, bulk=large)
            for line, cells in drop.rows:
                ingest.add(line, cells)
            ingest.end(cursor=digest)
        except FileRefused as exc:  # begin() recorded the refusal
            result.error = exc
            result.runs.append(
                LayoutRun(layout_name, str(path), ingest.run_id, "refused", ingest.counts)
            )
            continue
        except BaseException as exc:
            ingest.fail(exc)
            raise
        result.runs.append(
            LayoutRun(layout_name, str(path), ingest.run_id, "succeeded", ingest.counts)
        )
    return result


def _cells(header: list[str], record: dict[str, Any]) -> list[str]:
    return [cell_text(record.get(h)) for h in header]


def _ended(record: dict[str, Any], today: date) -> Ended:
    on = record.get("_ended_on") or record.get("ended_on")
    return Ended(
        date.fromisoformat(on) if on else today,
        record.get("_end_reason") or record.get("end_reason"),
    )


def sync_api(engine: Engine, cfg: SourceConfig, hook: ChangeHook | None, progress: Progress | None):
    """Pull each dataset page by page from its last cursor; checkpoint after every page."""
    result = SyncResult(cfg.name)
    targets = all_targets()
    with UpstreamClient(cfg.url or "", cfg.token, max_rps=cfg.max_requests_per_second) as client:
        for layout_name in cfg.layouts:
            target = targets[layout_name]
            location = f"{client.base_url}/api/{layout_name}"
            ingest = Ingest(
                engine, target, source=cfg.name, location=location, demo=cfg.demo, on_changes=hook
            )
            cursor = last_cursor(engine, cfg.name, layout_name)
            ingest.start(cursor)
            header = target.layout.headers
            step = (lambda n, _l=layout_name: progress(_l, n)) if progress else None
            try:
                ingest.begin(header, step)
                line = 0
                while True:
                    params = {"page_size": cfg.page_size}
                    if cursor:
                        params["updated_since"] = cursor
                    page = client.get_json(f"/api/{layout_name}", params)
                    today = (
                        date.fromisoformat(page["as_of"]) if page.get("as_of") else utcnow().date()
                    )
                    for record in page.get("records", []):
                        line += 1
                        ended = _ended(record, today) if record.get("_deleted") else None
                        ingest.add(line, _cells(header, record), ended)
                    cursor = page.get("next_cursor") or cursor
                    if cursor:
                        ingest.checkpoint(cursor)
                    if not page.get("has_more"):
                        break
                ingest.end(cursor=cursor)
            except XinyongError as exc:
                ingest.fail(exc)
                result.error = exc
                result.runs.append(
                    LayoutRun(layout_name, location, ingest.run_id, "failed", ingest.counts)
                )
                continue
            except BaseException as exc:
                ingest.fail(exc)
                raise
            result.runs.append(
                LayoutRun(layout_name, location, ingest.run_id, "succeeded", ingest.counts)
            )
    return result


def sync_peer(
    engine: Engine, cfg: SourceConfig, hook: ChangeHook | None, progress: Progress | None
):
    """Follow another node's change feed; its records land under source 'peer:<name>'."""
    result = SyncResult(cfg.name)
    source = f"peer:{cfg.name}"
    targets = all_targets()
    cursor = int(last_cursor(engine, source) or 0)
    ingests: dict[str, Ingest] = {}
    with UpstreamClient(cfg.url or "", cfg.token, max_rps=cfg.max_requests_per_second) as client:
        location = f"{client.base_url}/api/v1/changes"
        for name, target in targets.items():
            ingest = Ingest(engine, target, source=source, location=location, on_changes=hook)
            ingest.start(str(cursor))
            ingest.begin(target.layout.headers)
            ingests[name] = ingest
        try:
            while True:
                page = client.get_json("/api/v1/changes", {"since": cursor, "limit": cfg.page_size})
                for item in page["changes"]:
                    ingest = ingests.get(item["layout"])
                    if ingest is None:  # a layout this node does not know: skip, say so in the run
                        continue
                    ingest.demo = bool(item.get("demo"))
                    ended = (
                        Ended(date.fromisoformat(item["ended_on"]), item.get("end_reason"))
                        if item.get("ended_on")
                        else None
                    )
                    ingest.add(
                        item["seq"], _cells(ingest.target.layout.headers, item["record"]), ended
                    )
                    if progress:
                        progress(item["layout"], 1)
                cursor = page["next"]
                for ingest in ingests.values():
                    ingest.checkpoint(str(cursor))
                if not page.get("more"):
                    break
        except XinyongError as exc:
            for ingest in ingests.values():
                ingest.fail(exc)
            result.error = exc
            return result
        except BaseException as exc:
            for ingest in ingests.values():
                ingest.fail(exc)
            raise
    for name, ingest in ingests.items():
        ingest.end(cursor=str(cursor))
        result.runs.append(LayoutRun(name, location, ingest.run_id, "succeeded", ingest.counts))
    return result


TRANSPORTS = {"files": sync_files, "api": sync_api, "peer": sync_peer}


def sync_source(
    engine: Engine,
    cfg: SourceConfig,
    *,
    hook: ChangeHook | None = None,
    progress: Progress | None = None,
) -> SyncResult:
    """One sync of one source. The caller holds the sync lock (CLI or scheduler)."""
    _mark_interrupted(engine, cfg.name if cfg.transport != "peer" else f"peer:{cfg.name}")
    try:
        return TRANSPORTS[cfg.transport](engine, cfg, hook, progress)
    except XinyongError as exc:
        # The source could not even be opened: still a run, so the freshness page shows why.
        location = str(cfg.folder()) if cfg.transport == "files" else (cfg.url or "")
        with engine.begin() as conn:
            run_id = open_run(conn, cfg.name, "*", location, status="failed", error=exc.message)
        return SyncResult(cfg.name, [LayoutRun("*", location, run_id, "failed", Counts())], exc)
