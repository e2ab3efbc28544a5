"""What happens to an imported record after its import: closing it when upstream ends it, re-linking it."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import Connection, select
from sqlalchemy.orm import Session

from xinyong.sources.ingest import Target
from xinyong.sources.linking import AMBIGUOUS, BY_NAME, UNLINKED
from xinyong.sources.provenance import write_versions

_LINK_COLUMNS = ("linked_credit_code", "link_status", "link_candidates")
_CHUNK = 1000


def _connection(db: Connection | Session) -> Connection:
    if isinstance(db, Session):
        db.flush()  # pending ORM changes first, so none is lost when we expire below
        return db.connection()
    return db


def _done(db: Connection | Session) -> None:
    if isinstance(db, Session):
        db.expire_all()  # loaded objects must not keep showing the version we just replaced


def close_records(
    db: Connection | Session,
    model: type,
    source: str,
    source_record_ids: Iterable[str],
    ended_on: date,
    reason: str | None,
) -> int:
    """Close records that upstream no longer publishes (e.g. a 失信 record deleted once it ends).

    Sets `ended_on` and `end_reason` and keeps the open version in history, exactly as an
    ingest run does for an `Ended` row; this is for callers that learn of removals outside a
    run (a snapshot comparison, an operator). Records already closed are left alone, so it
    may be called again; if upstream publishes a record again, the next import reopens it.
    Runs in the caller's transaction; returns how many records were closed.
    """
    conn = _connection(db)
    table = model.__table__
    ids = list(dict.fromkeys(source_record_ids))
    closed = 0
    for start in range(0, len(ids), _CHUNK):
        rows = conn.execute(
            select(table).where(
                table.c.source == source,
                table.c.source_record_id.in_(ids[start : start + _CHUNK]),
                table.c.ended_on.is_(None),
            )
        ).all()
        closing = dict(ended_on=ended_on, end_reason=reason)
        closed += write_versions(conn, table, [(old, closing) for old in rows])
    _done(db)
    return closed


def relink(
    db: Connection | Session,
    target: Target,
    statuses: Iterable[str] = (BY_NAME, AMBIGUOUS, UNLINKED),
) -> int:
    """Run a target's linking again over its records with the given link statuses.

    Needed when the registry changes after a record was imported: a new enterprise may match
    an unlinked record, or a second one with the same name makes a name link ambiguous.
    Each changed link is a new version with history. Returns how many links changed.
    """
    conn = _connection(db)
    table = target.table
    assert target.derive is not None, "target has no linking"
    changed, last_id = 0, 0
    while True:
        rows = conn.execute(
            select(table)
            .where(table.c.link_status.in_(list(statuses)), table.c.id > last_id)
            .order_by(table.c.id)
            .limit(_CHUNK)
        ).all()
        if not rows:
            break
        last_id = rows[-1].id
        fresh = [dict(r._mapping) for r in rows]
        target.derive(conn, fresh)
        changes = [
            (old, {c: new[c] for c in _LINK_COLUMNS})
            for old, new in zip(rows, fresh, strict=True)
            if any(old._mapping[c] != new[c] for c in _LINK_COLUMNS)
        ]
        changed += write_versions(conn, table, changes)
    _done(db)
    return changed
