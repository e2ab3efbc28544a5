"""Provenance columns every imported record carries, and the history of its earlier versions."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Connection,
    Date,
    Index,
    Integer,
    String,
    Table,
    Text,
    bindparam,
    insert,
    update,
)
from sqlalchemy.orm import Mapped, declared_attr, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow


class Provenance:
    """Where a record came from and as of when; `known_from` is when this version reached us."""

    source: Mapped[str] = mapped_column(String(64))
    source_record_id: Mapped[str] = mapped_column(String(128))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    as_of: Mapped[date | None] = mapped_column(Date)
    known_from: Mapped[datetime] = mapped_column(UTCDateTime())
    content_hash: Mapped[str] = mapped_column(String(32))
    demo: Mapped[bool] = mapped_column(Boolean, default=False)
    # Position in this node's change feed; a new number on every insert, update or closure.
    change_seq: Mapped[int] = mapped_column(BigInteger, index=True)

    @declared_attr.directive
    def __table_args__(cls):  # noqa: N805 - SQLAlchemy declared_attr signature
        return (
            Index(
                f"uq_{cls.__tablename__}_source_record", "source", "source_record_id", unique=True
            ),
        )


class Closable:
    """A record that upstream can end: it is closed with a date and a reason, never deleted."""

    ended_on: Mapped[date | None] = mapped_column(Date)
    end_reason: Mapped[str | None] = mapped_column(Text)


class FeedCounter(Base):
    """Hands out change-feed sequence numbers. Its row lock, held until the writing
    transaction commits, makes numbers become visible in order, so a feed reader that
    has seen number N will never later find a smaller one appear."""

    __tablename__ = "feed_counter"

    name: Mapped[str] = mapped_column(String(32), primary_key=True)
    value: Mapped[int] = mapped_column(BigInteger)


def allocate_seq(conn, count: int) -> int:
    """Reserve `count` feed numbers inside the caller's transaction; returns the first."""
    table = FeedCounter.__table__
    last = conn.execute(
        table.update()
        .where(table.c.name == "changes")
        .values(value=table.c.value + count)
        .returning(table.c.value)
    ).scalar_one()
    return last - count + 1


class RecordHistory(Base):
    """An earlier version of an imported record: what we believed from known_from to known_to."""

    __tablename__ = "record_history"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    record_type: Mapped[str] = mapped_column(String(64))
    record_id: Mapped[int] = mapped_column(BigInteger)
    credit_code: Mapped[str | None] = mapped_column(String(18))
    data: Mapped[dict] = mapped_column(JSON)
    source: Mapped[str] = mapped_column(String(64))
    source_record_id: Mapped[str] = mapped_column(String(128))
    fetched_at: Mapped[datetime] = mapped_column(UTCDateTime())
    as_of: Mapped[date | None] = mapped_column(Date)
    known_from: Mapped[datetime] = mapped_column(UTCDateTime())
    known_to: Mapped[datetime] = mapped_column(UTCDateTime())
    demo: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_record_history_record", "record_type", "record_id"),
        Index("ix_record_history_code", "record_type", "credit_code"),
    )


PROVENANCE_COLUMNS = (
    "change_seq",
    "source",
    "source_record_id",
    "fetched_at",
    "as_of",
    "known_from",
    "content_hash",
    "demo",
)
# Columns through which a record names its enterprise, in order of preference.
_CODE_COLUMNS = ("credit_code", "linked_credit_code")


def jsonable(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def business_columns(table: Table) -> list[str]:
    return [c.name for c in table.columns if c.name not in ("id", *PROVENANCE_COLUMNS)]


def history_row(table: Table, old: Any, now: datetime) -> dict[str, Any]:
    """The version `old` (a row) as a history entry: what we believed until `now`."""
    row = old._mapping
    return dict(
        record_type=table.name,
        record_id=row["id"],
        credit_code=next((row[c] for c in _CODE_COLUMNS if row.get(c)), None),
        data={c: jsonable(row[c]) for c in business_columns(table)},
        source=row["source"],
        source_record_id=row["source_record_id"],
        fetched_at=row["fetched_at"],
        as_of=row["as_of"],
        known_from=row["known_from"],
        known_to=now,
        demo=row["demo"],
    )


def write_versions(
    conn: Connection,
    table: Table,
    changes: list[tuple[Any, dict[str, Any]]],
    now: datetime | None = None,
) -> int:
    """The one way to change stored records: each (old row, new values) pair keeps the old
    row as a history version and takes a new feed number. Runs in the caller's transaction."""
    if not changes:
        return 0
    now = now or utcnow()
    first = allocate_seq(conn, len(changes))
    conn.execute(
        insert(RecordHistory.__table__), [history_row(table, old, now) for old, _ in changes]
    )
    # Updates may differ in their columns (content vs closure); executemany wants one shape.
    shapes: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for n, (old, values) in enumerate(changes):
        row = dict(values, known_from=now, change_seq=first + n, _id=old.id)
        shapes.setdefault(tuple(sorted(row)), []).append(row)
    for rows in shapes.values():
        # SET columns come from the parameter keys; `_id` only feeds the WHERE.
        conn.execute(update(table).where(table.c.id == bindparam("_id")), rows)
    return len(changes)


def insert_many(conn: Connection, table: Table, rows: list[dict[str, Any]]) -> None:
    """executemany of same-shaped rows. On SQLite, values are converted with SQLAlchemy's own
    type processors once per column instead of its per-row parameter machinery, which cost
    more than SQLite's own insert work (bench/). Other dialects adapt some types at execution
    (psycopg wraps JSON), so they take the ordinary path."""
    if not rows:
        return
    dialect = conn.dialect
    if dialect.name != "sqlite":
        conn.execute(insert(table), rows)
        return
    keys = [key for key in rows[0] if key in table.c]  # e.g. a layout's record id is no column
    compiled = insert(table).compile(dialect=dialect, column_keys=keys)
    # Column by column: a batch's provenance columns (source, fetched_at…) hold one object for
    # every row, converted once; the rest go through map(), far cheaper than a per-row tuple.
    columns = []
    for name in compiled.positiontup:
        # The dialect's own processor: the generic type's leaves dates and times to the
        # driver's adapters, once per row even for the batch's one fetched_at.
        convert = table.c[name].type.dialect_impl(dialect).bind_processor(dialect)
        values = [row[name] for row in rows]
        if convert is not None:
            first = values[0]
            if all(v is first for v in values):
                values = [convert(first)] * len(values)
            else:
                values = list(map(convert, values))
        columns.append(values)
    conn.exec_driver_sql(str(compiled), list(zip(*columns, strict=True)))


def plain_indexes(table: Table) -> list[Index]:
    """Indexes we may drop and rebuild: not dialect-specific ones (they live in migrations)."""
    return [ix for ix in table.indexes if getattr(ix, "_ddl_if", None) is None]
