"""Public-read caching: serialised answers keyed by the data generation, in process or in Redis,
with ETag / Cache-Control / 304 on the way out."""

from __future__ import annotations

import hashlib
import logging
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator

from fastapi import Request, Response
from pydantic import BaseModel
from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from xinyong.accounts.config import account_settings
from xinyong.settings import get_settings
from xinyong.sources.provenance import FeedCounter

log = logging.getLogger(__name__)

# Anonymous answers may be kept by shared caches (a CDN, nginx) but must be revalidated on every
# use: the ETag makes that a 304, and a sync changes the ETag at once. Keyed callers are metered
# per call, so only their own client may keep a copy.
PUBLIC = "public, no-cache"
PRIVATE = "private, no-cache"


def generation(session: Session) -> int:
    """The change-feed position: every sync batch (and agency listing change) takes numbers from
    this row in its own transaction, so a committed change always moves it (decision 0005)."""
    value = session.execute(
        select(FeedCounter.value).where(FeedCounter.name == "changes")
    ).scalar_one_or_none()
    return int(value or 0)


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


class ReadCache:
    """What the public read routes use: a store, a namespace for this database, and counters."""

    def __init__(self, store: MemoryCache | RedisCache | None, namespace: str) -> None:
        self.store = store
        self.namespace = namespace
        self.hits = 0
        self.misses = 0

    def key(self, generation: int, parts: tuple) -> tuple[str, str]:
        """The store key and the ETag of `parts` at this generation."""
        digest = hashlib.blake2b(repr(parts).encode(), digest_size=12).hexdigest()
        return f"{self.namespace}:{generation}:{digest}", f'W/"{generation}-{digest}"'


def make_cache(engine: Engine) -> ReadCache:
    """Redis when XINYONG_REDIS_URL is set (shared by all processes), else process memory;
    XINYONG_CACHE_MB=0 turns the answer cache off (HTTP validators stay)."""
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
    if accounts.redis_url:
        return ReadCache(RedisCache(accounts.redis_url, settings.cache_ttl_seconds), namespace)
    return ReadCache(MemoryCache(settings.cache_mb * 1024 * 1024), namespace)


def read_engine(engine: Engine) -> Engine:
    """The engine public reads use: a read-only replica when XINYONG_READ_DATABASE_URL is set
    (the generation is read there too, so a lagging replica serves consistent, older answers)."""
    from xinyong.db import make_engine

    url = get_settings().read_database_url
    return make_engine(url) if url else engine


def get_read_session(request: Request) -> Iterator[Session]:
    """A session for public reads (the replica's, when one is configured)."""
    session = request.app.state.read_sessions()
    try:
        yield session
    finally:
        session.close()


def _private(request: Request) -> bool:
    return "authorization" in request.headers or "cookie" in request.headers


def _matches(request: Request, etag: str) -> bool:
    given = request.headers.get("if-none-match")
    if not given:
        return False
    # RFC 9110: If-None-Match compares weakly, and may list several tags or "*".
    tags = {t.strip().removeprefix("W/") for t in given.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _headers(request: Request, etag: str, state: str) -> dict[str, str]:
    return {
        "etag": etag,
        "cache-control": PRIVATE if _private(request) else PUBLIC,
        "vary": "Authorization, Cookie",
        "x-cache": state,
    }


def cached_json(
    request: Request,
    session: Session,
    parts: tuple,
    compute: Callable[[], BaseModel],
) -> Response:
    """The answer of `compute` for `parts` at the current data generation: 304 when the client
    holds it, from the cache when another caller asked the same since the last change, else
    computed, serialised once and kept.

    Correct under concurrent syncs because the generation is read before the data: an entry
    filed under generation G holds data at least as new as G, and any later change moves G.
    """
    cache: ReadCache = request.app.state.read_cache
    gen = generation(session)
    key, etag = cache.key(gen, parts)
    if _matches(request, etag):
        return Response(status_code=304, headers=_headers(request, etag, "revalidated"))
    body = cache.store.get(key) if cache.store else None
    state = "hit"
    if body is None:
        state = "miss"
        body = compute().model_dump_json().encode()
        if cache.store:
            cache.store.set(key, body)
        cache.misses += 1
    else:
        cache.hits += 1
    return Response(body, media_type="application/json", headers=_headers(request, etag, state))


def validated_json(request: Request, model: BaseModel) -> Response:
    """An answer that cannot be keyed by the generation alone (it also reads lists and alerts):
    serialised, with a strong ETag of its bytes, so a client holding it gets a 304."""
    body = model.model_dump_json().encode()
    etag = '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'
    if _matches(request, etag):
        return Response(status_code=304, headers=_headers(request, etag, "revalidated"))
    return Response(body, media_type="application/json", headers=_headers(request, etag, "none"))
