"""Engine and session factory (SQLite default, PostgreSQL for production) and migrations."""

from __future__ import annotations

import fcntl
import json
import logging
import os
import sqlite3
import threading
import time
from collections import namedtuple
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any
from weakref import WeakKeyDictionary

from sqlalchemy import (
    JSON,
    Boolean,
    Connection,
    Dialect,
    Engine,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    any_,
    bindparam,
    case,
    cast,
    create_engine,
    event,
    func,
    insert,
    literal_column,
    null,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.exc import DBAPIError, DisconnectionError
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.sql import CompoundSelect, Insert, Select
from sqlalchemy.sql.expression import ColumnElement, TextualSelect
from sqlalchemy.sql.type_api import TypeEngine
from sqlalchemy.sql.visitors import InternalTraversal

from xinyong.settings import get_settings

# One naming convention so constraint names match on SQLite and PostgreSQL and migrations diff cleanly.
NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

log = logging.getLogger(__name__)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


def normalise_url(url: str) -> str:
    """Accept plain postgresql:// URLs and route them through psycopg 3."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://") :]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    return url


def make_engine(url: str | None = None, **kwargs) -> Engine:
    settings = get_settings()
    url = normalise_url(url or settings.database_url)
    if ":memory:" not in url and url not in ("sqlite://", "sqlite+pysqlite://"):
        # Sized for a server process: uvicorn runs sync routes on 40 threads, and the default
        # pool (5 + 10) made requests queue for a connection under load (bench/load).
        kwargs.setdefault("pool_size", settings.pool_size)
        kwargs.setdefault("max_overflow", settings.pool_overflow)
    if url.startswith("sqlite"):
        # A server thread pool shares the file; WAL lets readers run beside the one writer.
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn, _record):
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA synchronous=NORMAL")
            cur.execute("PRAGMA busy_timeout=30000")
            # SQLite's default page cache is 2 MB; a registry of a million enterprises has a
            # dozen indexes, and bulk imports thrash a small cache (measured in bench/).
            cur.execute(f"PRAGMA cache_size=-{get_settings().sqlite_cache_mb * 1024}")
            # Checkpoint the WAL every ~40 MB rather than every 4 MB: a bulk import rewrites
            # the same index pages batch after batch, and each checkpoint ends in an fsync.
            # A server checkpoints from a thread of its own instead (WalCheckpoints).
            background = get_settings().sqlite_checkpoint_seconds > 0
            cur.execute(f"PRAGMA wal_autocheckpoint={0 if background else 10000}")
            cur.close()

        return engine
    engine = create_engine(url, **kwargs)
    if not kwargs.get("pool_pre_ping"):
        _ping_when_idle(engine, settings.pool_ping_after_idle_seconds)

    @event.listens_for(engine, "connect")
    def _postgres_settings(dbapi_conn, _record):
        # A capped search reads the first N entries the scan meets (the trigram index gives
        # no order, and sorting every match of 科技有限公司 cost ten times the search). A
        # bitmap or plain scan meets them in the table's order, so every page of a query
        # sees the same N; a parallel scan meets them in whatever order its workers run, and
        # a synchronized scan starts wherever another scan of the table has got to: pages
        # then repeated some enterprises and skipped others (bench/RESULTS.md, load). Short
        # requests at high concurrency gain nothing from parallel workers anyway.
        with dbapi_conn.cursor() as cur:
            cur.execute("SET max_parallel_workers_per_gather = 0")
            cur.execute("SET synchronize_seqscans = off")
        dbapi_conn.commit()

    return engine


def _ping_when_idle(engine: Engine, idle_seconds: float) -> None:
    """Ping a pooled connection before use only when it has sat idle `idle_seconds` or more;
    one the server dropped is replaced (the pool connects anew on `DisconnectionError`). A
    connection dropped while in steady use fails its request once, and the pool is renewed."""

    @event.listens_for(engine, "checkin")
    def _idle_from(_dbapi_conn, record) -> None:
        record.info["idle_from"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _ping_if_idle(dbapi_conn, record, _proxy) -> None:
        idle_from = record.info.get("idle_from")
        if idle_from is None or time.monotonic() - idle_from < idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_conn)
        except engine.dialect.loaded_dbapi.Error as exc:
            raise DisconnectionError(f"pooled connection dropped while idle: {exc}") from exc


class Listed(TypeDecorator):
    """A list bound as one parameter: an array of the items' type on PostgreSQL, JSON text on
    SQLite (which json_each reads)."""

    impl = Text
    cache_ok = True

    def __init__(self, item: TypeEngine) -> None:
        super().__init__()
        self.item = item

    def load_dialect_impl(self, dialect: Dialect) -> TypeEngine:
        if dialect.name == "postgresql":
            # Text, not the column's VARCHAR(n): a cast to VARCHAR(n)[] cuts longer values
            # short, and a cut name could then match another enterprise's.
            item = Text() if isinstance(self.item, String) else self.item
            return dialect.type_descriptor(ARRAY(item))
        return dialect.type_descriptor(Text())

    def process_bind_param(self, value, dialect: Dialect):
        return _bound(value, dialect.name)


def _bound(values: Iterable[Any], dialect: str) -> Any:
    values = list(values)
    return values if dialect == "postgresql" else json.dumps(values, ensure_ascii=False)


class among(ColumnElement[bool]):  # noqa: N801 - reads as the SQL it stands for
    """`column IN (list)`, the list bound as one parameter, `name`: given here, or when the
    statement runs (a statement built once and run with many lists).

    One statement text whatever the list's length. PostgreSQL gets `column = ANY(:name)` with
    an array: psycopg prepares the text after a few runs and PostgreSQL stops planning it (an
    expanding IN was a statement of its own per length, planned anew nearly every time).
    SQLite gets `column IN (SELECT value FROM json_each(:name))`, which its index on `column`
    answers, as an IN list: a batch of 2,000 keys no longer compiles 2,000 placeholders
    (bench/RESULTS.md, load; decision 0027). Those are the two engines we run on."""

    type = Boolean()
    # A comparison, as IN is: without this, a dialect with no boolean type (SQLite) wrote
    # `(x IN (…)) = 1` in a WHERE clause, which no index serves (a full scan per look-up).
    _is_implicitly_boolean = True
    inherit_cache = True
    _traverse_internals = [
        ("column", InternalTraversal.dp_clauseelement),
        ("listed", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column, name: str, values: Iterable[Any] | None = None) -> None:
        self.column = column
        listed = Listed(column.type)
        # Without values the parameter is required when the statement runs.
        self.listed = (
            bindparam(name, type_=listed)
            if values is None
            else bindparam(name, list(values), type_=listed)
        )


@compiles(among)
def _among_json(element: among, compiler, **kw) -> str:
    listed = func.json_each(element.listed).table_valued("value")
    return compiler.process(element.column.in_(select(listed.c.value)), **kw)


@compiles(among, "postgresql")
def _among_any(element: among, compiler, **kw) -> str:
    return compiler.process(element.column == any_(element.listed), **kw)


def among_text(dialect: str, column: str, name: str, values: Iterable[Any]) -> tuple[str, dict]:
    """`among` for a statement written as text: the condition on `column` (SQL) and its one
    parameter, the list bound as `among` binds it (search writes its ranked SQL by hand)."""
    if dialect == "postgresql":
        condition = f"{column} = ANY(:{name})"
    else:
        condition = f"{column} IN (SELECT value FROM json_each(:{name}))"
    return condition, {name: _bound(values, dialect)}


class Probed:
    """Statements run with the same parameters, most of which find nothing: one statement first
    asks which of them would find rows (an EXISTS of each), and only those are run.

    On PostgreSQL every statement is a round trip, and its cost in the driver, SQLAlchemy and
    the server's own process is far more than an index look-up that finds nothing: nine of the
    17–18 statements of a verification were record checks, most of them empty (bench/RESULTS.md,
    load). A probe that says yes costs one statement more; the answers are the same either way,
    because a statement that finds rows is run as it stands."""

    def __init__(self, **statements: Select) -> None:
        self.statements = statements
        self.probe = select(
            *(s.order_by(None).exists().label(name) for name, s in statements.items())
        )

    def run(
        self, session: Session, params: dict[str, Any], names: Iterable[str]
    ) -> dict[str, list]:
        """Within `ahead`: the named statements' rows, each run only if the probe found rows."""
        return {
            name: []
            if known_empty(session, self.statements[name], params)
            else session.execute(self.statements[name], params).all()
            for name in names
        }

    @contextmanager
    def ahead(self, session: Session, params: dict[str, Any]) -> Iterator[None]:
        """Probe now for code that runs the statements later, each where it belongs (a profile
        reads four domains' records): within the block, `known_empty` tells each of them, run
        with the same values, that it would find nothing. Outside it nothing is known."""
        conn = session.connection()
        which = Direct.of(self.probe, conn.dialect).row(conn, params)
        empty = {
            _run_key(statement, params)
            for statement, found in zip(self.statements.values(), which, strict=True)
            if not found
        }
        session.info[_KNOWN_EMPTY] = empty
        try:
            yield
        finally:
            session.info.pop(_KNOWN_EMPTY, None)


_KNOWN_EMPTY = "xinyong.db.known_empty"


@lru_cache(maxsize=256)
def _bind_names(statement: Select) -> tuple[str, ...]:
    return tuple(sorted(statement.compile().params))


def _run_key(statement: Select, params: dict[str, Any]) -> tuple:
    def frozen(value: Any) -> Any:  # a list bound as one parameter (`among`) is a key too
        return tuple(value) if isinstance(value, list) else value

    return (id(statement), *((name, frozen(params.get(name))) for name in _bind_names(statement)))


def known_empty(session: Session, statement: Select, params: dict[str, Any]) -> bool:
    """Whether a probe ahead (`Probed.ahead`) found that this statement, with these values,
    finds nothing: the caller then has its (empty) answer without sending it."""
    empty = session.info.get(_KNOWN_EMPTY)
    return bool(empty) and _run_key(statement, params) in empty


class AtOnce:
    """A statement of many small rows that SQLite hands over as one value.

    Python's sqlite3 lets go of the GIL for every row it steps to and must take it back before
    the next: beside a thread computing Python (a server's event loop under load) each row then
    waited for that thread's switch interval. A profile steps through ~100 rows, and one
    answered beside a busy thread took 30 times as long as alone (bench/RESULTS.md, load). On
    SQLite the rows come packed in one JSON array (`json_group_array`), one step, unpacked in
    Python with each column's own result type; on PostgreSQL a result arrives whole anyway and
    the statement runs as it stands. Rows are named tuples of the statement's columns, in the
    order SQLite produces them, as the plain statement's would be. As for any union, a column's
    type is its first arm's: a column binary in any arm is typed binary in the first."""

    def __init__(self, statement: Select | CompoundSelect | TextualSelect) -> None:
        self.statement = statement
        columns = list(statement.selected_columns)
        self._types = [column.type for column in columns]
        self._row = namedtuple(  # type: ignore[misc]
            "Row", [column.key or f"c{i}" for i, column in enumerate(columns)], rename=True
        )
        # JSON holds no bytes: a binary column (a ledger hash) travels as hex.
        self._binary = [isinstance(t, LargeBinary) for t in self._types]
        packed = statement.subquery()
        self._packed = select(
            func.json_group_array(
                func.json_array(
                    *(
                        case((c.is_(None), null()), else_=func.hex(c)) if b else c
                        for c, b in zip(packed.c, self._binary, strict=True)
                    )
                )
            )
        )
        self._processors: list | None = None  # SQLite's, made on first use

    def rows(self, conn: Connection, params: dict[str, Any]) -> list[Any]:
        dialect = conn.dialect
        if dialect.name != "sqlite":
            return conn.execute(self.statement, params).all()
        return self._unpacked(Direct.of(self._packed, dialect).row(conn, params)[0], dialect)

    def _unpacked(self, packed: str, dialect: Dialect) -> list[Any]:
        if self._processors is None:
            self._processors = [
                bytes.fromhex if b else t.dialect_impl(dialect).result_processor(dialect, None)
                for t, b in zip(self._types, self._binary, strict=True)
            ]
        return [
            self._row._make(_processed(self._processors, values)) for values in json.loads(packed)
        ]

    @staticmethod
    def together(conn: Connection, *statements: AtOnce, params: dict[str, Any]) -> list[list]:
        """The rows of several statements, each as `rows` gives them, from one statement on
        SQLite (each packed array a column of its one row): a step and its wait for the GIL
        saved per statement. Their parameters are one mapping, a name the same value in each."""
        if conn.dialect.name != "sqlite":
            return [s.rows(conn, params) for s in statements]
        combined = _TOGETHER.get(statements)
        if combined is None:
            combined = select(*(s._packed.scalar_subquery() for s in statements))
            _TOGETHER[statements] = combined
        packed = Direct.of(combined, conn.dialect).row(conn, params)
        return [s._unpacked(p, conn.dialect) for s, p in zip(statements, packed, strict=True)]


def _watched(conn: Connection) -> bool:
    """Whether something sees this connection's statements: cursor events or the statement log."""
    events = conn.dispatch
    return bool(events.before_cursor_execute or events.after_cursor_execute) or bool(
        conn.engine.echo or _ENGINE_LOG.isEnabledFor(logging.INFO)
    )


_ENGINE_LOG = logging.getLogger("sqlalchemy.engine.Engine")


# Statements asked together (`AtOnce.together`), built once per tuple of them.
_TOGETHER: dict[tuple[AtOnce, ...], Select] = {}


class Direct:
    """A read of one row, compiled once and run on SQLite's own connection (elsewhere, and
    wherever it cannot, through SQLAlchemy as any statement).

    SQLAlchemy's execution layer (an execution context, its parameters' processing, a cursor
    result) is Python around every statement, holding the GIL a busy worker's other threads
    wait for: without it a cold server computed about a tenth more of the mix's misses
    (decision 0051). What it does for a plain statement is done here once: the SQL string, the
    order of its parameters and each one's bind processor. Through SQLAlchemy go a statement
    it cannot run so (expanding or literal parameters, a schema translation) and any statement
    while something watches them (cursor events: tracing, tests that count; the engine's
    statement log). An error is raised as SQLAlchemy would raise it."""

    # Per statement (while it lives: search's are kept in a bounded cache), per dialect.
    _made: WeakKeyDictionary = WeakKeyDictionary()

    def __init__(self, statement: Any, dialect: Dialect) -> None:
        self.statement = statement
        compiled = statement.compile(dialect=dialect)
        self.compiled = compiled
        plain = dialect.name == "sqlite" and not (
            compiled.literal_execute_params
            or compiled.post_compile_params
            or compiled.schema_translate_map
        )
        self.sql = compiled.string if plain else None
        self.order = tuple(compiled.positiontup or ()) if plain else ()
        self.processors = {
            name: processor
            for name, bind in compiled.binds.items()
            if (processor := bind.type.dialect_impl(dialect).bind_processor(dialect)) is not None
        }

    @classmethod
    def of(cls, statement: Any, dialect: Dialect) -> Direct:
        """The statement made for dialects like this one, once per process. Keyed by what the
        SQL and its processors depend on, not by the dialect object: a process that makes many
        engines (a test run) would otherwise keep a compiled copy for each."""
        per_dialect = cls._made.get(statement)
        if per_dialect is None:
            per_dialect = cls._made.setdefault(statement, {})
        kind = (type(dialect), dialect.paramstyle, dialect.server_version_info)
        made = per_dialect.get(kind)
        if made is None:
            made = per_dialect[kind] = cls(statement, dialect)
        return made

    def row(self, conn: Connection, params: dict[str, Any]) -> tuple:
        """The statement's one row."""
        if self.sql is not None and not _watched(conn):
            values = self.compiled.construct_params(params, escape_names=False)
            processors = self.processors
            args = tuple(
                processors[name](values[name]) if name in processors else values[name]
                for name in self.order
            )
            try:
                row = conn.connection.dbapi_connection.execute(self.sql, args).fetchone()
            except sqlite3.Error as error:
                raise DBAPIError.instance(
                    self.sql, args, error, sqlite3.Error, dialect=conn.dialect
                ) from error
            if row is not None:
                return row
        return tuple(conn.execute(self.statement, params).one())


def _processors(columns: list, dialect: Dialect, raw: tuple[type, ...]) -> list:
    """Each column's bind processor, none for the `raw` types (their values go as they are)."""
    return [
        None if isinstance(c.type, raw) else c.type.dialect_impl(dialect).bind_processor(dialect)
        for c in columns
    ]


def _processed(processors: list, values: Iterable[Any]) -> list[Any]:
    """Values through their columns' processors (None passes as it is)."""
    return [v if p is None or v is None else p(v) for p, v in zip(processors, values, strict=True)]


def _jsonable(values: Any) -> str:
    """Rows as a JSON document PostgreSQL reads back into their column types: times in ISO 8601,
    bytes as bytea's hex input (\\x…), decimals as their exact text."""

    def default(value: Any) -> Any:
        if isinstance(value, datetime | date):
            return value.isoformat()
        if isinstance(value, bytes | bytearray | memoryview):
            return "\\x" + bytes(value).hex()
        if isinstance(value, Decimal):
            return str(value)
        raise TypeError(f"not JSON: {type(value).__name__}")

    return json.dumps(values, ensure_ascii=False, default=default)


@dataclass(frozen=True)
class Carried:
    """An insert and its values, to be made by another statement as a data-modifying CTE of it
    (one round trip for both on PostgreSQL), or by itself (`run`) where none carries it."""

    statement: Insert
    params: dict[str, Any]

    def run(self, conn: Connection) -> None:
        conn.execute(self.statement, self.params)

    def riding(self, statement: Select) -> Select:
        """`statement` with this insert made by it."""
        return statement.add_cte(self.statement.cte("carried"))


class InsertAtOnce:
    """Rows inserted into a table by one statement: `AtOnce` for writes.

    An executemany steps once per row, and the record writer does it under the write lock: each
    step a hand-over of the GIL that waits while the event loop computes (decision 0037). On
    SQLite the rows travel as one JSON array, each value as the column's type would bind it,
    and `INSERT … SELECT … FROM json_each(:rows)` stores them in one step. JSON holds no bytes
    (and SQLite 3.40 has no `unhex`): a binary column's values travel end to end in one blob
    parameter, the array holding each one's place in it, and `substr` — which counts bytes in
    a blob — cuts it out again. On PostgreSQL the rows travel as one JSON document, which
    `json_populate_recordset` turns back into rows of the table (`carried`). Rows that leave
    out a column with a Python-side default, a single row on SQLite, and other engines go
    through the plain executemany, as before (so do rows not all of one shape, which it
    refuses)."""

    def __init__(self, table: Table) -> None:
        self.table = table
        self._plain = insert(table)
        self._shapes: dict[tuple[str, ...], tuple[Insert, list, list[bool]] | None] = {}

    def run(self, conn: Connection, rows: list[dict[str, Any]]) -> None:
        carried = self.carried(conn.dialect, rows)
        if carried is not None:
            conn.execute(carried.statement, carried.params)
            return
        shape = tuple(rows[0]) if rows else ()
        packed = None
        if len(rows) > 1 and conn.dialect.name == "sqlite":
            if shape not in self._shapes:
                self._shapes[shape] = self._packed(shape, conn.dialect)
            packed = self._shapes[shape]
        if packed is None or any(tuple(row) != shape for row in rows):
            conn.execute(self._plain, rows)
            return
        statement, processors, binary = packed
        blob = bytearray(b"\0")  # never empty: SQLite cuts nothing out of an empty blob
        values = []
        for row in rows:
            row_values = _processed(processors, row.values())
            for i, is_binary in enumerate(binary):
                value = row_values[i]
                if is_binary and value is not None:
                    row_values[i] = (len(blob) + 1, len(value))
                    blob += value
            values.append(row_values)
        try:
            packed_rows = json.dumps(values, ensure_ascii=False, allow_nan=False)
        except (TypeError, ValueError):  # a value JSON cannot carry as the column binds it
            conn.execute(self._plain, rows)
            return
        conn.execute(statement, {"rows": packed_rows, "bytes": bytes(blob)})

    def carried(self, dialect: Dialect, rows: list[dict[str, Any]]) -> Carried | None:
        """On PostgreSQL, the rows' insert as one statement whose text is the same for any
        number of rows: the rows travel as one JSON document, and `json_populate_recordset`
        turns it back into rows of the table (`INSERT … SELECT … FROM
        json_populate_recordset(NULL::table, :rows)`). Another statement may carry it as a
        data-modifying CTE (`Carried`). None elsewhere, for no rows, and for rows not all of
        one shape or leaving out a defaulted column. (One array per column cost more: the
        driver escapes each text element of an array with a regular expression in Python.)"""
        if dialect.name != "postgresql" or not rows:
            return None
        shape = tuple(rows[0])
        if any(tuple(row) != shape for row in rows):
            return None
        key = ("recordset", *shape)
        if key not in self._shapes:
            self._shapes[key] = self._recordset(shape, dialect)
        recordset = self._shapes[key]
        if recordset is None:
            return None
        statement, processors, _ = recordset
        values = [
            dict(zip(shape, _processed(processors, row.values()), strict=True)) for row in rows
        ]
        return Carried(statement, {f"{self.table.name}_rows": _jsonable(values)})

    def _columns(self, shape: tuple[str, ...]) -> list | None:
        """The columns of rows of this shape; None when it leaves out a column with a
        Python-side default (the plain insert fills it in)."""
        defaulted = {c.key for c in self.table.columns if c.default is not None}
        return None if defaulted - set(shape) else [self.table.c[name] for name in shape]

    def _recordset(
        self, shape: tuple[str, ...], dialect: Dialect
    ) -> tuple[Insert, list, list[bool]] | None:
        columns = self._columns(shape)
        if columns is None:
            return None
        # JSON values go in as they are (nested in the document), bytes as bytea's hex text;
        # others as their column binds them (a TypeDecorator's conversion), then as the JSON
        # text PostgreSQL reads for the column's type.
        processors = _processors(columns, dialect, raw=(JSON, LargeBinary))
        rows = func.json_populate_recordset(
            literal_column(f"NULL::{self.table.name}"),
            cast(bindparam(f"{self.table.name}_rows", type_=Text), JSON),
        ).table_valued(*(c.key for c in columns))
        return insert(self.table).from_select(columns, select(*rows.c)), processors, []

    def _packed(
        self, shape: tuple[str, ...], dialect: Dialect
    ) -> tuple[Insert, list, list[bool]] | None:
        columns = self._columns(shape)
        if columns is None:
            return None
        binary = [isinstance(c.type, LargeBinary) for c in columns]
        # A binary value's processor is none: its bytes go into the blob as they are.
        processors = _processors(columns, dialect, raw=(LargeBinary,))
        each = func.json_each(bindparam("rows")).table_valued("value")
        blob = bindparam("bytes", type_=LargeBinary)
        picked = select(
            *(
                # [start, length] in the blob, or null (and substr of nulls is null)
                func.substr(
                    blob,
                    func.json_extract(each.c.value, f"$[{i}][0]"),
                    func.json_extract(each.c.value, f"$[{i}][1]"),
                )
                if b
                else func.json_extract(each.c.value, f"$[{i}]")
                for i, b in enumerate(binary)
            )
        )
        return insert(self.table).from_select(columns, picked), processors, binary


@lru_cache
def get_engine() -> Engine:
    return make_engine()


def session_factory(
    engine: Engine | None = None, writer: Engine | None = None, *, reads: bool = False
) -> sessionmaker[Session]:
    """Sessions on `engine`. `writer` is the primary when `engine` is a read replica: the one
    write a public read may make (a first rating) goes there (`session.info["writer"]`).

    `reads`: sessions that only read. On PostgreSQL they run in autocommit — no BEGIN before
    the first statement and no ROLLBACK when the session closes, two round trips of a public
    read's few (bench/RESULTS.md, load) — and name `engine` their writer if nothing else is,
    so a first rating is still written in a transaction of its own. They read the same: at
    READ COMMITTED, PostgreSQL's default and ours, each statement of a transaction takes its
    own snapshot anyway."""
    bind = engine or get_engine()
    if reads and bind.dialect.name == "postgresql":
        writer = writer or bind
        bind = bind.execution_options(isolation_level="AUTOCOMMIT")
    return sessionmaker(
        bind=bind,
        expire_on_commit=False,
        info={"writer": writer} if writer is not None else None,
    )


@contextmanager
def session_scope(engine: Engine | None = None) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    session = session_factory(engine)()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


class _Turns:
    """The write turn of one SQLite file: a lock for this process's threads, then an exclusive
    flock on a file beside the database for the processes (the kernel wakes the next waiter as
    soon as the lock is let go — no polling)."""

    def __init__(self, database: str | None) -> None:
        self.threads = threading.Lock()
        self.fd: int | None = None
        if database and database != ":memory:" and not database.startswith("file:"):
            try:
                self.fd = os.open(f"{database}-writer", os.O_RDWR | os.O_CREAT, 0o644)
            except OSError:
                # A folder the server may not write to: the process's threads still take
                # turns, and the processes meet SQLite's own lock as before.
                self.fd = None

    def __del__(self) -> None:
        if self.fd is not None:
            os.close(self.fd)

    @contextmanager
    def turn(self) -> Iterator[None]:
        with self.threads:
            if self.fd is None:
                yield
                return
            fcntl.flock(self.fd, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(self.fd, fcntl.LOCK_UN)


_WRITE_TURNS: WeakKeyDictionary[Engine, _Turns] = WeakKeyDictionary()
_WRITE_TURNS_LOCK = threading.Lock()


@contextmanager
def one_writer(session: Session | Connection) -> Iterator[None]:
    """Take turns with the deployment's other request threads to write to a SQLite file.

    SQLite lets one writer in at a time, and a writer that finds the file locked polls, sleeping
    up to 100 ms between tries: under dozens of request threads in two processes that polling,
    not the writes, made verifications take seconds (bench/RESULTS.md, load). Writers queue on
    a thread lock and a file lock instead, and meet SQLite's lock free. PostgreSQL locks rows,
    not the database: no turns there.
    """
    engine = session.engine if isinstance(session, Connection) else session.get_bind()
    if engine.dialect.name != "sqlite":
        yield
        return
    with _WRITE_TURNS_LOCK:
        turns = _WRITE_TURNS.get(engine)
        if turns is None:
            turns = _WRITE_TURNS[engine] = _Turns(engine.url.database)
    with turns.turn():
        yield


@contextmanager
def write_turn(session: Session | Connection) -> Iterator[None]:
    """One share of a long job's writes, made in the deployment's write turn and committed at
    once. A job that holds SQLite's one write lock from its first write to its end shuts every
    request's write out meanwhile: when the hourly list rules first proposed 15,721 entries on
    the 1,000,000-enterprise data set, visitors' verifications failed with "database is
    locked" for the rest of a benchmark run, over 90 s (bench/RESULTS.md, load). Written in
    shares, each committed, the job lets them in between, and a job that stops half-way keeps
    what it wrote; re-run, it goes on. The reads that decide a share are made before its
    turn, so the turn holds writes only.

    After its share the job pauses a moment (SHARE_PAUSE_SECONDS) before it can take the next:
    neither the threads' lock nor the file lock is fair, and a job asking again at once won
    the turn back share after share while a request's write waited (bench/RESULTS.md, load).
    """
    with one_writer(session):
        yield
        session.commit()
    time.sleep(SHARE_PAUSE_SECONDS)


SHARE_PAUSE_SECONDS = 0.002


class WalCheckpoints:
    """Checkpoints a SQLite file's WAL every few seconds from a thread of its own, on a
    connection of its own (settings.sqlite_checkpoint_seconds).

    PASSIVE: it copies what no reader still needs and never waits for readers or writers, and
    in WAL mode writers go on appending while it copies and syncs, so no request's commit pays
    for it. Each process of a server runs one; when two meet, one finds the other checkpointing
    and skips its turn.
    """

    def __init__(self, engine: Engine, seconds: float) -> None:
        self.engine = engine
        self.seconds = seconds
        self.done = 0  # checkpoints run, for tests
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="wal-checkpoints", daemon=True)

    @classmethod
    def started(cls, engine: Engine) -> WalCheckpoints | None:
        """Running for a SQLite file when the settings ask for it, else None."""
        seconds = get_settings().sqlite_checkpoint_seconds
        database = engine.url.database
        if engine.dialect.name != "sqlite" or seconds <= 0 or database in (None, "", ":memory:"):
            return None
        checkpoints = cls(engine, seconds)
        checkpoints._thread.start()
        return checkpoints

    def _run(self) -> None:
        conn = self.engine.raw_connection()
        try:
            while not self._stop.wait(self.seconds):
                try:
                    conn.driver_connection.execute("PRAGMA wal_checkpoint(PASSIVE)").fetchall()
                    self.done += 1
                except Exception as exc:  # a busy or failing disk: the next turn tries again
                    log.warning("WAL checkpoint failed: %r", exc)
        finally:
            conn.close()

    def stop(self) -> None:
        """One last checkpoint's worth of waiting at most: the thread ends after its turn."""
        self._stop.set()
        self._thread.join(30)


MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str | None = None):
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    # ConfigParser interpolates '%', which URL-encoded options (search_path) contain.
    url = normalise_url(url or get_settings().database_url)
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, revision: str = "head") -> None:
    """Apply migrations up to `revision` (what `xinyong db upgrade` runs)."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)
