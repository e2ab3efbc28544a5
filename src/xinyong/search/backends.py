"""Index backends behind one interface: SQLite FTS5 (trigram) and PostgreSQL pg_trgm."""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any, Protocol

from sqlalchemy import Connection, text

from xinyong.db import among_text
from xinyong.search import grams

FTS_TABLE = "search_fts"
ENTRIES = "search_entry s"


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Backend(Protocol):
    """What the index and the service need from a database engine.

    Trigrams serve substring matches of three or more characters; shorter queries go to the
    gram postings (`grams`), which are the same on every engine."""

    def contains(
        self, query: str, params: dict[str, Any], limit: int | None = None
    ) -> tuple[str, str, str]:
        """Entries whose text contains the query: the FROM item that yields them as `s`
        (search_entry, maybe joined to the index that finds them), a WHERE fragment, and the
        order to read them in when a caller stops early ("" when the engine's own is stable).
        With `limit`, the engine may stop after that many candidates (the caller applies no
        other condition that could reject them)."""

    # Whether a filter on the enterprise row must be a per-entry LATERAL lookup for the
    # entries to keep the order contains() reads them in (see search.service._joined).
    lateral: bool

    def contains_any(self, units: list[str], params: dict[str, Any]) -> str:
        """A WHERE fragment on `s` true when s.text contains any of the units (all of three
        or more characters, or all of one or two)."""

    def rarity(self, units: list[str], fresh: bool = False) -> dict[str, int] | None:
        """How many entries hold each trigram, when the engine can tell cheaply; else None.
        `fresh`: read now, not from what this process remembers (which a sync may have
        outdated)."""

    # Whether rarity() counts exactly, so that 0 means no entry holds the trigram (FTS5's
    # vocabulary), or estimates (PostgreSQL's sample: 0 there means rare).
    exact_counts: bool

    def position(self, column: str, param: str) -> str:
        """An SQL expression > 0 when the text contains the parameter (1-based position)."""

    def written(self, conn: Connection, codes: Iterable[str]) -> None:
        """Entries of these enterprises were just inserted: bring side indexes up to date."""

    def removing(self, conn: Connection, codes: Iterable[str]) -> None:
        """Entries of these enterprises are about to be deleted."""

    def cleared(self, conn: Connection) -> None:
        """Every entry is about to be deleted (full rebuild)."""

    def rebuilt(self, conn: Connection) -> None:
        """Every entry has been written anew (full rebuild)."""


_DOC_COUNTS: dict[tuple[str, str], int] = {}
# Postings a typo search reads per unit of the query, at most.
PER_UNIT = 200
# A trigram query ANDs at most this many of the query's rarest trigrams, then checks the
# whole query with instr(): reading the postings of 有限公 for every name costs more than it
# narrows.
MAX_TRIGRAMS = 3
# A trigram held by more entries than this (有限公, 连云港, ing) tells typo candidates apart
# no better than chance, and reading its postings is the cost of the search: it is skipped
# while rarer units of the query remain.
COMMON = 10_000
# Typo candidates come from at most this many units: one wrong character spoils three
# trigrams, so six leave three sound ones.
MAX_TYPO_UNITS = 6


def indexable(unit: str) -> bool:
    """Letters and digits only (CJK characters count as letters). pg_trgm splits words at
    anything else, so LIKE '%航(连%' reads the postings of 航 and 连 alone: 610,079 entries
    at a million enterprises, against 9,462 for '%文化传%'."""
    return unit.isalnum()


def _any_trigram(unit: str) -> bool:
    return True


def telling_units(backend: Backend, units: list[str]) -> list[str]:
    """The units of a typo query worth reading postings of: indexable, under COMMON, the
    first MAX_TYPO_UNITS of them in query order (or the two rarest when every unit is common).
    Only common-or-not decides, never the exact count, so both engines choose the same units
    from the same data."""
    counts = backend.rarity(units) if units and len(units[0]) >= 3 else None
    if not counts:
        return units
    usable = [u for u in units if indexable(u)] or units
    rare = [u for u in usable if counts[u] <= COMMON][:MAX_TYPO_UNITS]
    return rare or sorted(usable, key=lambda u: counts[u])[:2]


def rarest(
    query: str, counts: dict[str, int], held: Callable[[str], bool] = indexable
) -> list[str]:
    """The MAX_TRIGRAMS of the query's trigrams the index holds (`held`: pg_trgm holds only
    letters and digits) that narrow it best; the whole query is checked apart. Empty when the
    index holds none of them.

    The rarest first, then the rarest that overlap none of those chosen in the query: trigrams
    that overlap say nearly the same thing (iud, jiu and udi of xingjiudianguanli are all
    jiudian, 14,576 entries at a million enterprises), while apart they narrow independently
    (iud, ngu and anl: 3,464). Overlapping ones fill in when the query is too short."""
    at: dict[str, int] = {}
    for i in range(len(query) - 2):
        at.setdefault(query[i : i + 3], i)
    usable = sorted((g for g in at if held(g)), key=lambda g: counts.get(g, 0))
    apart: list[str] = []
    for gram in usable:
        if all(abs(at[gram] - at[other]) >= 3 for other in apart):
            apart.append(gram)
    chosen = apart[:MAX_TRIGRAMS]
    chosen += [g for g in usable if g not in chosen][: MAX_TRIGRAMS - len(chosen)]
    return chosen


def _phrase(unit: str) -> str:
    return '"' + unit.replace('"', '""') + '"'


class SqliteFts:
    """FTS5: `search_fts` (trigram tokenizer) over every entry. Its text is search_entry's
    (external content, migration 0018): entries are removed from it while search_entry still
    holds them, as FTS5 reads the text to find what to remove."""

    lateral = False  # SQLite joins in the order written (and has no LATERAL)
    exact_counts = True

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _documents(self, table: str, terms: set[str], fresh: bool = False) -> dict[str, int]:
        # fts5vocab counts a term by reading its postings (a million for 有限公): counts are
        # cached per process. Mostly they only choose which trigrams to intersect, and the whole
        # query is always checked, so a stale count costs speed, not a result; where a count of
        # 0 decides that nothing can match, it is read `fresh` (search.service._narrowest).
        known = (
            {}
            if fresh
            else {t: _DOC_COUNTS[(table, t)] for t in terms if (table, t) in _DOC_COUNTS}
        )
        terms = terms - set(known)
        if not terms:
            return known
        if len(_DOC_COUNTS) > 200_000:
            _DOC_COUNTS.clear()
        marks = {f"r{i}": t for i, t in enumerate(sorted(terms))}
        rows = self.conn.execute(
            text(
                f"SELECT term, doc FROM {table}_vocab "
                f"WHERE term IN ({', '.join(':' + m for m in marks)})"
            ),
            marks,
        )
        found = dict(rows.all())
        for term in terms:
            _DOC_COUNTS[(table, term)] = found.get(term, 0)
        return known | {t: found.get(t, 0) for t in terms}

    def rarity(self, units: list[str], fresh: bool = False) -> dict[str, int] | None:
        docs = self._documents(FTS_TABLE, {u.lower() for u in units}, fresh)
        return {u: docs.get(u.lower(), 0) for u in units}

    def contains(
        self, query: str, params: dict[str, Any], limit: int | None = None
    ) -> tuple[str, str, str]:
        if len(query) < 3:
            return grams.contains(query, params, limit)
        params["needle"] = query
        trigrams = list(dict.fromkeys(query[i : i + 3].lower() for i in range(len(query) - 2)))
        # FTS5's trigram tokenizer indexes every character, punctuation too: 泰维( narrows
        # 泰维(连云港)百货 to two entries where 连云港, its one letters-only trigram, holds
        # 600,000 (285 ms a search at a million enterprises; bench/RESULTS.md, load).
        chosen = rarest(query.lower(), self.rarity(trigrams), held=_any_trigram)
        chosen = chosen or trigrams[:MAX_TRIGRAMS]
        params["fts"] = " AND ".join(_phrase(g) for g in chosen)
        # The index drives, yielding entries in id order as it finds them, so a LIMIT stops
        # the search at the first matches. As `s.id IN (…MATCH…)` SQLite collected every
        # posting first: 连云港 holds 600,000 of them, 82 ms against 1 ms (bench/RESULTS.md,
        # load). The same entries come out, in the same order.
        return (
            f"{FTS_TABLE} JOIN {ENTRIES} ON s.id = {FTS_TABLE}.rowid",
            f"{FTS_TABLE} MATCH :fts AND instr(s.text, :needle) > 0",
            "",
        )

    def contains_any(self, units: list[str], params: dict[str, Any]) -> str:
        # Each unit reads at most PER_UNIT postings: the right name shares several units with
        # the query, and its rare ones (the 字号) have few postings, so it is among them; a
        # common unit (有限公) costs PER_UNIT rows, not a million.
        if any(len(u) < 3 for u in units):
            return grams.any_of(units, params, PER_UNIT)
        parts = []
        for i, unit in enumerate(units):
            params[f"any{i}"] = _phrase(unit)
            parts.append(
                f"SELECT * FROM (SELECT rowid AS id FROM {FTS_TABLE} WHERE {FTS_TABLE} "
                f"MATCH :any{i} LIMIT {PER_UNIT}) a{i}"
            )
        return f"s.id IN ({' UNION '.join(parts)})"

    def position(self, column: str, param: str) -> str:
        return f"instr({column}, :{param})"

    def written(self, conn: Connection, codes: Iterable[str]) -> None:
        listed, params = among_text("sqlite", "credit_code", "codes", codes)
        conn.execute(
            text(
                f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT id, text FROM search_entry "
                f"WHERE {listed}"
            ),
            params,
        )

    def removing(self, conn: Connection, codes: Iterable[str]) -> None:
        listed, params = among_text("sqlite", "credit_code", "codes", codes)
        conn.execute(
            text(
                f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
                f"(SELECT id FROM search_entry WHERE {listed})"
            ),
            params,
        )

    def _external(self, conn: Connection) -> bool:
        # Migrations before 0018 rebuild the index through this code on the older table,
        # which kept its own copy of the text.
        sql = conn.execute(
            text("SELECT sql FROM sqlite_master WHERE name = :name"), {"name": FTS_TABLE}
        ).scalar()
        return "content=" in (sql or "")

    def cleared(self, conn: Connection) -> None:
        if self._external(conn):
            conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('delete-all')"))
        else:
            conn.execute(text(f"DELETE FROM {FTS_TABLE}"))

    def rebuilt(self, conn: Connection) -> None:
        if self._external(conn):
            conn.execute(text(f"INSERT INTO {FTS_TABLE}({FTS_TABLE}) VALUES('rebuild')"))
        else:
            conn.execute(
                text(f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT id, text FROM search_entry")
            )


# Trigram frequencies estimated from a sample of the entries, per database, for this long.
SAMPLE_SECONDS = 600
SAMPLE_ENTRIES = 50_000
_SAMPLES: dict[str, tuple[float, dict[str, int]]] = {}
# One sampler at a time: a new server's request threads (one per pooled connection on
# PostgreSQL) all asked at once, each sampling 50,000 entries, and the first searches of every
# process took seconds (bench/RESULTS.md, load, PostgreSQL).
_SAMPLING = threading.Lock()


def _trigrams(value: str) -> set[str]:
    return {value[i : i + 3] for i in range(len(value) - 2)}


class PostgresTrgm:
    """pg_trgm: the GIN trigram index on search_entry.text serves LIKE '%…%' itself, so there
    is nothing to keep in sync.

    A GIN index cannot stop reading a posting list early (it builds a bitmap of all of it),
    so on a million names LIKE '%有限公%' costs tens of milliseconds whatever the LIMIT. Which
    trigrams are common is estimated from a sample of the entries (pg_trgm has no cheap
    per-trigram count), so queries read only rare ones and check the rest with strpos()."""

    lateral = True
    exact_counts = False

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _common(self) -> dict[str, int]:
        """Estimated entry counts of the trigrams common enough to matter (a quarter of
        COMMON and up); any other trigram is rare. Re-sampled every SAMPLE_SECONDS: a stale
        estimate costs speed, never a result (the whole query is always checked)."""
        key = self.conn.engine.url.render_as_string(hide_password=True)
        taken = _SAMPLES.get(key)
        if taken and time.monotonic() - taken[0] < SAMPLE_SECONDS:
            return taken[1]
        if taken and not _SAMPLING.acquire(blocking=False):
            return taken[1]  # another thread re-samples; the old estimate serves meanwhile
        if not taken:
            _SAMPLING.acquire()  # the first estimate: wait for the one thread taking it
        try:
            taken = _SAMPLES.get(key)
            if taken and time.monotonic() - taken[0] < SAMPLE_SECONDS:
                return taken[1]  # taken while this thread waited
            return self._sample(key)
        finally:
            _SAMPLING.release()

    def _sample(self, key: str) -> dict[str, int]:
        total = self.conn.execute(
            text("SELECT reltuples::bigint FROM pg_class WHERE oid = 'search_entry'::regclass")
        ).scalar_one()
        if total < 0:  # never analysed
            total = self.conn.execute(text("SELECT count(*) FROM search_entry")).scalar_one()
        # The same sample in every process (REPEATABLE, and a size that a re-analysed row
        # count does not move): which trigrams a typo query reads postings of follows from
        # it, and two workers with samples of their own answered the same typo differently.
        total = float(f"{max(total, 1):.2g}")
        percent = min(100.0, max(0.01, 100.0 * SAMPLE_ENTRIES / total))
        texts = self.conn.execute(
            text(f"SELECT text FROM search_entry TABLESAMPLE SYSTEM ({percent:.4f}) REPEATABLE (0)")
        ).scalars()
        counts: Counter[str] = Counter()
        sampled = 0
        for value in texts:
            counts.update(_trigrams(value))
            sampled += 1
        scale = total / sampled if sampled else 0.0
        common = {g: round(n * scale) for g, n in counts.items() if n * scale >= COMMON / 4}
        _SAMPLES[key] = (time.monotonic(), common)
        return common

    def rarity(self, units: list[str], fresh: bool = False) -> dict[str, int] | None:
        common = self._common()  # an estimate (exact_counts is False): never decides a result
        return {u: common.get(u, 0) for u in units}

    def contains(
        self, query: str, params: dict[str, Any], limit: int | None = None
    ) -> tuple[str, str, str]:
        if len(query) < 3:
            return grams.contains(query, params, limit)
        # As on SQLite: the GIN index narrows by the rarest trigrams, strpos() checks the rest.
        params["needle"] = query
        likes = []
        patterns = rarest(query, self._common()) or [query]
        if query not in patterns and not all(c.isalnum() for c in query):
            # pg_trgm splits words at punctuation and pads them there: the whole of
            # 优远(连云港)食品 yields 优远␣ and ␣食品, which few entries hold, where its
            # letters-only trigrams are all of 连云港, which 600,000 hold. Narrowed by those
            # alone, with strpos() left to find the one entry, PostgreSQL chose to scan the
            # table for it: 0.5 s against 0.4 ms (bench/RESULTS.md, load).
            patterns.append(query)
        for i, gram in enumerate(patterns):
            params[f"like{i}"] = f"%{like_escape(gram)}%"
            likes.append(f"s.text LIKE :like{i} ESCAPE '\\'")
        return ENTRIES, " AND ".join(likes) + " AND strpos(s.text, :needle) > 0", ""

    def contains_any(self, units: list[str], params: dict[str, Any]) -> str:
        # As on SQLite: each unit reads at most PER_UNIT entries.
        if any(len(u) < 3 for u in units):
            return grams.any_of(units, params, PER_UNIT)
        common = self._common()
        parts = []
        for i, unit in enumerate(units):
            params[f"any{i}"] = f"%{like_escape(unit)}%"
            like = f"SELECT t.id FROM search_entry t WHERE t.text LIKE :any{i} ESCAPE '\\'"
            if common.get(unit, 0) <= COMMON:
                # A rare unit is read through the trigram index. Under a bare LIMIT, PostgreSQL
                # may take a scan of the table for one it misjudges common (its estimate comes
                # from histogram bounds: one bound holding 周记水 made it 1% of five million
                # entries) and read all of them for its 86: 0.6 s. Materialised, the read is
                # planned for all its rows, and still stops at the LIMIT (bench/RESULTS.md).
                parts.append(
                    f"SELECT * FROM (WITH u AS MATERIALIZED ({like}) "
                    f"SELECT id FROM u LIMIT {PER_UNIT}) a{i}"
                )
            else:  # a common one: a scan meets PER_UNIT of it at once
                parts.append(f"SELECT * FROM ({like} LIMIT {PER_UNIT}) a{i}")
        return f"s.id IN ({' UNION '.join(parts)})"

    def position(self, column: str, param: str) -> str:
        return f"strpos({column}, :{param})"

    def written(self, conn: Connection, codes: Iterable[str]) -> None:
        return None

    def removing(self, conn: Connection, codes: Iterable[str]) -> None:
        return None

    def cleared(self, conn: Connection) -> None:
        return None

    def rebuilt(self, conn: Connection) -> None:
        return None


def take_estimates(conn: Connection) -> None:
    """Take now what the backend estimates before a first search (PostgreSQL's trigram sample:
    ~0.2 s at a million names), so that a starting server's first searches do not wait on it."""
    backend_for(conn).rarity([])


def backend_for(conn: Connection) -> Backend:
    """The backend for this connection's dialect."""
    if conn.dialect.name == "sqlite":
        return SqliteFts(conn)
    if conn.dialect.name == "postgresql":
        return PostgresTrgm(conn)
    raise NotImplementedError(f"search: unsupported database {conn.dialect.name}")
