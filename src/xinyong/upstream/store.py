"""The fake upstream's own state: one SQLite table of versioned records, and the files loaded."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from xinyong.upstream.records import Record

_SCHEMA = """
CREATE TABLE IF NOT EXISTS records (
    dataset     TEXT    NOT NULL,
    record_id   TEXT    NOT NULL,
    version     INTEGER NOT NULL,
    deleted     INTEGER NOT NULL DEFAULT 0,
    ended_on    TEXT,
    end_reason  TEXT,
    record_json TEXT    NOT NULL,
    PRIMARY KEY (dataset, record_id)
);
CREATE UNIQUE INDEX IF NOT EXISTS records_by_version ON records (dataset, version);
CREATE TABLE IF NOT EXISTS loaded_files (
    name      TEXT PRIMARY KEY,
    sha256    TEXT NOT NULL,
    dataset   TEXT NOT NULL,
    rows      INTEGER NOT NULL,
    loaded_at TEXT NOT NULL DEFAULT (datetime('now'))
);
"""

_UPSERT = """
INSERT INTO records (dataset, record_id, version, deleted, ended_on, end_reason, record_json)
VALUES (?, ?, ?, 0, NULL, NULL, ?)
ON CONFLICT (dataset, record_id) DO UPDATE SET
    version = excluded.version, deleted = 0, ended_on = NULL, end_reason = NULL,
    record_json = excluded.record_json
"""


def dumps(record: Record) -> str:
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


def json_path(header: str) -> str:
    """A JSON path for a Chinese header; quoted because headers carry brackets and punctuation."""
    return '$."' + header.replace('"', '\\"') + '"'


@dataclass
class Stored:
    dataset: str
    record_id: str
    version: int
    deleted: bool
    ended_on: str | None
    end_reason: str | None
    record: Record


@dataclass
class Change:
    """One write: which record, what happened (inserted/updated/deleted/unchanged), at which version."""

    dataset: str
    record_id: str
    result: str
    version: int | None
    before: Record | None = None
    after: Record | None = None
    what: str = ""

    def as_json(self, detail: bool = False) -> dict[str, Any]:
        out: dict[str, Any] = {
            "dataset": self.dataset,
            "record_id": self.record_id,
            "result": self.result,
            "version": self.version,
        }
        if self.what:
            out["what"] = self.what
        if detail and self.before is not None and self.after is not None:
            keys = [*self.after, *(k for k in self.before if k not in self.after)]
            out["changed"] = {
                k: [self.before.get(k), self.after.get(k)]
                for k in keys
                if self.before.get(k) != self.after.get(k)
            }
        elif detail:
            out["record"] = self.after if self.after is not None else self.before
        return out


@dataclass
class LoadCounts:
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def _stored(dataset: str, row: sqlite3.Row | tuple) -> Stored:
    record_id, version, deleted, ended_on, end_reason, record_json = row
    return Stored(
        dataset, record_id, version, bool(deleted), ended_on, end_reason, json.loads(record_json)
    )


_COLUMNS = "record_id, version, deleted, ended_on, end_reason, record_json"


class Writer:
    """Writes inside one transaction; every real change takes the next global version."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        (top,) = conn.execute("SELECT coalesce(max(version), 0) FROM records").fetchone()
        self.next_version = top + 1

    def _take_version(self) -> int:
        version = self.next_version
        self.next_version += 1
        return version

    def get(self, dataset: str, record_id: str) -> Stored | None:
        row = self.conn.execute(
            f"SELECT {_COLUMNS} FROM records WHERE dataset = ? AND record_id = ?",
            (dataset, record_id),
        ).fetchone()
        return _stored(dataset, row) if row else None

    def put(self, dataset: str, record_id: str, record: Record) -> Change:
        """Insert or replace a record (and undelete it); an identical live record is left alone."""
        old = self.get(dataset, record_id)
        if old and not old.deleted and old.record == record:
            return Change(dataset, record_id, "unchanged", old.version, old.record, record)
        version = self._take_version()
        self.conn.execute(_UPSERT, (dataset, record_id, version, dumps(record)))
        result = "inserted" if old is None else ("restored" if old.deleted else "updated")
        return Change(dataset, record_id, result, version, old.record if old else None, record)

    def delete(self, dataset: str, record_id: str, ended_on: str, reason: str) -> Change:
        """Mark a record deleted with its end date; it stays in the table as a tombstone."""
        old = self.get(dataset, record_id)
        if old is None:
            return Change(dataset, record_id, "not_found", None)
        if old.deleted:
            return Change(dataset, record_id, "unchanged", old.version, old.record, old.record)
        version = self._take_version()
        self.conn.execute(
            "UPDATE records SET version = ?, deleted = 1, ended_on = ?, end_reason = ?"
            " WHERE dataset = ? AND record_id = ?",
            (version, ended_on, reason, dataset, record_id),
        )
        return Change(dataset, record_id, "deleted", version, old.record, None)

    def put_batch(self, dataset: str, batch: dict[str, Record], counts: LoadCounts) -> None:
        """Bulk path for loading files: one lookup and one executemany per batch."""
        if not batch:
            return
        existing = {
            rid: (deleted, record_json)
            for rid, deleted, record_json in self.conn.execute(
                "SELECT record_id, deleted, record_json FROM records"
                " WHERE dataset = ? AND record_id IN (SELECT value FROM json_each(?))",
                (dataset, json.dumps(list(batch), ensure_ascii=False)),
            )
        }
        writes = []
        for rid, record in batch.items():  # dicts keep file order, so versions follow it
            text = dumps(record)
            old = existing.get(rid)
            if old is not None and not old[0] and old[1] == text:
                counts.unchanged += 1
                continue
            if old is None:
                counts.inserted += 1
            else:
                counts.updated += 1
            writes.append((dataset, rid, self._take_version(), text))
        self.conn.executemany(_UPSERT, writes)

    def file_loaded(self, name: str, sha256: str) -> bool:
        row = self.conn.execute(
            "SELECT sha256 FROM loaded_files WHERE name = ?", (name,)
        ).fetchone()
        return bool(row) and row[0] == sha256

    def mark_loaded(self, name: str, sha256: str, dataset: str, rows: int) -> None:
        self.conn.execute(
            "INSERT INTO loaded_files (name, sha256, dataset, rows) VALUES (?, ?, ?, ?)"
            " ON CONFLICT (name) DO UPDATE SET sha256 = excluded.sha256, rows = excluded.rows,"
            " dataset = excluded.dataset, loaded_at = datetime('now')",
            (name, sha256, dataset, rows),
        )


class Store:
    """One SQLite file; a lock serialises use because the server shares one connection."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.lock = threading.RLock()
        self.conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self.conn.execute("PRAGMA journal_mode = WAL")
        self.conn.execute("PRAGMA synchronous = NORMAL")
        self.conn.executescript(_SCHEMA)

    def close(self) -> None:
        with self.lock:
            self.conn.close()

    @contextmanager
    def writing(self) -> Iterator[Writer]:
        """All or nothing: a failed batch of changes leaves the state and versions untouched."""
        with self.lock:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                yield Writer(self.conn)
            except BaseException:
                self.conn.execute("ROLLBACK")
                raise
            self.conn.execute("COMMIT")

    def max_version(self) -> int:
        with self.lock:
            return self.conn.execute("SELECT coalesce(max(version), 0) FROM records").fetchone()[0]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per dataset: live records, deleted ones (tombstones) and the dataset's latest version."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT dataset, count(*) - sum(deleted), sum(deleted), max(version)"
                " FROM records GROUP BY dataset ORDER BY dataset"
            ).fetchall()
        return {
            d: {"records": live, "deleted": dead, "version": top} for d, live, dead, top in rows
        }

    def page(self, dataset: str, after: int, limit: int) -> tuple[list[tuple], bool]:
        """Rows with version > after, oldest first; one extra row tells whether more remain."""
        with self.lock:
            rows = self.conn.execute(
                "SELECT version, deleted, ended_on, end_reason, record_json FROM records"
                " WHERE dataset = ? AND version > ? ORDER BY version LIMIT ?",
                (dataset, after, limit + 1),
            ).fetchall()
        return rows[:limit], len(rows) > limit

    def count(self, dataset: str, where: str = "1", params: Sequence[Any] = ()) -> int:
        with self.lock:
            return self.conn.execute(
                f"SELECT count(*) FROM records WHERE dataset = ? AND deleted = 0 AND ({where})",
                (dataset, *params),
            ).fetchone()[0]

    def select(
        self,
        dataset: str,
        where: str = "1",
        params: Sequence[Any] = (),
        *,
        order: str = "record_id",
        limit: int = -1,
        offset: int = 0,
    ) -> list[Stored]:
        """Live records matching an SQL condition (json_extract on record_json, see json_path)."""
        with self.lock:
            rows = self.conn.execute(
                f"SELECT {_COLUMNS} FROM records WHERE dataset = ? AND deleted = 0 AND ({where})"
                f" ORDER BY {order} LIMIT ? OFFSET ?",
                (dataset, *params, limit, offset),
            ).fetchall()
        return [_stored(dataset, row) for row in rows]

    def loaded_files(self) -> list[dict[str, Any]]:
        with self.lock:
            rows = self.conn.execute(
                "SELECT name, dataset, rows, sha256, loaded_at FROM loaded_files ORDER BY loaded_at, name"
            ).fetchall()
        return [
            {"name": n, "dataset": d, "rows": r, "sha256": s, "loaded_at": at}
            for n, d, r, s, at in rows
        ]

    def get(self, dataset: str, record_id: str) -> Stored | None:
        with self.lock:
            return Writer(self.conn).get(dataset, record_id)

    def ids_at(
        self, dataset: str, positions: Sequence[int], where: str = "1", params: Sequence[Any] = ()
    ) -> dict[int, str]:
        """The record ids at some positions of the live records matching `where`, ordered by id.

        One pass over the matches, however many positions, so sampling stays cheap on big data.
        """
        wanted = set(positions)
        found: dict[int, str] = {}
        with self.lock:
            rows = self.conn.execute(
                f"SELECT record_id FROM records WHERE dataset = ? AND deleted = 0 AND ({where})"
                " ORDER BY record_id",
                (dataset, *params),
            )
            for position, (rid,) in enumerate(rows):
                if position in wanted:
                    found[position] = rid
                    if len(found) == len(wanted):
                        break
        return found
