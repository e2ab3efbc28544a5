"""Postings of one- and two-character queries (search_gram), the same on SQLite and PostgreSQL.

Trigram indexes cannot serve a query of one or two characters (鑫, 王刚). Every character and
every pair of adjacent characters of a 字号 core or a legal representative is a row keyed
(gram, status_rank, entry_id): a short query is a b-tree range read in that order — active
enterprises first — that stops at the caller's cap, however common the character.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from sqlalchemy import Connection, bindparam, delete, select, text, tuple_

from xinyong.search.models import SearchEntry, SearchGram
from xinyong.sources.provenance import insert_many

# The entry kinds a one- or two-character query can mean.
GRAM_KINDS = ("core", "legal_rep")
_GRAM = SearchGram.__table__
_ENTRY = SearchEntry.__table__
_SLICE = 20_000


def grams(value: str) -> set[str]:
    """Each character and each adjacent pair (the text is already normalised: no spaces)."""
    return set(value) | {value[i : i + 2] for i in range(len(value) - 1)}


def _rows(entries: Iterable[Any]) -> list[dict[str, Any]]:
    return [
        {"gram": g, "status_rank": rank, "entry_id": entry_id}
        for entry_id, value, rank in entries
        for g in grams(value)
    ]


def _entries(conn: Connection, codes: list[str] | None):
    query = select(_ENTRY.c.id, _ENTRY.c.text, _ENTRY.c.status_rank).where(
        _ENTRY.c.kind.in_(GRAM_KINDS)
    )
    if codes is not None:
        query = query.where(_ENTRY.c.credit_code.in_(codes))
    # Streamed: a full rebuild reads every core and legal representative entry.
    return conn.execute(query.execution_options(stream_results=True))


def write(conn: Connection, codes: list[str] | None = None) -> None:
    """Postings of the entries of these enterprises (all entries when None), just inserted."""
    # In slices: a full rebuild reads two million entries, which need not sit in memory at once.
    for part in _entries(conn, codes).partitions(_SLICE):
        insert_many(conn, _GRAM, _rows(part))


def remove(conn: Connection, codes: list[str]) -> None:
    """Drop the postings of these enterprises' entries, found from the entries themselves (so
    the table needs no second index on entry_id)."""
    rows = _rows(_entries(conn, codes))
    if conn.dialect.name == "sqlite":
        # One keyed delete per posting, executed many: SQLite plans a row-value IN (VALUES …)
        # as a scan of the whole table, 15.8 million postings at a million enterprises, for
        # every 500 keys: re-indexing 2,000 changed enterprises took 219 s, a day's registry
        # file 20 minutes (bench/RESULTS.md).
        if rows:
            conn.execute(_DELETE_ONE, rows)
        return
    # PostgreSQL reads the same IN list as one primary-key probe per row (a BitmapOr).
    keys = [(r["gram"], r["status_rank"], r["entry_id"]) for r in rows]
    for start in range(0, len(keys), 500):
        chunk = keys[start : start + 500]
        conn.execute(
            delete(_GRAM).where(
                tuple_(_GRAM.c.gram, _GRAM.c.status_rank, _GRAM.c.entry_id).in_(chunk)
            )
        )


_DELETE_ONE = delete(_GRAM).where(
    _GRAM.c.gram == bindparam("gram"),
    _GRAM.c.status_rank == bindparam("status_rank"),
    _GRAM.c.entry_id == bindparam("entry_id"),
)


def clear(conn: Connection) -> None:
    conn.execute(text("DELETE FROM search_gram"))


def contains(query: str, params: dict[str, Any], limit: int | None = None) -> tuple[str, str, str]:
    """Entries holding the one or two characters, as Backend.contains gives them: the FROM
    item yielding `s` (search_entry), a WHERE fragment and the order to read them in. A gram
    row is the query itself, so with `limit` the postings stop there with nothing left to
    check. Without it (the caller filters the entries further, and stops when enough pass)
    the postings drive a join in their own order, active enterprises first: as `s.id IN (all
    postings)` PostgreSQL hashed tens of thousands of them and scanned the entries in
    parallel, in no fixed order (70 ms for 徐 among active enterprises at 1M)."""
    params["gram"] = query
    if limit:
        return (
            "search_entry s",
            "s.id IN (SELECT g.entry_id FROM search_gram g WHERE g.gram = :gram "
            f"ORDER BY g.status_rank, g.entry_id LIMIT {int(limit)})",
            "",
        )
    return (
        "search_gram g JOIN search_entry s ON s.id = g.entry_id",
        "g.gram = :gram",
        "g.status_rank, g.entry_id",
    )


def any_of(units: list[str], params: dict[str, Any], per_unit: int) -> str:
    """A WHERE fragment on `s` true when s holds any of the units, each read `per_unit` deep."""
    parts = []
    for i, unit in enumerate(units):
        params[f"any{i}"] = unit
        parts.append(
            f"SELECT * FROM (SELECT g.entry_id AS id FROM search_gram g WHERE g.gram = :any{i} "
            f"ORDER BY g.status_rank, g.entry_id LIMIT {int(per_unit)}) a{i}"
        )
    return f"s.id IN ({' UNION '.join(parts)})"


def postings(conn: Connection, gram: str, at_most: int) -> int:
    """How many entries hold the one or two characters, counted up to `at_most` (a b-tree
    range read: 鑫 holds tens of thousands at a million enterprises)."""
    return conn.execute(
        text(
            f"SELECT count(*) FROM (SELECT 1 FROM search_gram WHERE gram = :gram LIMIT {int(at_most)}) g"
        ),
        {"gram": gram},
    ).scalar_one()
