"""Keeping the search index in step with the registry: the ingest hook and the full rebuild."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from sqlalchemy import Connection, Engine, delete, func, select, text

from xinyong.registry.models import Enterprise
from xinyong.search import grams
from xinyong.search.backends import backend_for
from xinyong.search.models import SearchEntry
from xinyong.search.normalise import cores, normalise, spellings
from xinyong.sources.ingest import Change, watching
from xinyong.sources.provenance import insert_many

ENTERPRISES_LAYOUT = "registry.enterprises"
STATUS_RANK = {"存续": 0, "在业": 0, "迁出": 1, "吊销": 2, "注销": 3}
_ENTRY = SearchEntry.__table__
_CHUNK = 500


def status_rank(status: str | None) -> int:
    return STATUS_RANK.get(status or "", 2)


def entries_for(ent: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The index rows of one enterprise (a row or a Change.new dict), without duplicates."""
    code, rank = ent["credit_code"], status_rank(ent.get("status"))
    seen: set[tuple[str, str]] = set()
    rows: list[dict[str, Any]] = []

    def add(kind: str, value: str | None) -> None:
        if value and (kind, value) not in seen:
            seen.add((kind, value))
            rows.append(dict(credit_code=code, kind=kind, text=value[:500], status_rank=rank))

    name = normalise(ent.get("name") or "")
    add("name", name)
    # Even when it is the whole name: short queries are matched against cores.
    for name_core in cores(name) if name else ():
        add("core", name_core)
        # Pinyin of the 字号 core: people type the brand (jindingsheng, jds), not the city.
        full, firsts = spellings(name_core)
        add("pinyin", full)
        add("initials", firsts)
    for former in ent.get("former_names") or []:
        add("former_name", normalise(former))
    if ent.get("legal_rep"):
        add("legal_rep", normalise(ent["legal_rep"]))
    return rows


def replace(
    conn: Connection,
    enterprises: Iterable[Mapping[str, Any]],
    stale: Iterable[str] = (),
    fresh: bool = False,
) -> int:
    """Re-index these enterprises (and drop entries of `stale` codes): one delete and one
    insert per chunk, so a 2,000-row ingest batch costs a handful of statements. `fresh`
    enterprises were just inserted: they have no entries to delete."""
    ents = list(enterprises)
    codes = [] if fresh else list(dict.fromkeys([e["credit_code"] for e in ents] + list(stale)))
    backend = backend_for(conn)
    written = 0
    for start in range(0, len(codes), _CHUNK):
        chunk = codes[start : start + _CHUNK]
        backend.removing(conn, chunk)
        grams.remove(conn, chunk)
        conn.execute(delete(_ENTRY).where(_ENTRY.c.credit_code.in_(chunk)))
    for start in range(0, len(ents), _CHUNK):
        batch = ents[start : start + _CHUNK]
        rows = [row for ent in batch for row in entries_for(ent)]
        if rows:
            insert_many(conn, _ENTRY, rows)
            codes_written = [e["credit_code"] for e in batch]
            backend.written(conn, codes_written)
            grams.write(conn, codes_written)
            written += len(rows)
    return written


def index_hook(conn: Connection, changes: list[Change]) -> None:
    """ChangeHook: re-index enterprises an ingest batch inserted or updated, in its transaction.

    A source's first load is left to `ensure_complete`, which indexes it in one pass."""
    if changes and changes[0].first_load:
        return
    current: dict[str, Mapping[str, Any]] = {}
    stale: set[str] = set()
    for change in changes:
        if change.layout != ENTERPRISES_LAYOUT or change.op not in ("insert", "update"):
            continue
        current[change.new["credit_code"]] = change.new
        old_code = (change.old or {}).get("credit_code")
        if old_code and old_code != change.new["credit_code"]:
            stale.add(old_code)
    if current or stale:
        fresh = not stale and all(c.op == "insert" for c in changes)
        replace(conn, current.values(), stale, fresh=fresh)


watching(index_hook, lambda layout, first_load: layout == ENTERPRISES_LAYOUT and not first_load)


_COLUMNS = [
    Enterprise.credit_code,
    Enterprise.name,
    Enterprise.former_names,
    Enterprise.legal_rep,
    Enterprise.status,
]


def reindex_where(
    conn: Connection, concerned: Callable[[str], bool], batch_size: int = 2000
) -> int:
    """Re-index the enterprises whose name is `concerned` (a change of the cores that only some
    names feel); the others' entries stay. Returns how many were re-indexed."""
    query = select(*_COLUMNS).order_by(Enterprise.id).execution_options(stream_results=True)
    # Read to the end before writing: SQLite would otherwise see the writes under its cursor.
    chosen = [
        dict(ent)
        for part in conn.execute(query).mappings().partitions(batch_size)
        for ent in part
        if concerned(ent["name"])
    ]
    replace(conn, chosen)
    return len(chosen)


def ensure_complete(engine: Engine, progress: Callable[[int, int], None] | None = None) -> int:
    """Rebuild the index when some enterprise has no entry (a first load, or a load that was
    killed before it finished); every enterprise has at least its name entry. Returns the
    rows written, 0 when the index was complete."""
    with engine.connect() as conn:
        enterprises = conn.execute(select(func.count()).select_from(Enterprise)).scalar_one()
        indexed = conn.execute(select(func.count(func.distinct(_ENTRY.c.credit_code)))).scalar_one()
    return rebuild(engine, progress) if indexed < enterprises else 0


def rebuild(
    engine: Engine,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 2000,
) -> int:
    """Drop and rebuild the whole index from the enterprise table; returns the rows written.

    One transaction: searches keep seeing the old index until the new one is complete.
    `progress(done, total)` is called after each batch of enterprises.
    """
    with engine.begin() as conn:
        written = rebuild_connection(conn, progress, batch_size)
    if engine.dialect.name == "postgresql":
        # VACUUM marks the new tables' pages all-visible, and only then does the planner cost
        # an index-only scan as one: the prefix branch of a name search reads the text index in
        # order and stops at its cap, but on a freshly built index PostgreSQL read every entry
        # starting with 徐 (36,138) through a bitmap and sorted them: 95 ms against 1.5 ms
        # (bench/RESULTS.md, load). Autovacuum gets there too, in its own time. Outside the
        # rebuild's transaction, as VACUUM must be.
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM (ANALYZE) search_entry"))
            conn.execute(text("VACUUM (ANALYZE) search_gram"))
    return written


def rebuild_connection(
    conn: Connection,
    progress: Callable[[int, int], None] | None = None,
    batch_size: int = 2000,
) -> int:
    backend = backend_for(conn)
    total = conn.execute(select(func.count()).select_from(Enterprise)).scalar_one()
    backend.cleared(conn)
    grams.clear(conn)
    conn.execute(delete(_ENTRY))
    written = done = 0
    # Streamed (a server-side cursor on PostgreSQL, whose driver otherwise fetches all million
    # rows at once) and read in partitions: memory stays flat on a million enterprises.
    query = select(*_COLUMNS).order_by(Enterprise.id).execution_options(stream_results=True)
    result = conn.execute(query).mappings()
    for part in result.partitions(batch_size):
        rows = [row for ent in part for row in entries_for(ent)]
        if rows:
            insert_many(conn, _ENTRY, rows)
            written += len(rows)
        done += len(part)
        if progress:
            progress(done, total)
    backend.rebuilt(conn)
    grams.write(conn)
    if conn.dialect.name == "postgresql":
        # Fresh statistics, or the planner reads a million-row index table as if it were empty:
        # at 1M enterprises a 20-code look-up of entries went from 0.3 s to 1 ms after ANALYZE.
        conn.execute(text("ANALYZE search_entry"))
        conn.execute(text("ANALYZE search_gram"))
    return written
