"""Index backends behind one interface: SQLite FTS5 (trigram) and PostgreSQL pg_trgm."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import Connection, text

FTS_TABLE = "search_fts"
CHARS_TABLE = "search_chars"
_CHUNK = 500


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Backend(Protocol):
    """What the index and the service need from a database engine.

    Two indexes serve substring matches: trigrams for queries of three or more characters,
    and single characters (of 字号 cores and legal representatives only) for one- and
    two-character queries, which trigrams cannot serve."""

    def contains(self, query: str, params: dict[str, Any]) -> str:
        """A WHERE fragment on `s` (search_entry) true when s.text contains the query."""

    def contains_any(self, units: list[str], params: dict[str, Any]) -> str:
        """A WHERE fragment on `s` true when s.text contains any of the units (all of three
        or more characters, or all of one or two)."""

    def rarity(self, units: list[str], width: int = 3) -> dict[str, int] | None:
        """How many entries hold each unit (an upper bound for units of one or two
        characters), when the engine can tell cheaply; None when it cannot."""

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


# The entry kinds the character index holds: what a one- or two-character query can mean.
CHAR_KINDS = ("core", "legal_rep")
_DOC_COUNTS: dict[tuple[str, str], int] = {}
# Postings a typo search reads per unit of the query, at most.
PER_UNIT = 200
# A trigram query ANDs at most this many of the query's rarest trigrams, then checks the
# whole query with instr(): reading the postings of 有限公 for every name costs more than it
# narrows.
MAX_TRIGRAMS = 3


def _phrase(unit: str) -> str:
    return '"' + unit.replace('"', '""') + '"'


def _spaced(value: str) -> str:
    """One token per character for the unicode61 tokenizer."""
    return " ".join(ch for ch in value if not ch.isspace())


def _chunks(codes: Iterable[str]) -> Iterable[list[str]]:
    items = list(codes)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _in_params(chunk: list[str]) -> tuple[str, dict[str, str]]:
    names = {f"c{i}": code for i, code in enumerate(chunk)}
    return ", ".join(f":{n}" for n in names), names


class SqliteFts:
    """FTS5: `search_fts` (trigram tokenizer) over every entry, and `search_chars` (one
    unicode61 token per character) over cores and legal representatives for short queries."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def _documents(self, table: str, terms: set[str]) -> dict[str, int]:
        # fts5vocab counts a term by reading its postings (a million for 有限公): counts are
        # cached per process. They only choose which trigrams to intersect; the whole query is
        # always checked, so a stale count can cost speed, never a result.
        known = {t: _DOC_COUNTS[(table, t)] for t in terms if (table, t) in _DOC_COUNTS}
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

    def rarity(self, units: list[str], width: int = 3) -> dict[str, int] | None:
        if width >= 3:
            docs = self._documents(FTS_TABLE, {u.lower() for u in units})
            return {u: docs.get(u.lower(), 0) for u in units}
        # The character index counts characters: a bigram is at most as common as its rarer one.
        docs = self._documents(CHARS_TABLE, {ch.lower() for u in units for ch in u})
        return {u: min(docs.get(ch.lower(), 0) for ch in u) for u in units}

    def contains(self, query: str, params: dict[str, Any]) -> str:
        params["needle"] = query
        if len(query) >= 3:
            grams = list(dict.fromkeys(query[i : i + 3].lower() for i in range(len(query) - 2)))
            counts = self.rarity(grams, 3)
            rarest = sorted(grams, key=lambda g: counts[g])[:MAX_TRIGRAMS]
            params["fts"] = " AND ".join(_phrase(g) for g in rarest)
            return (
                f"s.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts) "
                "AND instr(s.text, :needle) > 0"
            )
        params["chars"] = _phrase(_spaced(query))
        return (
            f"s.id IN (SELECT rowid FROM {CHARS_TABLE} WHERE {CHARS_TABLE} MATCH :chars) "
            "AND instr(s.text, :needle) > 0"
        )

    def contains_any(self, units: list[str], params: dict[str, Any]) -> str:
        # Each unit reads at most PER_UNIT postings: the right name shares several units with
        # the query, and its rare ones (the 字号) have few postings, so it is among them; a
        # common unit (有限公) costs PER_UNIT rows, not a million.
        table = FTS_TABLE if all(len(u) >= 3 for u in units) else CHARS_TABLE
        parts = []
        for i, unit in enumerate(units):
            params[f"any{i}"] = _phrase(unit if table == FTS_TABLE else _spaced(unit))
            parts.append(
                f"SELECT * FROM (SELECT rowid AS id FROM {table} WHERE {table} MATCH :any{i} "
                f"LIMIT {PER_UNIT}) a{i}"
            )
        return f"s.id IN ({' UNION '.join(parts)})"

    def position(self, column: str, param: str) -> str:
        return f"instr({column}, :{param})"

    def _index(self, conn: Connection, where: str, params: dict[str, Any]) -> None:
        conn.execute(
            text(f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT id, text FROM search_entry {where}"),
            params,
        )
        kinds = ", ".join(f"'{k}'" for k in CHAR_KINDS)
        result = conn.execute(
            text(
                f"SELECT id, text FROM search_entry {where or 'WHERE 1 = 1'} AND kind IN ({kinds})"
            ),
            params,
        )
        # In slices: a full rebuild reads two million rows, which need not sit in memory at once.
        for part in result.partitions(20_000):
            conn.exec_driver_sql(
                f"INSERT INTO {CHARS_TABLE}(rowid, text) VALUES (?, ?)",
                [(i, _spaced(t)) for i, t in part],
            )

    def written(self, conn: Connection, codes: Iterable[str]) -> None:
        for chunk in _chunks(codes):
            marks, params = _in_params(chunk)
            self._index(conn, f"WHERE credit_code IN ({marks})", params)

    def removing(self, conn: Connection, codes: Iterable[str]) -> None:
        for chunk in _chunks(codes):
            marks, params = _in_params(chunk)
            for table in (FTS_TABLE, CHARS_TABLE):
                conn.execute(
                    text(
                        f"DELETE FROM {table} WHERE rowid IN "
                        f"(SELECT id FROM search_entry WHERE credit_code IN ({marks}))"
                    ),
                    params,
                )

    def cleared(self, conn: Connection) -> None:
        conn.execute(text(f"DELETE FROM {FTS_TABLE}"))
        conn.execute(text(f"DELETE FROM {CHARS_TABLE}"))

    def rebuilt(self, conn: Connection) -> None:
        self._index(conn, "", {})


class PostgresTrgm:
    """pg_trgm: the GIN trigram index on search_entry.text serves LIKE '%…%' itself, and a GIN
    index on the characters of cores and legal representatives serves shorter queries; both
    are maintained by PostgreSQL, so there is nothing to keep in sync."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn

    def rarity(self, units: list[str], width: int = 3) -> dict[str, int] | None:
        return None

    def contains(self, query: str, params: dict[str, Any]) -> str:
        if len(query) >= 3:
            params["like"] = f"%{like_escape(query)}%"
            return "s.text LIKE :like ESCAPE '\\'"
        # strpos, not LIKE, checks the short query: a LIKE pattern of fewer than three
        # characters has no trigram, and the trigram index would then be read whole.
        params["needle"] = query
        params["chars"] = list(dict.fromkeys(query))
        return (
            f"s.kind IN ({_kinds_sql()}) AND string_to_array(s.text, NULL) @> "
            "CAST(:chars AS text[]) AND strpos(s.text, :needle) > 0"
        )

    def contains_any(self, units: list[str], params: dict[str, Any]) -> str:
        # As on SQLite: each unit reads at most PER_UNIT entries.
        parts = []
        for i, unit in enumerate(units):
            if len(unit) >= 3:
                params[f"any{i}"] = f"%{like_escape(unit)}%"
                where = f"t.text LIKE :any{i} ESCAPE '\\'"
            else:  # as in contains(): no LIKE the trigram index cannot serve
                params[f"any{i}"] = unit
                params[f"anychars{i}"] = list(dict.fromkeys(unit))
                where = (
                    f"t.kind IN ({_kinds_sql()}) AND string_to_array(t.text, NULL) @> "
                    f"CAST(:anychars{i} AS text[]) AND strpos(t.text, :any{i}) > 0"
                )
            parts.append(
                f"SELECT * FROM (SELECT t.id FROM search_entry t WHERE {where} "
                f"LIMIT {PER_UNIT}) a{i}"
            )
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


def _kinds_sql() -> str:
    return ", ".join(f"'{k}'" for k in CHAR_KINDS)


def backend_for(conn: Connection) -> Backend:
    """The backend for this connection's dialect."""
    if conn.dialect.name == "sqlite":
        return SqliteFts(conn)
    if conn.dialect.name == "postgresql":
        return PostgresTrgm(conn)
    raise NotImplementedError(f"search: unsupported database {conn.dialect.name}")
