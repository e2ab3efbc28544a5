"""The one import path: parse rows by layout, reject bad ones, upsert the rest with history."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from typing import Any

from sqlalchemy import Connection, Engine, Index, Table, insert, literal, select, text, update
from sqlalchemy.exc import IntegrityError

from xinyong.codes import mask_id_number
from xinyong.db import among
from xinyong.errors import FileRefused
from xinyong.sources.fields import FieldError
from xinyong.sources.layouts import Layout
from xinyong.sources.models import Reject, SyncRun
from xinyong.sources.provenance import (
    allocate_seq,
    business_columns,
    insert_many,
    plain_indexes,
    write_versions,
)
from xinyong.sources.readers import BrokenRow
from xinyong.types import utcnow

# Rows per transaction in a large first load (see Ingest.begin).
BULK_BATCH = 10_000


@dataclass(frozen=True, slots=True)
class Prepared:
    """A valid row ready to write: its record id, columns, as-of date and content digest."""

    key: str
    columns: dict[str, Any]
    as_of: date | None
    digest: str


@dataclass(frozen=True)
class Target:
    """Where a layout's rows land: the table and how parsed values become its columns."""

    layout: Layout
    table: Table
    to_columns: Callable[[dict[str, Any]], dict[str, Any]] = dict
    # Adds derived columns (e.g. the link to an enterprise) to rows about to be written, a
    # batch at a time so look-ups are one query. Not part of the content hash: upstream
    # content decides whether a record changed, our derivations do not.
    derive: Callable[[Connection, list[dict[str, Any]]], None] | None = None
    # A column that identifies the real-world record across sources (an enterprise's credit
    # code): a second source may not create a duplicate of it.
    unique_by: str | None = None

    @property
    def record_type(self) -> str:
        return self.table.name

    def key_of(self, values: dict[str, Any]) -> str:
        """The upstream record id (source_record_id) from the layout's key fields."""
        return "|".join([str(values.get(k)) for k in self.layout.key])

    def prepare(self, values: dict[str, Any]) -> Prepared:
        """Parsed values as the columns to store, with the record id and content digest."""
        values = self._blank | values
        as_of = values.pop("as_of", None)
        columns = self.to_columns(values)
        return Prepared(self.key_of(values), columns, as_of, content_hash(columns))

    @cached_property
    def _blank(self) -> dict[str, None]:
        """Every field of the layout, empty: a row's missing columns read as None."""
        return {fl.key: None for fl in self.layout.fields}

    @property
    def business_columns(self) -> list[str]:
        return business_columns(self.table)


@dataclass
class RowProblem:
    line: int | None
    field: str | None
    value: str | None
    reason_zh: str
    reason_en: str


@dataclass
class Counts:
    rows_read: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    rejected: int = 0
    problems: list[RowProblem] = field(default_factory=list)

    def as_columns(self) -> dict[str, int]:
        """The counts as `sync_run` columns."""
        names = ("rows_read", "inserted", "updated", "unchanged", "closed", "rejected")
        return {name: getattr(self, name) for name in names}


def open_run(
    conn: Connection,
    source: str,
    layout: str,
    location: str,
    cursor: str | None = None,
    status: str = "running",
    error: str | None = None,
) -> int:
    """Record a new sync run and return its id; a run that ends at once passes its status."""
    now = utcnow()
    return conn.execute(
        insert(SyncRun.__table__).returning(SyncRun.__table__.c.id),
        dict(
            source=source,
            layout=layout,
            location=location,
            started_at=now,
            finished_at=None if status == "running" else now,
            status=status,
            cursor=cursor,
            error=error,
            **Counts().as_columns(),
        ),
    ).scalar_one()


def content_hash(values: dict[str, Any]) -> str:
    """Digest of a record's upstream content: str() of str/int/date/Decimal/list is stable,
    and the unit separator keeps fields apart."""
    payload = "\x1f".join([f"{k}\x1e{values[k]}" for k in sorted(values)])
    return hashlib.blake2b(payload.encode(), digest_size=16).hexdigest()


def map_header(layout: Layout, header: list[str], location: str) -> list[tuple[int, Any]]:
    """Match a file's header to the layout; refuse the file when required columns are missing."""
    by_name = {name: fl for fl in layout.fields for name in fl.headers}
    mapping = [(i, by_name[h]) for i, h in enumerate(header) if h in by_name]
    found = {fl.key for _, fl in mapping}
    missing = [fl.header for fl in layout.fields if fl.required and fl.key not in found]
    if missing or not mapping:
        expected = "，".join(layout.headers)
        raise FileRefused(
            f"{location}：表头缺少必填列 {'、'.join(missing) or '（无可识别列）'}。{layout.title_zh}应包含：{expected}",
            f"{location}: header lacks required columns {', '.join(missing) or '(none recognised)'}. "
            f"{layout.title_en} expects: {', '.join(layout.headers)}",
            file=location,
            missing=missing,
        )
    return mapping


def parse_row(
    mapping: list[tuple[int, Any]], cells: list[str], width: int, line: int
) -> tuple[dict[str, Any], list[RowProblem]]:
    """Parse the mapped cells into values by field key, with every problem of the row."""
    values: dict[str, Any] = {}
    problems: list[RowProblem] = []
    if isinstance(cells, BrokenRow):
        return values, [RowProblem(line, None, None, cells.reason_zh, cells.reason_en)]
    if len(cells) != width:
        problems.append(
            RowProblem(
                line,
                None,
                None,
                f"第 {line} 行有 {len(cells)} 列，表头有 {width} 列",
                f"line {line} has {len(cells)} cells, the header has {width}",
            )
        )
        return values, problems
    for index, fl in mapping:
        raw = cells[index]
        if not raw.strip():
            values[fl.key] = None
            if fl.required:
                problems.append(
                    RowProblem(
                        line,
                        fl.header,
                        raw,
                        f"第 {line} 行“{fl.header}”为必填项，不能为空",
                        f"line {line}, field '{fl.header}' is required and empty",
                    )
                )
            continue
        try:
            values[fl.key] = fl.parse(raw)
        except FieldError as exc:
            problems.append(
                RowProblem(
                    line,
                    fl.header,
                    raw,
                    f"第 {line} 行“{fl.header}”：{exc.reason_zh}",
                    f"line {line}, field '{fl.header}': {exc.reason_en}",
                )
            )
    return values, problems


@dataclass(frozen=True)
class Change:
    """One write, as event rules see it: what the record was and what it became."""

    op: str  # insert / update / close
    layout: str
    source: str
    source_record_id: str
    old: dict[str, Any] | None
    new: dict[str, Any]
    # Written while the source loaded into its (then empty) table for the first time.
    first_load: bool = False


ChangeHook = Callable[[Connection, list[Change]], None]


def watching(hook: ChangeHook, wants: Callable[[str, bool], bool]) -> ChangeHook:
    """Mark a hook with what it reads: `wants(layout, first_load)`. A batch no hook wants
    builds no Change objects (one per row, old and new dicts: 5% of a court import)."""
    hook.wants = wants  # type: ignore[attr-defined]
    return hook


def wants_changes(hook: ChangeHook | None, layout: str, first_load: bool) -> bool:
    """Whether `hook` reads changes of this layout; an unmarked hook reads everything."""
    if hook is None:
        return False
    wants = getattr(hook, "wants", None)
    return wants is None or wants(layout, first_load)


@dataclass(frozen=True)
class Ended:
    """An upstream removal: the record ended on this date (a 失信 record deleted by the court)."""

    on: date
    reason: str | None = None


class Ingest:
    """One run of one target over a stream of rows, committed batch by batch.

    Committing per batch keeps memory flat and lets a killed run be re-run: rows already
    landed hash as unchanged, so the re-run only writes what is missing. Rows are pushed
    (`begin`, `add`, `end`) so one feed can drive several targets at once; `run` wraps that
    for a file.
    """

    def __init__(
        self,
        engine: Engine,
        target: Target,
        *,
        source: str,
        location: str,
        demo: bool = False,
        batch_size: int = 2000,
        fetched_at: datetime | None = None,
        on_changes: ChangeHook | None = None,
        background: bool = False,
    ) -> None:
        self.engine = engine
        self.on_changes = on_changes
        self.target = target
        self.source = source
        self.location = location
        self.demo = demo
        self.batch_size = batch_size
        self.fetched_at = fetched_at or utcnow()
        self.counts = Counts()
        self.run_id: int | None = None
        self._header: list[str] = []
        self._mapping: list[tuple[int, Any]] = []
        self._key_mapping: list[tuple[int, Any]] = []
        self._personal: set[str] = set()
        self._batch: dict[str, tuple[Prepared | str, Ended | None]] = {}
        self._rejects: list[dict[str, Any]] = []
        self._progress: Callable[[int], None] | None = None
        self._dropped: list[Index] = []
        self.first_load = False
        self._pending = 0
        # With `background`, a batch is written by one writer thread while the next is parsed:
        # SQLite and the database driver release the GIL while they work, so parsing and
        # writing overlap on two cores. One batch in flight at most keeps memory flat and the
        # order of writes that of the file.
        self._writer = ThreadPoolExecutor(1, "ingest-writer") if background else None
        self._in_flight: Future | None = None
        self._counts_lock = threading.Lock()
        self._analysed_at = 0
        # The table was empty when the run began: no record can exist yet but one this run
        # wrote, so batches skip the look-ups of existing rows and of codes other sources
        # hold, and a unique index catches a repeat (the batch is then redone the careful way).
        self._optimistic = False

    def start(self, cursor: str | None = None) -> int:
        with self.engine.begin() as conn:
            self.run_id = open_run(
                conn, self.source, self.target.layout.name, self.location, cursor
            )
        return self.run_id

    def _save_run(self, **values: Any) -> None:
        """Write the counts so far (and any status, cursor or error) to this run's row."""
        with self.engine.begin() as conn:
            conn.execute(
                update(SyncRun.__table__)
                .where(SyncRun.__table__.c.id == self.run_id)
                .values(**self.counts.as_columns(), **values)
            )

    def finish(self, status: str, error: str | None = None, cursor: str | None = None) -> None:
        self._settle(raise_error=status == "succeeded")
        if self._writer is not None:
            self._writer.shutdown()
            self._writer = None
        self._save_run(finished_at=utcnow(), status=status, error=error, cursor=cursor)

    def begin(
        self,
        header: list[str],
        progress: Callable[[int], None] | None = None,
        bulk: bool = False,
    ) -> None:
        """Check the header; a file that lacks required columns is refused before any write.

        With `bulk` (a large file) and an empty table, secondary indexes are dropped for the
        load and built once at the end: sorting once beats updating ten B-trees per row.
        """
        if self.run_id is None:
            self.start()
        try:
            self._mapping = map_header(self.target.layout, header, self.location)
        except FileRefused as exc:
            self.finish("refused", exc.message)
            raise
        self._prepare_indexes(bulk)
        if bulk and self.first_load:
            # Each batch rewrites every index page it touches; at a million rows, 2,000 random
            # credit codes touch ~2,000 leaves of each unique index per commit (16 MB of WAL for
            # 3 MB of rows). Five times the batch, about a fifth of the rewrites per row; memory
            # stays bounded by the batch, not the file.
            self.batch_size = max(self.batch_size, BULK_BATCH)
        # Personal data is masked even in the reject store (PIPL: keep no more than needed).
        personal = [(i, fl) for i, fl in self._mapping if fl.personal]
        self._personal = {header[i] for i, _ in personal} | {fl.header for _, fl in personal}
        keys = set(self.target.layout.key)
        self._key_mapping = [(i, fl) for i, fl in self._mapping if fl.key in keys]
        self._header = header
        self._progress = progress

    def add(self, line: int, cells: list[str], ended: Ended | None = None) -> None:
        """One upstream row; with `ended`, only its key is read and the record is closed."""
        mapping = self._key_mapping if ended else self._mapping
        values, problems = parse_row(mapping, cells, len(self._header), line)
        if problems:
            self._add(line, cells, None, problems)
        elif ended:
            self._add(line, cells, self.target.key_of(values), [], ended)
        else:
            self._add(line, cells, self.target.prepare(values), [])

    def _add(
        self,
        line: int,
        cells: list[str],
        row: Prepared | str | None,
        problems: list[RowProblem],
        ended: Ended | None = None,
    ) -> None:
        """A parsed row: prepared for writing, or for an `ended` row just its record id."""
        self.counts.rows_read += 1
        if problems:
            self._rejects.extend(self._reject_rows(line, cells, problems))
        else:
            key = row if isinstance(row, str) else row.key
            if key in self._batch:  # the same record twice in a run: the later one wins
                self._flush()
            self._batch[key] = (row, ended)
        self._pending += 1
        if len(self._batch) + len(self._rejects) >= self.batch_size:
            self._flush()

    def checkpoint(self, cursor: str) -> None:
        """Write what is pending, then record how far the upstream has been read.

        A later run resumes from the last checkpoint, even if this run is killed; everything
        before the cursor is committed by then.
        """
        self._flush()
        self._settle()
        self._save_run(cursor=cursor)

    def _prepare_indexes(self, bulk: bool) -> None:
        table = self.target.table
        with self.engine.begin() as conn:
            # A bulk load killed before its end left indexes dropped: put them back first.
            for index in plain_indexes(table):
                index.create(conn, checkfirst=True)
            mine = select(table.c.id).where(table.c.source == self.source).limit(1)
            self.first_load = conn.execute(mine).first() is None
            empty = self.first_load and conn.execute(select(table.c.id).limit(1)).first() is None
            self._optimistic = empty and self._repeats_caught()
            # SQLite only: there the one writer excludes readers anyway, while on PostgreSQL
            # DROP INDEX would wait for (and then block) every open reader of the table.
            sqlite = conn.dialect.name == "sqlite"
            if bulk and sqlite and empty:
                self._dropped = [ix for ix in plain_indexes(table) if not ix.unique]
                for index in self._dropped:
                    index.drop(conn)

    def _repeats_caught(self) -> bool:
        """Whether unique indexes reject what the skipped look-ups would have found: a repeated
        record id always; a code another row holds only if `unique_by` is unique."""
        column = self.target.unique_by
        if column is None:
            return True
        table = self.target.table
        return bool(table.c[column].unique) or any(
            ix.unique and [c.name for c in ix.columns] == [column] for ix in table.indexes
        )

    def _restore_indexes(self) -> None:
        if self._dropped:
            with self.engine.begin() as conn:
                for index in self._dropped:
                    index.create(conn, checkfirst=True)
            self._dropped = []

    def end(self, cursor: str | None = None) -> Counts:
        self._flush()
        self._settle()
        self._restore_indexes()
        self._refresh_statistics(at_end=True)
        self.finish("succeeded", cursor=cursor)
        return self.counts

    def fail(self, exc: BaseException) -> None:
        self._settle(raise_error=False)
        self._restore_indexes()
        self.finish("failed", f"{type(exc).__name__}: {exc}")

    def run(
        self,
        header: list[str],
        rows: Iterable[tuple[int, list[str]]],
        progress: Callable[[int], None] | None = None,
    ) -> Counts:
        """Refuse a bad header before writing anything; then land good rows, keep bad ones."""
        self.begin(header, progress)
        try:
            for line, cells in rows:
                self.add(line, cells)
            return self.end()
        except BaseException as exc:
            self.fail(exc)
            raise

    def _masked(self, header: str | None, value: str | None) -> str | None:
        return mask_id_number(value) if value and header in self._personal else value

    def _reject_rows(self, line, cells, problems: list[RowProblem]) -> list[dict[str, Any]]:
        raw = {h: self._masked(h, c) for h, c in zip(self._header, cells, strict=False)}
        problems = [
            RowProblem(
                p.line,
                p.field,
                self._masked(p.field, p.value),
                p.reason_zh.replace(p.value, self._masked(p.field, p.value))
                if p.value
                else p.reason_zh,
                p.reason_en.replace(p.value, self._masked(p.field, p.value))
                if p.value
                else p.reason_en,
            )
            for p in problems
        ]
        with self._counts_lock:  # the writer thread rejects identity conflicts
            self.counts.rejected += 1
            self.counts.problems.extend(problems[: 1000 - len(self.counts.problems)])
        return [
            dict(
                run_id=self.run_id,
                location=self.location,
                line=p.line,
                field=p.field,
                value=p.value,
                reason_zh=p.reason_zh,
                reason_en=p.reason_en,
                raw=raw,
            )
            for p in problems
        ]

    def _flush(self) -> None:
        batch, rejects = self._batch, self._rejects
        self._batch, self._rejects = {}, []
        if batch or rejects:
            if self._writer is None:
                self._write(batch, rejects)
            else:
                self._settle()
                self._in_flight = self._writer.submit(self._write, batch, rejects)
        if self._progress and self._pending:
            self._progress(self._pending)
        self._pending = 0

    def _settle(self, raise_error: bool = True) -> None:
        """Wait for the batch in flight; its error, if any, becomes this thread's."""
        future, self._in_flight = self._in_flight, None
        if future is not None:
            error = future.exception()
            if error is not None and raise_error:
                raise error

    def _write(self, batch: dict[str, tuple[Prepared | str, Ended | None]], rejects) -> None:
        if self._optimistic:
            try:
                self._write_batch(batch, rejects, look_up=False)
                return
            except IntegrityError:
                # A record id or code this run already wrote, repeated in a later batch: the
                # batch rolled back whole; it and the rest of the run take the careful path.
                self._optimistic = False
        self._write_batch(batch, rejects, look_up=True)

    def _write_batch(self, batch, rejects, look_up: bool) -> None:
        """One transaction: rejects, inserts, updates with history, closures, the hook.
        Without `look_up` every row is taken for new (the table was empty at the start)."""
        table = self.target.table
        closable = "ended_on" in table.c
        now = utcnow()
        unchanged = 0
        with self.engine.begin() as conn:
            if rejects:
                conn.execute(insert(Reject.__table__), rejects)
            if not batch:
                return
            held, existing = self._held(conn, batch, closable) if look_up else (set(), {})
            inserts: list[dict[str, Any]] = []
            updates: list[tuple[Any, dict[str, Any]]] = []  # (old row, new values)
            closures: list[tuple[Any, dict[str, Any]]] = []
            for key, (prepared, ended) in batch.items():
                old = existing.get(key)
                if old is None and key in held:  # stored, and its digest says nothing changed
                    unchanged += 1
                    continue
                if ended is not None:
                    if old is None or not closable or old.ended_on is not None:
                        unchanged += 1
                        continue
                    closing = dict(ended_on=ended.on, fetched_at=self.fetched_at)
                    if "end_reason" in table.c:
                        closing["end_reason"] = ended.reason
                    closures.append((old, closing))
                    continue
                columns, as_of, digest = prepared.columns, prepared.as_of, prepared.digest
                reopened = closable and old is not None and old.ended_on is not None
                if old is not None and old.content_hash == digest and not reopened:
                    unchanged += 1
                    continue
                row = dict(
                    columns,
                    source=self.source,
                    source_record_id=key,
                    fetched_at=self.fetched_at,
                    as_of=as_of,
                    known_from=now,
                    content_hash=digest,
                    demo=self.demo,
                )
                if closable:
                    row["ended_on"] = None
                    if "end_reason" in table.c:
                        row["end_reason"] = None
                if old is None:
                    inserts.append(row)
                else:
                    updates.append((old, row))
            if look_up:
                inserts = self._drop_identity_conflicts(conn, inserts)
            if self.target.derive:
                # Links are derived on the very dicts that are written, so rules see them too.
                self.target.derive(conn, inserts + [row for _, row in updates])
            if inserts:
                first = allocate_seq(conn, len(inserts))
                for offset, row in enumerate(inserts):
                    row["change_seq"] = first + offset
                insert_many(conn, table, inserts)
            write_versions(conn, table, updates + closures, now)
            wanted = wants_changes(self.on_changes, self.target.layout.name, self.first_load)
            if wanted and (inserts or updates or closures):
                changes = [self._change("insert", r["source_record_id"], None, r) for r in inserts]
                changes += [
                    self._change("update", old.source_record_id, dict(old._mapping), row)
                    for old, row in updates
                ]
                changes += [
                    self._change(
                        "close", old.source_record_id, dict(old._mapping), dict(old._mapping) | c
                    )
                    for old, c in closures
                ]
                # Same transaction: an alert exists exactly when the change that caused it does.
                self.on_changes(conn, changes)
        # Counted once the batch is committed: a batch rolled back wrote nothing.
        self.counts.unchanged += unchanged
        self.counts.inserted += len(inserts)
        self.counts.updated += len(updates)
        self.counts.closed += len(closures)
        self._refresh_statistics()

    def _held(self, conn: Connection, batch, closable: bool) -> tuple[set[str], dict[str, Any]]:
        """The batch's record ids already stored, and the stored rows of those the batch
        changes (another digest, a closure, a reopening), read whole only then: a day's file
        repeats most of a registry as it was, and reading every one of its rows whole was a
        quarter of a daily registry sync at a million enterprises (bench/RESULTS.md)."""
        table = self.target.table
        ended_on = table.c.ended_on if closable else literal(None)
        keys = list(batch)
        held: set[str] = set()
        changed: list[str] = []
        for key, digest, was_ended in conn.execute(
            select(table.c.source_record_id, table.c.content_hash, ended_on).where(
                table.c.source == self.source, among(table.c.source_record_id, "keys", keys)
            )
        ):
            held.add(key)
            prepared, ended = batch[key]
            if ended is not None:
                if closable and was_ended is None:
                    changed.append(key)
            elif prepared.digest != digest or was_ended is not None:
                changed.append(key)
        if not changed:
            return held, {}
        rows = conn.execute(
            select(table).where(
                table.c.source == self.source, among(table.c.source_record_id, "keys", changed)
            )
        )
        return held, {row.source_record_id: row for row in rows}

    def _refresh_statistics(self, at_end: bool = False) -> None:
        """PostgreSQL: ANALYZE a table this load has grown fourfold since it was last analysed,
        and at the end of a first load, or of one that added rows since the last ANALYZE,
        VACUUM (ANALYZE) it.

        Without statistics the planner reads the look-up of a batch's record ids (2,000 ids in
        an IN list) as a scan of every row of the source against the list: at 150,000
        enterprises one batch's look-up took 1.7 s instead of milliseconds. At the end, because
        the server's first readers come before autovacuum does: at 20,000 enterprises the name
        search served 53 requests a second right after a first load and 120 after an ANALYZE.
        The vacuum marks the new pages all-visible, so counts that an index answers are read
        from the index alone: at a million enterprises the profile's count of how common a
        person's name is took 5.6 ms a profile on a load's fresh pages and 1.6 after (bench/
        RESULTS.md, load). Outside the load's transactions, as VACUUM must be."""
        if self.engine.dialect.name != "postgresql":
            return
        inserted = self.counts.inserted
        ended = at_end and inserted > self._analysed_at and (self.first_load or inserted >= 1_000)
        if ended:
            with self.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
                conn.execute(text(f"VACUUM (ANALYZE) {self.target.table.name}"))
            self._analysed_at = inserted
        elif inserted >= max(10_000, 4 * self._analysed_at):
            with self.engine.begin() as conn:
                conn.execute(text(f"ANALYZE {self.target.table.name}"))
            self._analysed_at = inserted

    def _change(self, op: str, key: str, old, new) -> Change:
        return Change(op, self.target.layout.name, self.source, key, old, new, self.first_load)

    def _drop_identity_conflicts(self, conn: Connection, inserts: list[dict[str, Any]]):
        """A record another source already holds (same credit code) is rejected, not duplicated."""
        column = self.target.unique_by
        if not column or not inserts:
            return inserts
        table = self.target.table
        held = dict(
            conn.execute(
                select(table.c[column], table.c.source).where(
                    among(table.c[column], "held", [r[column] for r in inserts])
                )
            ).all()
        )
        kept = []
        for row in inserts:
            other = held.get(row[column])
            if other is None:
                kept.append(row)
                continue
            problem = RowProblem(
                None,
                None,
                row[column],
                f"{row[column]} 已由来源“{other}”提供，不以“{self.source}”的记录覆盖",
                f"{row[column]} is already held from source '{other}'; not overwritten from '{self.source}'",
            )
            conn.execute(insert(Reject.__table__), self._reject_rows(None, [], [problem]))
        return kept
