"""Public-read caching: serialised answers keyed by the data generation, in process or in Redis,
with ETag / Cache-Control / 304 on the way out."""

from __future__ import annotations

import hashlib
import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Callable
from datetime import datetime
from urllib.parse import parse_qsl
from zoneinfo import ZoneInfo

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.datastructures import Headers
from starlette.types import ASGIApp, Receive, Scope, Send

from xinyong.accounts.config import account_settings
from xinyong.api.deps import refuse_if_stale
from xinyong.settings import get_settings

log = logging.getLogger(__name__)
SHANGHAI = ZoneInfo("Asia/Shanghai")

# Anonymous answers may be kept by shared caches (a CDN, nginx) but must be revalidated on every
# use: the ETag makes that a 304, and a sync changes the ETag at once. Keyed callers are metered
# per call, so only their own client may keep a copy.
PUBLIC = "public, no-cache"
PRIVATE = "private, no-cache"
JSON = "application/json"


# Plain SQL on purpose: these run on every public read, and the ORM's statement building cost
# more than the query itself (bench/load). Both are primary-key or max-of-key reads.
FEED_SQL = "SELECT value FROM feed_counter WHERE name = 'changes'"
# What a public profile depends on beyond the change feed: list decisions (every state change
# of a list entry appends a list event) and alert decisions (a dismissed alert drops its risk
# flag). The alert table is small (one row per fired rule) and decisions are rare: a max() over
# it costs less than a counter in every decision path. Grades: the rating passes count the
# passes that moved one (rating.service.REGRADED); without it, a profile cached after a sync
# kept the grade from before the sync until the next sync.
PUBLIC_SQL = (
    "SELECT (SELECT value FROM feed_counter WHERE name = 'changes'), "
    "(SELECT max(id) FROM list_event), (SELECT max(id) FROM alert), "
    "(SELECT max(decided_at) FROM alert), (SELECT seq FROM rating_state WHERE name = 'regraded')"
)


def _feed(row) -> int:
    return int(row[0] or 0) if row else 0


def _public(row) -> str:
    feed, event, alert, decided, graded = row
    # Publicity periods end at midnight, Asia/Shanghai: a new day is a new generation.
    today = datetime.now(SHANGHAI).date().isoformat()
    return f"{feed or 0}.{event or 0}.{alert or 0}.{decided or ''}.{graded or 0}.{today}"


def generation(session: Session) -> int:
    """The change-feed position: every sync batch (and agency listing change) takes numbers from
    this row in its own transaction, so a committed change always moves it (decision 0005)."""
    return _feed(session.connection().exec_driver_sql(FEED_SQL).first())


def public_generation(session: Session) -> str:
    """The generation of a public profile: the feed position, the last list event, the last
    alert and alert decision, and the local date."""
    return _public(session.connection().exec_driver_sql(PUBLIC_SQL).one())


class GenerationReader:
    """The fast path's own database connection, used from the event loop only.

    It must not come from the request pool: when the pool's connections are all held by
    requests in the thread pool, a checkout from the event loop would stall every connection
    of the process until one came back (bench/load measured exactly that convoy). One
    connection per process, kept open, in autocommit so it holds no snapshot between reads.
    """

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._conn = None

    def _connect(self):
        conn = self.engine.raw_connection()
        if self.engine.dialect.name == "postgresql":
            conn.driver_connection.autocommit = True
        # SQLite's driver opens no transaction for a SELECT: every read sees the last commit.
        return conn

    def read(self, sql: str):
        for attempt in (1, 2):
            if self._conn is None:
                self._conn = self._connect()
            try:
                cur = self._conn.cursor()
                cur.execute(sql)
                row = cur.fetchone()
                cur.close()
                return row
            except Exception:
                # A dropped connection (database restart, failover): reconnect once.
                conn, self._conn = self._conn, None
                try:
                    conn.invalidate()
                except Exception:  # already gone
                    pass
                if attempt == 2:
                    raise
        return None


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
            log.warning("cache read failed: %s", exc)
            return None

    def set(self, key: str, value: bytes) -> None:
        try:
            self.client.set(key, value, ex=self.ttl)
        except Exception as exc:
            log.warning("cache write failed: %s", exc)


class TieredCache:
    """This process's memory in front of the shared Redis: a hit this process has seen costs
    no round trip, and an answer another process computed is fetched, not computed again.
    Keys carry the data generation, so a kept copy can never outlive its data."""

    def __init__(self, near: MemoryCache, far: RedisCache) -> None:
        self.near = near
        self.far = far

    def get(self, key: str) -> bytes | None:
        value = self.near.get(key)
        if value is None:
            value = self.far.get(key)
            if value is not None:
                self.near.set(key, value)
        return value

    def set(self, key: str, value: bytes) -> None:
        self.near.set(key, value)
        self.far.set(key, value)


class ReadCache:
    """What the public read routes use: a store, a namespace for this database, and counters."""

    def __init__(
        self, store: MemoryCache | RedisCache | TieredCache | None, namespace: str
    ) -> None:
        self.store = store
        self.namespace = namespace
        self.hits = 0
        self.misses = 0

    def key(self, generation: int | str, parts: tuple) -> tuple[str, str]:
        """The store key and the ETag of `parts` at this generation."""
        digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
        return f"{self.namespace}:{generation}:{digest}", f'W/"{generation}-{digest}"'


def make_cache(engine: Engine) -> ReadCache:
    """Process memory (XINYONG_CACHE_MB), in front of Redis when XINYONG_REDIS_URL is set
    (shared by all processes); XINYONG_CACHE_MB=0 turns the answer cache off (HTTP validators
    stay)."""
    settings = get_settings()
    accounts = account_settings()
    # Processes on the same database share entries; another database (a test schema, another
    # city) never sees them, even in the same Redis.
    db = hashlib.blake2b(
        engine.url.render_as_string(hide_password=True).encode(), digest_size=6
    ).hexdigest()
    namespace = f"{accounts.rate_limit_namespace}:cache:{db}"
    if settings.cache_mb <= 0:
        return ReadCache(None, namespace)
    near = MemoryCache(settings.cache_mb * 1024 * 1024)
    if accounts.redis_url:
        far = RedisCache(accounts.redis_url, settings.cache_ttl_seconds)
        return ReadCache(TieredCache(near, far), namespace)
    return ReadCache(near, namespace)


def read_engine(engine: Engine) -> Engine:
    """The engine public reads use: a read-only replica when XINYONG_READ_DATABASE_URL is set
    (the generation is read there too, so a lagging replica serves consistent, older answers)."""
    from xinyong.db import make_engine

    url = get_settings().read_database_url
    return make_engine(url) if url else engine


def request_parts(path: str, query: str) -> tuple:
    """What an answer depends on in the request: the path and the query, parameters sorted
    (`?q=a&page=2` and `?page=2&q=a` are one entry)."""
    return (path, tuple(sorted(parse_qsl(query, keep_blank_values=True))))


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
    cache: ReadCache, headers: Headers, gen: int | str, parts: tuple, validators: bool = True
) -> tuple[str, str, Response | None]:
    key, etag = cache.key(gen, parts)
    # If-None-Match answers 304 only to a read (RFC 9110 §13.1.2): a POST's is ignored.
    if validators and _matches(headers, etag):
        return key, etag, Response(status_code=304, headers=_headers(headers, etag, "revalidated"))
    body = cache.store.get(key) if cache.store else None
    if body is None:
        return key, etag, None
    cache.hits += 1
    return key, etag, Response(body, media_type=JSON, headers=_headers(headers, etag, "hit"))


def cached_json(
    request: Request,
    compute: Callable[[Session], BaseModel],
    generation_of: Callable[[Session], int | str] = generation,
    body: str = "",
) -> Response:
    """The answer of `compute` for this request at the current data generation: 304 when the
    client holds it, from the cache when another caller asked the same since the last change,
    else computed, serialised once and kept.

    `body` is the canonical form of a read-only POST's validated body (a fee quote): the answer
    depends on it as on the query string.

    Correct under concurrent syncs because the generation is read before the data: an entry
    filed under generation G holds data at least as new as G, and any later change moves G.

    The session (on the read replica when one is configured) is opened and closed here, in the
    worker thread that uses it, so its connection goes back to the pool before the answer is
    sent. FastAPI tears request-scoped dependencies down last, after sending; a connection held
    that long while the request waits for the event loop or a worker thread is how the pool ran
    dry under overload (bench/RESULTS.md, load).
    """
    refuse_if_stale(request)
    cache: ReadCache = request.app.state.read_cache
    parts = request_parts(request.url.path, request.url.query) + ((body,) if body else ())
    with request.app.state.read_sessions() as session:
        key, etag, answer = _lookup(
            cache,
            request.headers,
            generation_of(session),
            parts,
            validators=request.method in ("GET", "HEAD"),
        )
        if answer is not None:
            return answer
        body = compute(session).model_dump_json().encode()
    if cache.store:
        cache.store.set(key, body)
    cache.misses += 1
    return Response(body, media_type=JSON, headers=_headers(request.headers, etag, "miss"))


# The public reads the fast path serves, and the generation each depends on.
FAST_PATHS = (
    (re.compile(r"^/api/v1/enterprises$"), FEED_SQL, _feed),
    (re.compile(r"^/api/v1/enterprises/[^/]+$"), PUBLIC_SQL, _public),
)


class ReadCacheMiddleware:
    """Cached public reads answered before routing: a hit costs a generation read and a
    dictionary (or Redis) look-up instead of FastAPI's dependency and validation machinery,
    which was most of a hit's time (bench/load). Only callers without credentials: an API key
    must still pass the gate, which meters every call; misses go on to the route, which fills
    the cache. Sits inside the guard middleware, so rate limits and security headers apply."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.reader: GenerationReader | None = None

    def _reader(self, app) -> GenerationReader:
        if self.reader is None:
            self.reader = GenerationReader(app.state.read_engine)
        return self.reader

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            path = scope["path"]
            for pattern, sql, reading in FAST_PATHS:
                if pattern.match(path):
                    headers = Headers(scope=scope)
                    cache: ReadCache | None = getattr(scope["app"].state, "read_cache", None)
                    if cache is None or "authorization" in headers:
                        break
                    gen = reading(self._reader(scope["app"]).read(sql))
                    query = scope.get("query_string", b"").decode("latin-1")
                    _, _, answer = _lookup(cache, headers, gen, request_parts(path, query))
                    if answer is not None:
                        await answer(scope, receive, send)
                        return
                    break
        await self.app(scope, receive, send)
