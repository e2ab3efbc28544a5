"""A kept answer about firms taken over by a newer generation when nothing it shows has changed."""

from __future__ import annotations

import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import Connection, bindparam, literal, select, union_all
from sqlalchemy.orm import Session

from xinyong.alerts.models import Alert
from xinyong.db import among
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.lists.models import ListEntry, ListEvent
from xinyong.penalties.models import Penalty
from xinyong.sources.layouts_judicial import PERSON
from xinyong.sources.provenance import RecordHistory

if TYPE_CHECKING:
    from xinyong.api.cache import Generation, ReadCache

# A public profile shows one firm's records and the record counts of the firms related to it,
# but the public generation (api/cache.PUBLIC_DATA) moves on any record of any firm: after a
# court sync of fifty records every profile was made again, though almost none had changed, and
# the server fell behind for seconds after each sync (bench/RESULTS.md, load). So a profile's
# answer is kept with the firms it shows, and a newer generation takes it over when the writes
# between the two touched none of them. What the writes touched is read from the change feed by
# number, and only where every number is accounted for: anything else the feed carried (a
# registry row, which may link firms anew, an agency, a licence), an alert decision, a regrade
# or a new day makes the answer anew, as before. The same holds for a verification (decision
# 0043), which also shows the records of its firm's people: a record about a natural person
# touches their name (`person`), and a verification is kept with its firm and its people's names.
#
# The record tables whose rows name the firm they are about (sources/linking).
_RECORDS = (EnforcementCase.__table__, DishonestRecord.__table__, Penalty.__table__)
# Past this many writes between two generations an answer is made anew: reading which firms
# they touched would cost more than making it.
MOST_WRITES = 2000
_KEPT_PAIRS = 64  # generation pairs whose touched firms a process keeps
# Alert and list event ids come from a sequence, taken before their transaction commits: on
# PostgreSQL one that took a lower id may commit after a generation with a higher one was read,
# and move no maximum. Their windows are always read, from this far below the older
# generation's last id, so such a late row still counts (the feed's numbers need no margin:
# they are taken under a lock held to commit).
LATE_IDS = 100
_UNKNOWN = object()  # a pair whose touched firms this process has not read


def person(name: str) -> str:
    """What a record about a natural person touches: their name, as the records give it (a
    firm is touched as its credit code). A verification shows its firm's people's records."""
    return f"person:{name}"


@dataclass(frozen=True)
class Mark:
    """Where the data stood: a generation's key part and the row it was made of (PUBLIC_SQL's
    columns: feed number, last list event, last alert, last alert decision, regrades)."""

    generation: str
    row: tuple

    @property
    def day(self) -> str:  # the generation's last part: the local date
        return self.generation.rsplit(".", 1)[-1]


def mark(session: Session, of: Generation) -> Mark:
    """The generation `of` (untimed) now, read on the session that makes the answer, before
    its data."""
    return marked(of, session.connection().exec_driver_sql(of.sql).first())


def marked(of: Generation, row: Any) -> Mark:
    """The mark of the row `of` was read as (here, or by the event loop's GenerationReader)."""
    return Mark(str(of.of_row(row)), tuple(_plain(v) for v in row))


def _plain(value: Any) -> Any:
    return value.isoformat() if hasattr(value, "isoformat") else value


@cache
def _statements():
    after, upto = bindparam("after"), bindparam("upto")
    written = union_all(
        *(
            select(
                literal(t.name).label("kind"),
                t.c.id,
                t.c.linked_credit_code,
                t.c.party_kind,
                t.c.party_name,
            ).where(t.c.change_seq > after, t.c.change_seq <= upto)
            for t in _RECORDS
        )
    )
    h = RecordHistory.__table__
    earlier = select(h.c.credit_code, h.c.data).where(
        h.c.record_type == bindparam("kind"), among(h.c.record_id, "ids")
    )
    a = Alert.__table__
    alerted = (
        select(a.c.credit_code)
        .where(a.c.id > after, a.c.id <= upto)
        .limit(LATE_IDS + MOST_WRITES + 1)
    )
    events, entries = ListEvent.__table__, ListEntry.__table__
    listed = (
        select(entries.c.credit_code)
        .join_from(events, entries, entries.c.id == events.c.entry_id)
        .where(events.c.id > after, events.c.id <= upto)
        .limit(LATE_IDS + MOST_WRITES + 1)
    )
    return written, earlier, alerted, listed


def touched(conn: Connection, old: Mark, new: Mark) -> frozenset[str] | None:
    """The firms (credit codes) and people (`person`) whose shown data the writes from `old` to
    `new` may have changed; None when that cannot be told from the feed (then anything may
    have)."""
    if old == new:
        return frozenset()
    if old.day != new.day:
        return None
    (feed0, event0, alert0, decided0, graded0), (feed1, event1, alert1, decided1, graded1) = (
        old.row,
        new.row,
    )
    if decided0 != decided1 or graded0 != graded1:
        return None
    feed0, feed1 = feed0 or 0, feed1 or 0
    event0, event1, alert0, alert1 = event0 or 0, event1 or 0, alert0 or 0, alert1 or 0
    if not (feed0 <= feed1 and event0 <= event1 and alert0 <= alert1):
        return None  # not a later generation (a replica behind another)
    if feed1 - feed0 > MOST_WRITES:
        return None
    written, earlier, alerted, listed = _statements()
    firms: set[str] = set()
    if feed1 > feed0:
        rows = conn.execute(written, {"after": feed0, "upto": feed1}).all()
        # Each write takes its own number and nothing is deleted: when the record tables hold
        # a row for every number, the feed carried nothing else. A record written twice in the
        # window leaves a number unaccounted for, and the window is not read.
        if len(rows) != feed1 - feed0:
            return None
        ids: dict[str, list[int]] = {}
        for kind, record_id, code, party_kind, party_name in rows:
            ids.setdefault(kind, []).append(record_id)
            firms.update(_subjects(code, party_kind, party_name))
        # An updated record may have named another firm or person before (a link or a name
        # corrected).
        for kind, some in ids.items():
            for code, data in conn.execute(earlier, {"kind": kind, "ids": some}):
                data = data or {}
                firms.update(_subjects(code, data.get("party_kind"), data.get("party_name")))
    for statement, after, upto in ((alerted, alert0, alert1), (listed, event0, event1)):
        bounds = {"after": max(0, after - LATE_IDS), "upto": upto}
        codes = [code for (code,) in conn.execute(statement, bounds)]
        if len(codes) > LATE_IDS + MOST_WRITES:
            return None
        # An alert or a list entry about a person names no firm: no profile shows it.
        firms.update(code for code in codes if code)
    return frozenset(firms)


def _subjects(code: str | None, party_kind: str | None, party_name: str | None) -> set[str]:
    found = {code} if code else set()
    if party_kind == PERSON and party_name:
        found.add(person(party_name))
    return found


@dataclass(frozen=True)
class Kind:
    """How one kind of answer is carried: the store key of its question at a generation (by
    default the read cache's key of its request), and what its kept body needs redone at the
    new generation, if anything (`refresh(body, session or None, now)`: the body to file, or
    None to make the answer anew; without a session, from what this process knows already)."""

    key_of: Callable[[str], str]
    refresh: Callable[[bytes, Session | None, Mark], bytes | None] | None = None


class Carrier:
    """One server's kept answers' firms, and the firms each newer generation touched."""

    def __init__(self, cache: ReadCache) -> None:
        self.cache = cache
        self._touched: OrderedDict[tuple, frozenset[str] | None] = OrderedDict()
        self._read: OrderedDict[tuple, Any] = OrderedDict()  # read_at's values
        self._lock = threading.Lock()
        self.carried = 0  # answers taken over, for tests and benchmarks
        self.windows_read = 0  # pairs of generations whose touched firms were read

    def _entry_key(self, parts: tuple) -> str:
        return self.cache.key("carry", parts)[0]

    def kept(self, parts: tuple) -> dict | None:
        """What was noted of the answer last kept for `parts` (`keep`), if anything."""
        store = self.cache.store
        noted = store.get(self._entry_key(parts)) if store is not None else None
        return json.loads(noted) if noted is not None else None

    def take_over(
        self,
        session: Session | None,
        parts: tuple,
        key: str,
        now: Mark,
        entry: dict,
        kind: Kind | None = None,
    ) -> bytes | None:
        """The answer noted in `entry` (`kept`), filed under `key` (the current generation's) and
        returned, when the writes since its generation touched none of the firms it shows.
        Without a session (in the event loop), only when what they touched is known already."""
        store = self.cache.store
        kind = kind or self._kind(parts)
        if store is None or kind.key_of(now.generation) != key:
            return None  # the generation moved since the look-up: make it at this one
        then = Mark(entry["generation"], tuple(entry["row"]))
        changed = self._touched_between(session, then, now)
        if changed is _UNKNOWN or changed is None or not changed.isdisjoint(entry["firms"]):
            return None
        body = store.get(entry["key"])
        if body is not None and kind.refresh is not None:
            body = kind.refresh(body, session, now)
        if body is None:
            return None
        store.set(key, body)
        self.keep(parts, key, now, entry["firms"], kind)
        self.carried += 1
        return body

    def keep(
        self, parts: tuple, key: str, now: Mark, firms: Iterable[str], kind: Kind | None = None
    ) -> None:
        """Note that the answer filed under `key` (made at `now`, read before its data) shows
        these firms. Only an answer of the generation it is filed under: every answer under a
        key was made from data at least as new as the key's generation, whoever made it."""
        store = self.cache.store
        firms = sorted(set(firms))
        kind = kind or self._kind(parts)
        if store is None or not firms or kind.key_of(now.generation) != key:
            return
        entry = {"key": key, "generation": now.generation, "row": list(now.row), "firms": firms}
        store.set(self._entry_key(parts), json.dumps(entry).encode())

    def _kind(self, parts: tuple) -> Kind:
        return Kind(lambda generation: self.cache.key(generation, parts)[0])

    def read_at(
        self, what: str, now: Mark, session: Session | None, read: Callable[[Session], Any]
    ) -> Any:
        """`read(session)` at the generation `now`, read once per process and generation (None:
        it could not say, and is read again next time); without a session, only what was read
        already, else None."""
        at = (what, now.generation, now.row)
        with self._lock:
            if at in self._read:
                return self._read[at]
        if session is None:
            return None
        value = read(session)
        if value is not None:
            with self._lock:
                self._read[at] = value
                while len(self._read) > _KEPT_PAIRS:
                    self._read.popitem(last=False)
        return value

    def _touched_between(self, session: Session | None, old: Mark, new: Mark):
        pair = (old.generation, old.row, new.generation, new.row)
        with self._lock:
            if pair in self._touched:
                return self._touched[pair]
        if session is None:
            return _UNKNOWN
        # Read outside the lock: two threads may both read one pair, the same answer.
        changed = touched(session.connection(), old, new)
        with self._lock:
            self.windows_read += 1
            self._touched[pair] = changed
            while len(self._touched) > _KEPT_PAIRS:
                self._touched.popitem(last=False)
        return changed
