"""Which registered enterprises are unlawful collectors by name or scope: found once per process, then followed through the registry's change feed."""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, func, or_, select
from sqlalchemy.exc import SQLAlchemyError

from xinyong.db import among
from xinyong.registry.models import Enterprise

log = logging.getLogger(__name__)
_E = Enterprise.__table__
_LATEST = select(func.max(_E.c.change_seq))
_CHANGED = select(_E.c.credit_code).where(
    _E.c.change_seq > bindparam("since"),
    _E.c.change_seq <= bindparam("upto"),
    among(_E.c.credit_code, "codes"),
)


def _statements(terms: tuple[str, ...]):
    """Enterprises whose name or scope holds a term (a superset: exclusions such as 不含讨债 are
    applied in Python): all of them, and those written in a range of the change feed."""
    like = or_(
        *(_E.c.name.contains(t, autoescape=True) for t in terms),
        *(_E.c.business_scope.contains(t, autoescape=True) for t in terms),
    )
    columns = (_E.c.credit_code, _E.c.name, _E.c.business_scope)
    every = select(*columns).where(like)
    written = select(*columns).where(
        _E.c.change_seq > bindparam("since"), _E.c.change_seq <= bindparam("upto"), like
    )
    return every, written


class CollectorFirms:
    """The codes of the enterprises `is_collector(name, scope)` accepts, as of the change feed.

    A verification looks for the other firms its people run or own that are collectors. Asked
    of the whole registry, a common name (hundreds of firms in a city) had every one of its
    firms read to test name and scope: a third of a new verification's time at a million
    enterprises (bench/RESULTS.md, load). Collectors are few: the set is built by one scan,
    then each time the feed has moved, only the enterprises written since are looked at —
    those that now match join, members that were rewritten and no longer match leave. Feed
    numbers are taken under a row lock held to commit (sources/provenance.allocate_seq), so a
    reader that has seen a number has seen every smaller one.
    """

    def __init__(self, terms: tuple[str, ...], is_collector: Callable[[str, str], bool]) -> None:
        self.is_collector = is_collector
        self.every, self.written = _statements(terms)
        self.seen: int | None = None
        self.codes: frozenset[str] = frozenset()
        self._lock = threading.Lock()

    def current(self, conn: Connection, latest: int | None = None) -> frozenset[str]:
        """The set as of the change feed's position `latest` (read now when not given)."""
        if latest is None:
            latest = conn.execute(_LATEST).scalar() or 0
        if latest == self.seen:
            return self.codes
        with self._lock:
            if self.seen is None or latest < self.seen:  # first use, or a store built anew
                rows = conn.execute(self.every)
                codes = {r.credit_code for r in rows if self.is_collector(r.name, r.business_scope)}
            elif latest > self.seen:
                span = {"since": self.seen, "upto": latest}
                rewritten = set(
                    conn.execute(_CHANGED, {**span, "codes": sorted(self.codes)}).scalars()
                    if self.codes
                    else ()
                )
                codes = set(self.codes - rewritten)
                for r in conn.execute(self.written, span):
                    if self.is_collector(r.name, r.business_scope):
                        codes.add(r.credit_code)
            else:  # another thread brought it up to date meanwhile
                return self.codes
            self.codes, self.seen = frozenset(codes), latest
            return self.codes


# Per store and rule set. A store is known by its engine's pool: two in-memory stores share
# a URL, never a pool, and an engine with other options (read sessions' autocommit,
# db.session_factory) shares its pool, and so the set, with the engine it was made from.
_KEPT: weakref.WeakKeyDictionary[Any, dict[tuple[str, ...], CollectorFirms]] = (
    weakref.WeakKeyDictionary()
)
_KEPT_LOCK = threading.Lock()


def collector_terms(rules, name: str, business_scope: str | None) -> list[str]:
    """The collector terms in a firm's name or in its scope once exclusions (不含讨债) are cut."""
    scope = rules.collector_exclusion.sub("", business_scope or "")
    return [t for t in rules.collector_terms if t in name or t in scope]


def collector_firms(conn: Connection, rules, registry_seq: int | None = None) -> frozenset[str]:
    """The credit codes of the registry's collectors under these rules as of now, or as of
    the registry's change feed position `registry_seq` where the caller has just read it."""
    key = (
        str(rules.file),
        str(rules.version),
        rules.collector_exclusion.pattern,
        *rules.collector_terms,
    )
    with _KEPT_LOCK:
        per_rules = _KEPT.setdefault(conn.engine.pool, {})
        firms = per_rules.get(key)
        if firms is None:
            firms = per_rules[key] = CollectorFirms(
                rules.collector_terms, lambda name, scope: bool(collector_terms(rules, name, scope))
            )
    return firms.current(conn, registry_seq)


def warm(engine: Engine, rules) -> threading.Thread:
    """Build the set in the background as a server starts (3.3 s at a million enterprises on
    SQLite): the first verifications would otherwise wait for it. They wait only if they come
    before it is done; a failure here leaves the build to the first verification."""

    def build() -> None:
        try:
            with engine.connect() as conn:
                collector_firms(conn, rules)
        except SQLAlchemyError as exc:
            log.warning("collector firms not built at start-up: %s", exc)

    thread = threading.Thread(target=build, name="collector-firms", daemon=True)
    thread.start()
    return thread
