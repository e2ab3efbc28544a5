"""Index backends behind one interface: SQLite FTS5 (trigram) and PostgreSQL pg_trgm."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, Protocol

from sqlalchemy import Connection, text

FTS_TABLE = "search_fts"
_CHUNK = 500


def like_escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


class Backend(Protocol):
    """What the index and the service need from a database engine."""

    def contains(self, query: str, params: dict[str, Any]) -> str:
        """A WHERE fragment on `s` (search_entry) true when s.text contains the query."""

    def contains_any(self, units: list[str], params: dict[str, Any]) -> str:
        """A WHERE fragment on `s` true when s.text contains any of the units."""

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


def _chunks(codes: Iterable[str]) -> Iterable[list[str]]:
    items = list(codes)
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


def _in_params(chunk: list[str]) -> tuple[str, dict[str, str]]:
    names = {f"c{i}": code for i, code in enumerate(chunk)}
    return ", ".join(f":{n}" for n in names), names


class SqliteFts:
    """FTS5 with the trigram tokenizer (SQLite ≥ 3.34). Trigram MATCH needs three characters,
    so one- and two-character queries use instr() on the same rows."""

    def contains(self, query: str, params: dict[str, Any]) -> str:
        if len(query) >= 3:
            # A quoted string is a phrase of consecutive trigrams: a substring match.
            params["fts"] = '"' + query.replace('"', '""') + '"'
            return f"s.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts)"
        params["needle"] = query
        return "instr(s.text, :needle) > 0"

    def contains_any(self, units: list[str], params: dict[str, Any]) -> str:
        if all(len(u) >= 3 for u in units):
            params["fts_any"] = " OR ".join('"' + u.replace('"', '""') + '"' for u in units)
            return f"s.id IN (SELECT rowid FROM {FTS_TABLE} WHERE {FTS_TABLE} MATCH :fts_any)"
        names = [f"any{i}" for i in range(len(units))]
        params.update(zip(names, units, strict=True))
        return "(" + " OR ".join(f"instr(s.text, :{n}) > 0" for n in names) + ")"

    def position(self, column: str, param: str) -> str:
        return f"instr({column}, :{param})"

    def written(self, conn: Connection, codes: Iterable[str]) -> None:
        for chunk in _chunks(codes):
            marks, params = _in_params(chunk)
            conn.execute(
                text(
                    f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT id, text FROM search_entry "
                    f"WHERE credit_code IN ({marks})"
                ),
                params,
            )

    def removing(self, conn: Connection, codes: Iterable[str]) -> None:
        for chunk in _chunks(codes):
            marks, params = _in_params(chunk)
            conn.execute(
                text(
                    f"DELETE FROM {FTS_TABLE} WHERE rowid IN "
                    f"(SELECT id FROM search_entry WHERE credit_code IN ({marks}))"
                ),
                params,
            )

    def cleared(self, conn: Connection) -> None:
        conn.execute(text(f"DELETE FROM {FTS_TABLE}"))

    def rebuilt(self, conn: Connection) -> None:
        conn.execute(
            text(f"INSERT INTO {FTS_TABLE}(rowid, text) SELECT id, text FROM search_entry")
        )


class PostgresTrgm:
    """pg_trgm: the GIN trigram index on search_entry.text serves LIKE '%…%' itself, so
    there is nothing to keep in sync."""

    def contains(self, query: str, params: dict[str, Any]) -> str:
        params["like"] = f"%{like_escape(query)}%"
        return "s.text LIKE :like ESCAPE '\\'"

    def contains_any(self, units: list[str], params: dict[str, Any]) -> str:
        # Each LIKE of three or more characters is served by the trigram index (bitmap OR).
        names = [f"any{i}" for i in range(len(units))]
        params.update({n: f"%{like_escape(u)}%" for n, u in zip(names, units, strict=True)})
        return "(" + " OR ".join(f"s.text LIKE :{n} ESCAPE '\\'" for n in names) + ")"

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


def backend_for(conn: Connection) -> Backend:
    """The backend for this connection's dialect."""
    if conn.dialect.name == "sqlite":
        return SqliteFts()
    if conn.dialect.name == "postgresql":
        return PostgresTrgm()
    raise NotImplementedError(f"search: unsupported database {conn.dialect.name}")
