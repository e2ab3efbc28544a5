"""Public-read caching: serialised answers keyed by the data generation, in process or in Redis,
with ETag / Cache-Control / 304 on the way out."""

from __future__ import annotations

import asyncio
import functools
import hashlib
import logging
import queue
import threading
import time
import weakref
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from pydantic import BaseModel, TypeAdapter
from sqlalchemy import Engine, bindparam, event, text
from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from xinyong.accounts.config import account_settings
from xinyong.api.carry import Carrier, mark, marked
from xinyong.api.lanes import LANES, template_pattern
from xinyong.api.metrics import GENERATION_READS, ROUTE
from xinyong.api.threads import Flights, in_request_thread
from xinyong.settings import get_settings
from xinyong.types import UTCDateTime, utcnow
from xinyong.wal_index import WalIndex

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Anonymous answers may be kept by shared caches (a CDN, nginx) but must be revalidated on every
# use: the ETag makes that a 304, and a sync changes the ETag at once. Keyed callers are metered
# per call, so only their own client may keep a copy.
PUBLIC = "public, no-cache"
# The channel on which PostgreSQL announces a change to the generation tables (migration 0022),
# with the changed table's schema as payload (migration 0030).
NOTIFY_CHANNEL = "xinyong_generation"
PRIVATE = "private, no-cache"
JSON = "application/json"
# Scope key: the parts, store key and ETag a miss was just looked up under (the fast path's).
LOOKED_UP = "xinyong.looked_up"
HTML = "text/html; charset=utf-8"
T = TypeVar("T")


# Plain SQL on purpose: these run on every public read, and the ORM's statement building cost
# more than the query itself (bench/load). All are primary-key or max-of-key reads.
#
# What a search shows: the registry's rows (names, former names, legal representatives, status,
# division, industry, through the search index built from them) and, for the directory's
# filter, which firms are agencies. Every write to either takes a new change-feed number
# (sources/provenance: the one way records change; nothing is deleted), so the newest number
# in each table moves exactly when a search could answer differently, read from the index on
# change_seq. The court and penalty syncs leave it alone: a day's enforcement records no longer
# empty every kept search, page and suggestion, which the whole feed's counter did
# (bench/RESULTS.md, load). The directory is small: its count also catches a row gone.
REGISTRY_SQL = (
    "SELECT (SELECT max(change_seq) FROM enterprise), (SELECT max(change_seq) FROM agency), "
    "(SELECT count(*) FROM agency)"
)
# What a public profile depends on beyond the change feed: list decisions (every state change
# of a list entry appends a list event) and alert decisions (a dismissed alert drops its risk
# flag), counted by a trigger in commit order (migration 0026: a max() of the decision times
# missed a decision that committed after a later-timed one). Grades: the rating passes count the
# passes that changed one (rating.service.REGRADED); without it, a profile cached after a sync
# kept the grade from before the sync until the next sync. Which firms' records a change of
# generation touched is read from these same columns (api/carry.py).
PUBLIC_SQL = (
    "SELECT (SELECT value FROM feed_counter WHERE name = 'changes'), "
    "(SELECT max(id) FROM list_event), (SELECT max(id) FROM alert), "
    "(SELECT value FROM feed_counter WHERE name = 'alert_decisions'), "
    "(SELECT seq FROM rating_state WHERE name = 'regraded')"
)


def _registry(row) -> str:
    registry, agencies, listed = row
    return f"{registry or 0}.{agencies or 0}.{listed}"


def _public(row) -> str:
    feed, event, alert, decided, graded = row
    # Publicity periods end at midnight, Asia/Shanghai: a new day is a new generation.
    today = datetime.now(SHANGHAI).date().isoformat()
    return f"{feed or 0}.{event or 0}.{alert or 0}.{decided or ''}.{graded or 0}.{today}"


@dataclass(frozen=True)
class Generation:
    """What a kind of answer depends on: one statement and how its row becomes a key part.

    A `timed` statement also reads `:now`, the time of the read: what it depends on changes
    when a deadline passes, with no write to signal it. A page reads it on its own session
    (`of`); the GenerationReader keeps its row only until the earliest deadline it names."""

    sql: str
    of_row: Callable[[Any], int | str]
    timed: bool = False
    # Of a timed row, the columns holding the deadlines it names (the next ones after `:now`):
    # until the earliest passes, the row read at `:now` is the row a read now would give.
    deadlines: tuple[int, ...] = ()

    def of(self, session: Session) -> int | str:
        if self.timed:
            row = session.execute(_timed(self.sql), {"now": utcnow()}).first()
        else:
            row = session.connection().exec_driver_sql(self.sql).first()
        return self.of_row(row)


@functools.cache
def _timed(sql: str):
    # Bound as the deadlines are stored (types.UTCDateTime), so the comparison is exact on both
    # engines.
    return text(sql).bindparams(bindparam("now", type_=UTCDateTime()))


# What the agency pages show beyond a public profile: each agency's verdict, grade, stars and
# service record. Writes to agencies, schedules, cases, complaints and evidence move the
# `agencies` counter (migration 0023; stored verifications no longer do, 0034: the verdict shown
# is worked out from the public data), and so does an agency's first grade
# (rating/service.py); the service record reads the clock — a first report not
# delivered, a complaint not answered, counts against the agency the moment its deadline passes
# — so the next such deadline is part of the key too.
AGENCY_SQL = (
    PUBLIC_SQL + ", (SELECT value FROM feed_counter WHERE name = 'agencies'), "
    "(SELECT min(first_report_due_at) FROM debt_case "
    "WHERE first_report_at IS NULL AND first_report_due_at > :now), "
    "(SELECT min(due_at) FROM complaint WHERE responded_at IS NULL AND due_at > :now)"
)


def _agency(row) -> str:
    counter, report_due, complaint_due = row[5:]
    return f"{_public(row[:5])}.{counter or 0}.{report_due or ''}.{complaint_due or ''}"


# What the front page shows: the registry's count, and the newest list entries and penalty
# decisions in their publicity period. A court sync leaves it alone; a penalty sync, a list
# decision or a new day (publicity periods end at midnight) moves it.
FRONT_SQL = (
    REGISTRY_SQL + ", (SELECT max(change_seq) FROM penalty), (SELECT max(id) FROM list_event)"
)


def _front(row) -> str:
    penalties, event = row[3:]
    today = datetime.now(SHANGHAI).date().isoformat()
    return f"{_registry(row[:3])}.{penalties or 0}.{event or 0}.{today}"


REGISTRY_DATA = Generation(REGISTRY_SQL, _registry)
FRONT_DATA = Generation(FRONT_SQL, _front)
PUBLIC_DATA = Generation(PUBLIC_SQL, _public)
AGENCY_DATA = Generation(AGENCY_SQL, _agency, timed=True, deadlines=(6, 7))


def public_generation(session: Session) -> int | str:
    """The generation of a public profile: the feed position, the last list event, the last
    alert and alert decision, and the local date."""
    return PUBLIC_DATA.of(session)


class GenerationReader:
    """The event loop's own database connection for generation reads (app.state.generations).

    It must not come from the request pool: when the pool's connections are all held by
    requests in the thread pool, a checkout from the event loop would stall every connection
    of the process until one came back (bench/load measured exactly that convoy). One
    connection per process, kept open, in autocommit so it holds no snapshot between reads.

    A row read is kept until the database signals a change, so that a cache hit costs no
    round trip: on SQLite the file's data_version, on PostgreSQL a notification from the
    generation tables' triggers (migration 0022) on a connection that LISTENs, or a commit of
    this process's own that moved a generation, which it knows of before that notification
    arrives (the committing connection heard it with its COMMIT's result, _follow_commits).
    Behind a transaction-pooling proxy that drops notifications (XINYONG_DATABASE_NOTIFIES
    false) every commit of this process counts as a change; either way a kept row serves at
    most KEPT_SECONDS on a primary, and not at all on a replica (a hot standby cannot listen).
    """

    KEPT_SECONDS = 1.0

    def __init__(self, engine: Engine, writes: Engine | None = None) -> None:
        self.engine = engine
        # This process's own commits drop the kept rows at once (`writes`: the primary).
        _follow_commits(writes or engine, self)
        self._conn = None
        self._sqlite = engine.dialect.name == "sqlite"
        # SQLite's WAL index, whose header every commit rewrites (wal_index.py), if it has one.
        self._wal: WalIndex | None = None
        # The last row read per statement, with what says it is still current: SQLite's WAL
        # index header or data_version at the time (either moves whenever another connection
        # commits; this one never writes), PostgreSQL's time of reading (dropped on any
        # notification); and for a timed row, the earliest deadline it names (None: none).
        self._rows: dict[str, tuple[float | bytes, tuple, datetime | None]] = {}
        self._statements: dict[str, tuple] = {}
        self._on_primary = False
        self._hearing = False  # listening for notifications
        self._schema: str | None = None  # whose notifications are ours
        self._moved = False
        # The event loop and socket whose notifications the loop takes (_watch), if any.
        self._watched: tuple[asyncio.AbstractEventLoop, int] | None = None
        self.reads = 0  # statements sent, for tests and benchmarks

    def _connect(self):
        conn = self.engine.raw_connection()
        self._rows.clear()
        if self.engine.dialect.name == "postgresql":
            driver = conn.driver_connection
            driver.autocommit = True
            with driver.cursor() as cur:
                # Listening starts before the first read, so no change after it goes unheard.
                recovering, self._schema = cur.execute(
                    "SELECT pg_is_in_recovery(), current_schema()"
                ).fetchone()
                self._on_primary = not recovering
                self._hearing = self._on_primary and get_settings().database_notifies
                if self._hearing:
                    cur.execute(f"LISTEN {NOTIFY_CHANNEL}")
                    # Notifications that arrive during a read are handed to this handler.
                    driver.add_notify_handler(self._heard)
        else:  # SQLite's driver opens no transaction for a SELECT: a read sees the last commit
            self._wal = WalIndex.of(conn.driver_connection, self.engine.url.database)
        return conn

    def _notified(self) -> None:
        self._moved = True

    def _heard(self, notify) -> None:
        if _ours(notify.payload, self._schema):
            self._moved = True

    def _drain(self) -> None:
        """Take the notifications waiting on the connection, without blocking."""
        pgconn = self._conn.driver_connection.pgconn
        pgconn.consume_input()
        while (notify := pgconn.notifies()) is not None:
            if _ours(notify.extra.decode(), self._schema):
                self._moved = True

    def _watch(self) -> bool:
        """Have the running event loop take notifications as they arrive. Looking on every
        read let the GIL go and took it back, a wait behind the request threads each time
        (5.4% of the event loop's time in the PostgreSQL mix, bench/RESULTS.md, load): the
        loop's own poll sees the socket instead, and a read checks a flag."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # read outside an event loop (scripts, tests): look every time
            return False
        fd = self._conn.driver_connection.pgconn.socket
        loop.add_reader(fd, self._polled)
        self._watched = (loop, fd)
        self._drain()  # what arrived before the loop watched
        return True

    def _polled(self) -> None:
        try:
            self._drain()
        except Exception:
            # The connection broke (a restart): its socket would be reported readable for
            # ever. Unwatched, and the next read finds the connection gone and reconnects.
            self._unwatch()
            self._moved = True

    def _unwatch(self) -> None:
        watched, self._watched = self._watched, None
        if watched is not None:
            loop, fd = watched
            try:
                loop.remove_reader(fd)
            except Exception:  # the loop has closed
                pass

    def close(self) -> None:
        """Give the connection up for good, as the app stops: it is checked out of the pool for
        the reader's life, so the engine's dispose() would leave it open (on PostgreSQL, a
        server connection per app a test process started: CI ran out of them). Invalidated,
        not returned: it is in autocommit and may be listening."""
        self._let_go()

    def _let_go(self) -> None:
        self._unwatch()
        # Unmapped before the connection closes: once no connection holds the database, the
        # next to open it empties the index file, and reading a mapping past a file's end
        # kills the process.
        wal, self._wal = self._wal, None
        if wal is not None:
            wal.close()
        conn, self._conn = self._conn, None
        self._rows.clear()
        if conn is not None:
            try:
                conn.invalidate()
            except Exception:  # already gone
                pass

    def _still_current(self, cur, sql: str) -> tuple[float | bytes, tuple | None]:
        """(the version a row read now would have, the kept row if it is still current)."""
        kept = self._rows.get(sql)
        if kept is not None and kept[2] is not None and utcnow() >= kept[2]:
            kept = None  # a deadline the row named has passed: the row read now differs
        if self._sqlite:
            if self._wal is not None:  # no call into SQLite, so the GIL is kept
                version = self._wal.version()
            else:
                version = cur.execute("PRAGMA data_version").fetchone()[0]
            return version, kept[1] if kept is not None and kept[0] == version else None
        now = time.monotonic()
        if not self._on_primary:
            return now, None
        if self._hearing and self._watched is None and not self._watch():
            # No event loop watches the connection: look for notifications now, without
            # blocking (those that arrived while it was idle).
            self._drain()
        if self._moved:
            self._moved = False
            self._rows.clear()
            return now, None
        fresh = kept is not None and now - kept[0] < self.KEPT_SECONDS
        return now, kept[1] if fresh else None

    def generation(self, of: Generation) -> int | str:
        """The generation `of` names now: its row from this connection, or kept from the last
        read while it is still current (a timed row also until the next deadline it names)."""
        return of.of_row(self.read(of))

    def read(self, of: Generation | str):
        """The row of a kind of generation (or of a plain statement), kept while current."""
        if isinstance(of, str):
            of = Generation(of, tuple)
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = self._connect()
            try:
                cur = self._conn.cursor()
                version, row = self._still_current(cur, of.sql)
                if row is None:
                    row = self._read_one(cur, version, of)
                cur.close()
                return row
            except Exception:
                # A dropped connection (database restart, failover): reconnect once.
                self._let_go()
                if attempt == 2:
                    raise
        return None

    def _read_one(self, cur, version: float | bytes, of: Generation):
        """Read `of` alone. Several kinds in one statement were tried, to halve the reads a
        commit forces: the loop's time in them did not fall. A call into SQLite lets the GIL
        go, and the longer the statement, the likelier a request thread takes it meanwhile and
        the loop waits up to a switch interval to get it back (bench/RESULTS.md, load)."""
        if of.timed:
            statement, params, parse = self._timed_statement(of.sql)
            cur.execute(statement, params(utcnow()))
        else:
            cur.execute(of.sql)
        row = cur.fetchone()
        until = None
        if of.timed and row is not None:
            named = [parse(row[i]) for i in of.deadlines if row[i] is not None]
            until = min(named, default=None)
        self.reads += 1
        GENERATION_READS.inc()
        self._rows[of.sql] = (version, row, until)
        return row

    def _timed_statement(self, sql: str):
        """A timed generation's statement in the driver's own terms: its text in the driver's
        parameter style, its parameters for a time, and how to read back a deadline."""
        made = self._statements.get(sql)
        if made is None:
            made = self._statements[sql] = self._compile_timed(sql)
        return made

    def _compile_timed(self, sql: str):
        dialect = self.engine.dialect
        compiled = _timed(sql).compile(dialect=dialect)
        kind = UTCDateTime().dialect_impl(dialect)  # as the deadlines are stored and read
        bind = kind.bind_processor(dialect) or (lambda value: value)
        result = kind.result_processor(dialect, None) or (lambda value: value)
        names = compiled.positiontup
        if names:  # positional (SQLite's ?): `:now` is the only parameter, once per use

            def params(now):
                return tuple(bind(now) for _ in names)
        else:

            def params(now):
                return {"now": bind(now)}

        return compiled.string, params, result


# Readers per engine whose commits they follow. A notification reaches the listening
# connection some time after the writer's COMMIT returned — on a busy machine, after the same
# client's next request had read the old generation (CI saw a quote served from before the fee
# schedule its caller had just published). What this process commits it knows about itself.
_FOLLOWERS: weakref.WeakKeyDictionary[Engine, weakref.WeakSet[GenerationReader]] = (
    weakref.WeakKeyDictionary()
)
_COMMITTED = "xinyong_committed"
_LISTENING = "xinyong_listening"
_HEARD = "xinyong_heard"


def _follow_commits(engine: Engine, reader: GenerationReader) -> None:
    readers = _FOLLOWERS.get(engine)
    if readers is None:
        readers = _FOLLOWERS[engine] = weakref.WeakSet()

        # SQLAlchemy's commit event fires before the COMMIT is sent: a row read in between
        # would still be old. So it only marks the connection, and the pool's check-in —
        # after the COMMIT, before the request's answer goes out — tells the readers.
        def committing(conn) -> None:
            conn.info[_COMMITTED] = True

        def returned(_dbapi, record) -> None:
            committed = record.info.pop(_COMMITTED, False)
            heard = record.info.pop(_HEARD, False)
            # A listening connection hears its own transaction's notification with the result
            # of its COMMIT: a commit it heard nothing from moved no generation. Every batch of
            # verification records dropped the kept rows, and the next reads went to the
            # database from the event loop: 15% of its time in the load mix (decision 0046).
            if committed and (heard or not record.info.get(_LISTENING)):
                for follower in list(readers):
                    follower._notified()

        event.listen(engine, "commit", committing)
        event.listen(engine, "checkin", returned)
        if engine.dialect.name == "postgresql" and get_settings().database_notifies:
            # On checkout, not on connect: connections the pool opened before this server
            # was made (a sync or a migration check at start-up) would never listen, and
            # every commit of theirs counted as a change (CI: three generation reads after a
            # verification record that moved none).
            event.listen(engine, "checkout", _listen_once)
    readers.add(reader)


def _ours(payload: str, schema: str | None) -> bool:
    """Whether a notification tells of this deployment's tables. The channel is database-wide:
    deployments in other schemas of the same database send on it too (migration 0030). An
    empty payload is another schema's: a server migrates its own to the head before it serves,
    while a schema being created runs migrations 0022-0029 with the trigger that names no
    schema, and their notifications arrive at its commit (CI: a test's schema created beside
    another test cost that test three generation reads)."""
    return payload == schema


def _listen_once(dbapi_conn, record, _proxy) -> None:
    """A PostgreSQL connection of a server's pool, the first time it is taken out, listens for
    the generation tables' notifications (migration 0022), and notes what it hears of its own
    schema while in use; connections of other engines count every commit as a change."""
    info = record.info
    if info.get(_LISTENING):
        return
    with dbapi_conn.cursor() as cur:
        schema = cur.execute("SELECT current_schema()").fetchone()[0]

        def heard(notify) -> None:
            if _ours(notify.payload, schema):
                info[_HEARD] = True

        dbapi_conn.add_notify_handler(heard)
        cur.execute(f"LISTEN {NOTIFY_CHANNEL}")
    if not dbapi_conn.autocommit:
        dbapi_conn.commit()  # LISTEN takes effect at commit
    info[_LISTENING] = True


class MemoryCache:
    """A least-recently-used map of answers, bounded in bytes (one per server process)."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self.size = 0
        self._items: OrderedDict[str, bytes] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        with self._lock:
            value = self._items.get(key)
            if value is not None:
                self._items.move_to_end(key)
            return value

    def set(self, key: str, value: bytes) -> None:
        if len(value) > self.max_bytes // 8:
            return  # one huge answer must not flush everything else
        with self._lock:
            old = self._items.pop(key, None)
            if old is not None:
                self.size -= len(old)
            self._items[key] = value
            self.size += len(value)
            while self.size > self.max_bytes:
                _, dropped = self._items.popitem(last=False)
                self.size -= len(dropped)


class RedisCache:
    """Answers shared by every server process of a deployment; old generations expire by TTL."""

    def __init__(self, url: str, ttl_seconds: int) -> None:
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)
        self.ttl = ttl_seconds

    def get(self, key: str) -> bytes | None:
        try:
            return self.client.get(key)
        except Exception as exc:  # a cache outage slows reads down; it must not fail them
            log.warning("cache read failed: %r", exc)
            return None

    def set(self, key: str, value: bytes) -> None:
        try:
            self.client.set(key, value, ex=self.ttl)
        except Exception as exc:
            log.warning("cache write failed: %r", exc)


class DiskCache:
    """Answers shared by the server processes of one machine, in a local SQLite-backed disk cache
    (diskcache): no server to run, no network round trip. Bounded in bytes; the least recently
    stored go first (old generations are never read again).

    Writes are this process's writer thread's: a request thread hands its answer over and
    returns it at once. A write is a transaction on a file the workers take turns to lock, and
    each of its SQLite steps lets the GIL go — beside a busy event loop a wait for it every
    time. Made in the request thread, it was a quarter of a miss's time in the mix's cold start
    and held one of the few request threads meanwhile (bench/RESULTS.md, load). The writer
    stores what has queued up in one transaction, waiting its turn for the lock. Until then the
    other workers compute that answer themselves, as before it was kept."""

    PENDING = 1024  # answers waiting for the writer; past this they stay in this process only
    BATCH = 64  # answers stored by one transaction at most
    READ_WAIT_SECONDS = 0.005  # a read never holds its request thread longer on the file

    def __init__(self, folder: Path, max_bytes: int) -> None:
        import diskcache

        options = {"size_limit": max_bytes, "eviction_policy": "least-recently-stored"}
        # Reads (on the request threads, TieredCache) wait for no writer in WAL mode, and where
        # SQLite would make them wait (a log being reset) they give up at once, as a miss.
        self.cache = diskcache.Cache(str(folder), timeout=self.READ_WAIT_SECONDS, **options)
        # The writer's own handle waits its turn for the file's lock as long as it takes.
        self._store = diskcache.Cache(str(folder), **options)
        self._pending: queue.Queue[tuple[str, bytes]] = queue.Queue(self.PENDING)
        self._writer: threading.Thread | None = None
        self._writer_lock = threading.Lock()

    def get(self, key: str) -> bytes | None:
        try:
            return self.cache.get(key)
        except Exception as exc:  # as with Redis: a cache outage slows reads, never fails them
            log.warning("cache read failed: %r", exc)
            return None

    def set(self, key: str, value: bytes) -> None:
        if self._writer is None:
            with self._writer_lock:
                if self._writer is None:
                    self._writer = threading.Thread(
                        target=self._write_pending, name="answer-cache-writer", daemon=True
                    )
                    self._writer.start()
        try:
            self._pending.put_nowait((key, value))
        except queue.Full:  # the writer is far behind: this answer stays in this process
            pass

    def written(self) -> None:
        """Wait until every answer handed over so far is stored (tests wait so; serving never does)."""
        self._pending.join()

    def _write_pending(self) -> None:
        while True:
            batch = [self._pending.get()]
            while len(batch) < self.BATCH:
                try:
                    batch.append(self._pending.get_nowait())
                except queue.Empty:
                    break
            try:
                with self._store.transact(retry=True):
                    for key, value in batch:
                        self._store.set(key, value)
            except Exception as exc:
                log.warning("cache write failed: %r", exc)
            finally:
                for _ in batch:
                    self._pending.task_done()


class TieredCache:
    """This process's memory in front of the shared store (Redis, or the machine's disk cache):
    a hit this process has seen costs no round trip, and an answer another process computed is
    fetched, not computed again. Keys carry the data generation, so a kept copy can never
    outlive its data.

    The shared store is asked only off the event loop. A read of the disk cache let the GIL go
    and waited to take it back behind the request threads, the largest such wait of the loop
    under the load mix (bench/RESULTS.md, load); a Redis read held the loop for a network round
    trip, and for its whole timeout if Redis hung. In the loop only this process's memory is
    looked at: what it lacks goes to a request thread, as a miss does, and the thread asks the
    shared store before making the answer (cached_answer, cached_page, the verifications)."""

    def __init__(self, near: MemoryCache, far: RedisCache | DiskCache) -> None:
        self.near = near
        self.far = far

    def get(self, key: str) -> bytes | None:
        value = self.near.get(key)
        if value is None and not _in_event_loop():
            value = self.far.get(key)
            if value is not None:
                self.near.set(key, value)
        return value

    def set(self, key: str, value: bytes) -> None:
        self.near.set(key, value)
        self.far.set(key, value)


def _in_event_loop() -> bool:
    try:
        asyncio.get_running_loop()
    except RuntimeError:  # a request thread, a script
        return False
    return True


PACKAGE = Path(__file__).resolve().parent.parent


def code_fingerprint(root: Path) -> str:
    """A digest of the code, templates, static files and migrations under `root` (15 ms for
    the package)."""
    digest = hashlib.blake2b(digest_size=8)
    for path in sorted(root.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(path.relative_to(root).as_posix().encode() + b"\0")
            digest.update(path.read_bytes())
    return digest.hexdigest()


@functools.cache
def release() -> str:
    """This code's fingerprint: what every kept answer and ETag is made by, besides the data. A
    release that changes a page, an answer's fields or the search index reads none of the
    answers the one before it left in Redis, and a browser's copy from before gets no 304."""
    return code_fingerprint(PACKAGE)


class ReadCache:
    """What the public read routes use: a store, a namespace for this database and this code,
    and counters."""

    def __init__(
        self, store: MemoryCache | TieredCache | None, namespace: str, release: str = ""
    ) -> None:
        self.store = store
        self.namespace = namespace
        self.release = release.encode()
        self.hits = 0
        self.misses = 0
        self.carrier = Carrier(self)

    def key(self, generation: int | str, parts: tuple) -> tuple[str, str]:
        """The store key and the ETag of `parts` at this generation."""
        digest = hashlib.blake2b(self.release + repr(parts).encode(), digest_size=12).hexdigest()
        return f"{self.namespace}:{generation}:{digest}", f'W/"{generation}-{digest}"'


def make_cache(engine: Engine) -> ReadCache:
    """Process memory (XINYONG_CACHE_MB), in front of Redis when XINYONG_REDIS_URL is set
    (shared by all processes), else of the machine's disk cache when XINYONG_SHARED_CACHE_DIR
    is set (shared by its processes); XINYONG_CACHE_MB=0 turns the answer cache off (HTTP
    validators stay)."""
    settings = get_settings()
    accounts = account_settings()
    # Processes on the same database share entries; another database (a test schema, another
    # city) never sees them, even in the same Redis.
    db = hashlib.blake2b(
        engine.url.render_as_string(hide_password=True).encode(), digest_size=6
    ).hexdigest()
    namespace = f"{accounts.rate_limit_namespace}:cache:{db}"
    made_by = release()
    if settings.cache_mb <= 0:
        return ReadCache(None, namespace, made_by)
    near = MemoryCache(settings.cache_mb * 1024 * 1024)
    if accounts.redis_url:
        far: RedisCache | DiskCache = RedisCache(accounts.redis_url, settings.cache_ttl_seconds)
    elif settings.shared_cache_dir and settings.shared_cache_mb > 0:
        far = DiskCache(settings.shared_cache_dir, settings.shared_cache_mb * 1024 * 1024)
    else:
        return ReadCache(near, namespace, made_by)
    return ReadCache(TieredCache(near, far), namespace, made_by)


def read_engine(engine: Engine) -> Engine:
    """The engine public reads use: a read-only replica when XINYONG_READ_DATABASE_URL is set
    (the generation is read there too, so a lagging replica serves consistent, older answers)."""
    from xinyong.db import make_engine

    url = get_settings().read_database_url
    return make_engine(url) if url else engine


def request_parts(scope: Scope) -> tuple:
    """What an answer depends on in the request: the path and the query, parameters sorted
    (`?q=a&page=2` and `?page=2&q=a` are one entry). Read from the ASGI scope as it came, by
    the fast path and the route alike, so both file an answer under one key (and Starlette's
    `request.url`, which parses the whole address again, is not built for it)."""
    query = scope.get("query_string", b"").decode("latin-1")
    return (scope["path"], tuple(sorted(parse_qsl(query, keep_blank_values=True))))


def _private(headers: Headers) -> bool:
    return "authorization" in headers or "cookie" in headers


def _matches(headers: Headers, etag: str) -> bool:
    given = headers.get("if-none-match")
    if not given:
        return False
    # RFC 9110: If-None-Match compares weakly, and may list several tags or "*".
    tags = {t.strip().removeprefix("W/") for t in given.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _headers(headers: Headers, etag: str, state: str) -> dict[str, str]:
    return {
        "etag": etag,
        "cache-control": PRIVATE if _private(headers) else PUBLIC,
        "vary": "Authorization, Cookie",
        "x-cache": state,
    }


def _lookup(
    cache: ReadCache,
    headers: Headers,
    gen: int | str,
    parts: tuple,
    validators: bool = True,
    media_type: str = JSON,
) -> tuple[str, str, Response | None]:
    key, etag = cache.key(gen, parts)
    # If-None-Match answers 304 only to a read (RFC 9110 §13.1.2): a POST's is ignored.
    if validators and _matches(headers, etag):
        return key, etag, Response(status_code=304, headers=_headers(headers, etag, "revalidated"))
    body = cache.store.get(key) if cache.store else None
    if body is None:
        return key, etag, None
    cache.hits += 1
    return key, etag, Response(body, media_type=media_type, headers=_headers(headers, etag, "hit"))


async def cached_answer(
    request: Request,
    compute: Callable[[Session], BaseModel],
    depends_on: Generation,
    body: str = "",
    firms: set[str] | None = None,
) -> Response:
    """The answer of `compute` for this request at the current data generation: 304 when the
    client holds it, from the cache when another caller asked the same since the last change,
    else computed in a worker thread, serialised once and kept.

    `firms`, for an answer about firms (a profile): filled by `compute` with the firms it shows.
    The answer kept at an older generation is then taken over when the writes since touched
    none of them (api/carry.py), instead of being computed again.

    The look-up is made here, in the event loop, with the process's generation reader: a hit
    (and a 304) costs no worker thread. The threads are few (four on SQLite), and a cached
    fee quote or a cached read that waited for one behind the misses was how they queued
    (bench/RESULTS.md, load). Only a miss goes to a thread.

    `body` is the canonical form of a read-only POST's validated body (a fee quote): the answer
    depends on it as on the query string.

    Correct under concurrent syncs because the generation is read before the data: an entry
    filed under generation G holds data at least as new as G, and any later change moves G.

    The session (on the read replica when one is configured) is opened and closed in the worker
    thread that uses it, so its connection goes back to the pool before the answer is sent.
    """
    cache: ReadCache = request.app.state.read_cache
    parts = request_parts(request.scope) + ((body,) if body else ())
    looked_up = request.scope.pop(LOOKED_UP, None)
    if looked_up is not None and looked_up[0] == parts:
        # The read cache's fast path has just looked this request up and found nothing, in
        # the same turn of the event loop: no second generation read and store look-up.
        key, etag = looked_up[1:]
    else:
        gen = request.app.state.generations.generation(depends_on)
        key, etag, answer = _lookup(
            cache, request.headers, gen, parts, validators=request.method in ("GET", "HEAD")
        )
        if answer is not None:
            return answer

    now = entry = None
    if firms is not None and cache.store:
        # The row the key's generation was read from, kept by the reader: read before the data.
        now = marked(depends_on, request.app.state.generations.read(depends_on))
        entry = cache.carrier.kept(parts)
        # Taken over here when what the writes since touched is known already (another answer
        # asked it after the same sync): no request thread, where carried profiles had queued
        # behind the misses after each sync (bench/RESULTS.md, load).
        carried = None if entry is None else cache.carrier.take_over(None, parts, key, now, entry)
        if carried is not None:
            headers = _headers(request.headers, etag, "carried")
            return Response(carried, media_type=JSON, headers=headers)

    def work() -> tuple[bytes, str]:
        nonlocal entry
        if cache.store:
            # What the event loop looked up was this process's memory only: another process
            # may have kept the answer, or the note of an older one, in the shared store.
            kept = cache.store.get(key)
            if kept is not None:
                return kept, "hit"
            if now is not None and entry is None:
                entry = cache.carrier.kept(parts)
        with request.app.state.read_sessions() as session:
            if entry is not None:
                carried = cache.carrier.take_over(session, parts, key, now, entry)
                if carried is not None:
                    return carried, "carried"
            content = compute(session).model_dump_json().encode()
        # Kept from the worker thread: the shared store may be a disk cache (a SQLite file
        # the processes take turns to write), which must not hold up the event loop.
        if cache.store:
            cache.store.set(key, content)
            if now is not None:
                cache.carrier.keep(parts, key, now, firms)
        return content, "miss"

    async def miss() -> tuple[bytes, str]:
        made = await in_request_thread(request, work)
        if made[1] == "miss":
            cache.misses += 1
        elif made[1] == "hit":
            cache.hits += 1
        return made

    if cache.store is None:  # the answer cache off: every request computes its own
        (content, state) = await miss()
    else:
        (content, state), shared = await request.app.state.flights.run(key, miss)
        state = "shared" if shared else state
    return Response(content, media_type=JSON, headers=_headers(request.headers, etag, state))


@functools.cache
def _adapter(kind: Any) -> TypeAdapter:
    return TypeAdapter(kind)


def kept_answer(
    request: Request,
    session: Session,
    parts: tuple,
    compute: Callable[[Session], T],
    kind: Any,
    depends_on: Generation,
) -> T:
    """A value pages share (the registry's size, its industries): `compute` at the current
    data generation, from the answer cache when any page asked for it since the last change,
    else computed with `session` and kept, as JSON of its type `kind`.

    For page routes, which render in a worker thread with a session of their own: the
    generation is read on that session before the data, as cached_answer reads it before
    computing, so an entry filed under generation G never holds data older than G.
    """
    cache: ReadCache | None = getattr(request.app.state, "read_cache", None)
    if cache is None or cache.store is None:
        return compute(session)
    key, _ = cache.key(depends_on.of(session), parts)
    adapter = _adapter(kind)
    body = cache.store.get(key)
    if body is not None:
        cache.hits += 1
        return adapter.validate_json(body)
    value = compute(session)
    cache.store.set(key, adapter.dump_json(value))
    cache.misses += 1
    return value


def page_parts(scope: Scope) -> tuple:
    """What a public page depends on in the request: its address, and the language the visitor
    chose by cookie (a `lang` query parameter is part of the address already)."""
    cookie = Headers(scope=scope).get("cookie", "")
    lang = next(
        (v for k, _, v in (c.strip().partition("=") for c in cookie.split(";")) if k == "lang"), ""
    )
    return ("page", *request_parts(scope), lang)


def cached_page(
    request: Request,
    session: Session,
    render: Callable[[], Response],
    depends_on: Generation,
    firms: set[str] | None = None,
) -> Response:
    """A public page as the visitor will see it: its HTML at the current data generation, 304
    when the browser holds it, from the cache when anyone asked for the same page since the
    last change, else rendered and kept (answers of 200 only: an error page is made anew).
    `firms`: filled by `render` with the firms the page shows, as for cached_answer.

    Whole pages, not their data: a page's template costs a worker more than a cached API
    answer costs in all (the portal's pages under the load mix, bench/RESULTS.md). Correct
    because these pages show nothing of the visitor but the language (page_parts), and the
    generation is read on the page's own session before its data, as cached_answer does.
    """
    cache: ReadCache | None = getattr(request.app.state, "read_cache", None)
    if cache is None:
        return render()
    now = mark(session, depends_on) if firms is not None and cache.store else None
    gen = now.generation if now is not None else depends_on.of(session)
    parts = page_parts(request.scope)
    key, etag, answer = _lookup(cache, request.headers, gen, parts, media_type=HTML)
    if answer is not None:
        return answer
    entry = cache.carrier.kept(parts) if now is not None else None
    if entry is not None:
        carried = cache.carrier.take_over(session, parts, key, now, entry)
        if carried is not None:
            return Response(
                carried, media_type=HTML, headers=_headers(request.headers, etag, "carried")
            )
    response = render()
    if response.status_code == 200:
        if cache.store:
            cache.store.set(key, bytes(response.body))
            if now is not None:
                cache.carrier.keep(parts, key, now, firms)
        cache.misses += 1
        response.headers.update(_headers(request.headers, etag, "miss"))
    return response


async def page_answer(
    request: Request,
    render: Callable[[Session], Response],
    depends_on: Generation,
    firms: set[str] | None = None,
) -> Response:
    """A public page (cached_page) made on one of the request threads with a session of its
    own, closed there before the page is sent. What a page's route and its lane both call: a
    sync route with a session dependency took three thread hops to make one page, and its
    caller's leaving went unnoticed (api/threads.in_request_thread notices)."""

    def work() -> Response:
        with request.app.state.sessions() as session:
            return cached_page(request, session, lambda: render(session), depends_on, firms)

    return await in_request_thread(request, work)


def _fast_path(template: str, depends_on: Generation, parts_of, media_type: str):
    """A public read the fast path serves, by its route's template (which /metrics reports it
    under, hit or miss): the pattern of its addresses, the generation it depends on, how it
    is keyed and what it holds."""
    return template_pattern(template), template, depends_on, parts_of, media_type


# Most asked first: every GET is matched against them in turn.
FAST_PATHS = (
    _fast_path("/api/v1/enterprises", REGISTRY_DATA, request_parts, JSON),
    _fast_path("/api/v1/enterprises/{code}", PUBLIC_DATA, request_parts, JSON),
    _fast_path("/search", PUBLIC_DATA, page_parts, HTML),
    _fast_path("/e/{code}", PUBLIC_DATA, page_parts, HTML),
    _fast_path("/", FRONT_DATA, page_parts, HTML),
    _fast_path("/search/suggest", REGISTRY_DATA, page_parts, HTML),
    # The agency directory, an agency's page, the fee calculator: a timed generation, kept by
    # the reader until the next deadline it names (bench/RESULTS.md, load).
    _fast_path("/agencies", AGENCY_DATA, page_parts, HTML),
    _fast_path("/agencies/{code}", AGENCY_DATA, page_parts, HTML),
    _fast_path("/fees", AGENCY_DATA, page_parts, HTML),
)


class ReadCacheMiddleware:
    """Cached public reads answered before routing: a hit costs a generation read and a
    dictionary (or Redis) look-up instead of FastAPI's dependency and validation machinery,
    which was most of a hit's time (bench/load). Only callers without credentials: an API key
    must still pass the gate, which meters every call. A miss is answered by its route's own
    function here when the route has a lane (api/lanes.py), else goes on to the route; either
    fills the cache. Sits inside the guard middleware, so rate limits and security headers
    apply."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path = scope["path"]
            for pattern, template, depends_on, parts_of, media_type in FAST_PATHS:
                if pattern.match(path):
                    scope[ROUTE] = template
                    headers = Headers(scope=scope)
                    cache: ReadCache | None = getattr(scope["app"].state, "read_cache", None)
                    if cache is None or "authorization" in headers:
                        break
                    reader: GenerationReader = scope["app"].state.generations
                    gen = reader.generation(depends_on)
                    parts = parts_of(scope)
                    key, etag, answer = _lookup(cache, headers, gen, parts, media_type=media_type)
                    if answer is None:
                        scope[LOOKED_UP] = (parts, key, etag)
                        answer = await self._once(scope, receive, send, key, headers, media_type)
                    if answer is not None:
                        await answer(scope, receive, send)
                    return
        await self.app(scope, receive, send)

    async def _once(
        self, scope: Scope, receive: Receive, send: Send, key: str, headers: Headers, kind: str
    ) -> Response | None:
        """A miss, made once for every request that asks the same while it is being made: the
        first is answered by its route's lane (api/lanes.py) or goes on to the route; the
        others are answered with its answer as a hit would be. A popular page asked by many at
        once — at start, after a sync — was made as many times, each copy lengthening the queue
        for the request threads (bench/RESULTS.md, load). Only a 200 is shared; after an error
        the others make their own. None: the route has answered already."""
        lane = LANES.get(scope[ROUTE])
        own: list[Response] = []  # the answer a lane made for this very request
        led = False

        async def make() -> tuple[bytes, str] | None:
            nonlocal led
            led = True
            answer = await lane.answer(scope, receive) if lane else None
            # Left to the route (invalid input): it looks up for itself, later.
            scope.pop(LOOKED_UP, None)
            if answer is None:
                return await self._routed(scope, receive, send)
            own.append(answer)
            etag = answer.headers.get("etag")
            return (bytes(answer.body), etag) if answer.status_code == 200 and etag else None

        flights: Flights | None = getattr(scope["app"].state, "fast_flights", None)
        if flights is None:
            await make()
            return own[0] if own else None
        try:
            made, shared = await flights.run(key, make)
        except Exception:
            if led:
                raise
            made, shared = None, True  # the first one's answer failed: this one makes its own
        if not shared or made is None:
            if shared:
                await make()
            return own[0] if own else None
        content, etag = made
        return Response(content, media_type=kind, headers=_headers(headers, etag, "shared"))

    async def _routed(self, scope: Scope, receive: Receive, send: Send) -> tuple[bytes, str] | None:
        """The route's answer, sent to its caller as it comes, and kept when it is a 200."""
        start: dict = {}
        body: list[bytes] = []

        async def keep(message) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                body.append(message.get("body", b""))
            await send(message)

        await self.app(scope, receive, keep)
        etag = Headers(raw=start.get("headers", [])).get("etag")
        return (b"".join(body), etag) if start.get("status") == 200 and etag else None
