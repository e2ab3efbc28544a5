"""The Merkle tree in the database: append leaves, write completed subtrees, read O(log n) nodes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import (
    ARRAY,
    DateTime,
    LargeBinary,
    String,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    select,
    union_all,
    update,
)
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DBAPIError
from sqlalchemy.orm import Session

from xinyong.db import AtOnce, Carried, InsertAtOnce, among
from xinyong.ledger import merkle
from xinyong.ledger.errors import VerificationFailed
from xinyong.ledger.models import LedgerLeaf, LedgerNode, LedgerTree, node_id

T = TypeVar("T")
_CHUNK = 500  # keys per IN (…), well under every driver's parameter limit


# Core statements on the session's connection: the ORM's per-statement work costs more than
# the queries themselves, and none of these rows are wanted as objects.
_LEAF = LedgerLeaf.__table__
_NODE = LedgerNode.__table__
_TREE = LedgerTree.__table__
# Leaf hashes (level 0) and inner nodes' hashes in one statement: an append's frontier nearly
# always needs both, and each statement is a round trip on PostgreSQL that the record writer
# waits for, then queues for the GIL again beside the request threads (bench/RESULTS.md, load).
# On SQLite they come in one step (db.AtOnce): the record writer stepped through ~20 rows under
# the write lock, each step a wait for the GIL beside the request threads.
_SUBTREES = AtOnce(
    union_all(
        select(literal_column("0").label("level"), _LEAF.c.leaf_index, _LEAF.c.leaf_hash).where(
            among(_LEAF.c.leaf_index, "leaves")
        ),
        select(literal_column("1"), _NODE.c.node_id, _NODE.c.hash).where(
            among(_NODE.c.node_id, "nodes")
        ),
    )
)
_SIZE = select(_TREE.c.size).where(_TREE.c.id == 1)
# The reservation returns the frontier kept with the size (migration 0027): reading it from the
# leaf and node tables was a round trip on PostgreSQL under the size row's lock, which the other
# processes' writers waited through (bench/RESULTS.md, load).
_RESERVE = (
    update(_TREE)
    .where(_TREE.c.id == 1)
    .values(size=_TREE.c.size + bindparam("count"))
    .returning(_TREE.c.size, _TREE.c.frontier)
)
_KEEP = update(_TREE).where(_TREE.c.id == 1).values(frontier=bindparam("frontier"))
_KEPT = select(_TREE.c.frontier).where(_TREE.c.id == 1)
# On PostgreSQL the whole append is one statement: `ledger_append` (migration 0028) reserves the
# indexes, hashes the completed subtrees from the kept frontier and writes leaves, nodes and the
# new frontier in the database: the size row's lock is held through no round trip of the
# writer's beside the server's busy threads, only until the transaction ends — at the statement's
# end for a batch of records in autocommit (decision 0045). Each column's values are one array.
_APPEND_PG = select(
    func.ledger_append(
        cast(bindparam("leaf_hash"), ARRAY(LargeBinary)),
        cast(bindparam("kind"), ARRAY(String)),
        cast(bindparam("data"), ARRAY(LargeBinary)),
        cast(bindparam("file_sha256"), ARRAY(String)),
        cast(bindparam("created_at"), ARRAY(DateTime(timezone=True))),
    )
)
# The function's SQLSTATE for a subtree missing from the tables (a damaged tree).
_MISSING_SUBTREE = "XL001"
_LEAF_COLUMNS = ("leaf_hash", "kind", "data", "file_sha256", "created_at")
# Every leaf with this hash (nearly always one). No ORDER BY/LIMIT: with them PostgreSQL may
# walk the primary key in order and filter on the hash, reading the whole table (measured).
_FIND = select(_LEAF.c.leaf_index).where(_LEAF.c.leaf_hash == bindparam("h"))
# Core inserts: the ORM's bulk path costs more than the hashing. On SQLite a batch's leaves, and
# its nodes, go in by one statement each (db.InsertAtOnce), not a step per row under the lock.
_ADD_LEAVES = InsertAtOnce(_LEAF)
_ADD_NODES = InsertAtOnce(_NODE)


def size(session: Session) -> int:
    return session.connection().execute(_SIZE).scalar() or 0


def fetch(session: Session, nodes: set[merkle.Node]) -> merkle.Getter:
    """Read the given perfect subtrees (level 0 = leaf hashes): one query for both tables."""
    leaves = _chunks(sorted(i for level, i in nodes if level == 0))
    inner = {node_id(level, i): (level, i) for level, i in nodes if level > 0}
    keys = _chunks(sorted(inner))
    found: dict[merkle.Node, bytes] = {}
    conn = session.connection()
    for n in range(max(len(leaves), len(keys))):
        parts = {"leaves": _nth(leaves, n), "nodes": _nth(keys, n)}
        for level, k, h in _SUBTREES.rows(conn, parts):
            found[inner[k] if level else (0, k)] = h

    def get(level: int, index: int) -> bytes:
        try:
            return found[(level, index)]
        except KeyError:
            raise VerificationFailed(
                f"账本缺少子树哈希（层 {level}，序号 {index}）",
                f"the ledger is missing the subtree hash at level {level}, index {index}",
            ) from None

    return get


def compute(session: Session, fn: Callable[[merkle.Getter], T]) -> T:
    """Run a root or proof computation with every node it needs fetched up front."""
    return fn(fetch(session, merkle.needed_nodes(fn)))


def _chunks(items: Sequence) -> list[Sequence]:
    return [items[i : i + _CHUNK] for i in range(0, len(items), _CHUNK)]


def _nth(parts: list[Sequence], n: int) -> Sequence:
    return parts[n] if n < len(parts) else []


def _reserve(session: Session, count: int) -> tuple[int, bytes | None]:
    """Take `count` indexes; the UPDATE locks the tree row until commit, so appends queue.
    Returns the first index and the frontier kept with the size before."""
    conn = session.connection()
    row = conn.execute(_RESERVE, {"count": count}).one_or_none()
    if row is None:  # a schema made without the migration's seed row
        conn.execute(insert(_TREE).values(id=1, size=0))
        row = conn.execute(_RESERVE, {"count": count}).one()
    return row.size - count, row.frontier


def _frontier(session: Session, size: int, kept: bytes | None) -> dict[merkle.Node, bytes]:
    """The complete subtrees of leaves [0, size): as kept with the size, or read from the tables
    when none is kept for this size (a tree from before migration 0027, or one whose size an
    older version moved without keeping it)."""
    nodes = merkle.range_nodes(0, size)
    width = merkle.HASH_SIZE
    if kept is not None and len(kept) == 8 + width * len(nodes) and _size_of(kept) == size:
        return {n: kept[8 + width * i : 8 + width * (i + 1)] for i, n in enumerate(nodes)}
    getter = fetch(session, set(nodes))
    return {n: getter(*n) for n in nodes}


def kept_frontier(session: Session) -> tuple[int, bytes] | None:
    """The frontier kept with the size: the size it belongs to and its hashes, joined."""
    kept = session.connection().execute(_KEPT).scalar()
    return (_size_of(kept), kept[8:]) if kept else None


def _size_of(kept: bytes) -> int:
    return int.from_bytes(kept[:8], "big")


def _kept(size: int, known: dict[merkle.Node, bytes]) -> bytes:
    return size.to_bytes(8, "big") + b"".join(known[n] for n in merkle.range_nodes(0, size))


def _write(conn: Connection, rows: list[dict], nodes: list[dict], frontier: bytes) -> None:
    _ADD_LEAVES.run(conn, rows)
    if nodes:
        _ADD_NODES.run(conn, nodes)
    conn.execute(_KEEP, {"frontier": frontier})


def _append_pg(conn: Connection, rows: list[dict], carried: Carried | None) -> int:
    """The append by the database's own function (migration 0028); the first new index. A
    carried insert goes in the same statement, as a data-modifying CTE of it."""
    values = {c: [row[c] for row in rows] for c in _LEAF_COLUMNS}
    created = _LEAF.c.created_at.type.bind_processor(conn.dialect)
    if created is not None:
        values["created_at"] = [created(v) for v in values["created_at"]]
    statement, params = _APPEND_PG, values
    if carried is not None:
        statement, params = carried.riding(_APPEND_PG), {**values, **carried.params}
    try:
        return conn.execute(statement, params).scalar_one()
    except DBAPIError as exc:
        if getattr(exc.orig, "sqlstate", None) == _MISSING_SUBTREE:
            zh, en = exc.orig.diag.message_primary.split(" / ", 1)
            raise VerificationFailed(zh, en) from exc
        raise


def append(session: Session, rows: list[dict], carried: Carried | None = None) -> int:
    """Append leaf rows (leaf_hash, kind, data, file_sha256, created_at); return the first index.
    `carried`: another domain's insert made in the same statement where the engine can (the
    records these leaves anchor), else just before the append.

    Every subtree the new leaves complete is hashed and stored now, from the new leaves and the
    old tree's frontier (its complete subtrees, O(log n) of them), and the new frontier is kept:
    on PostgreSQL by the database's `ledger_append`, on SQLite here.
    """
    conn = session.connection()
    if conn.dialect.name == "postgresql":
        start = _append_pg(conn, rows, carried)
        for i, row in enumerate(rows):
            row["leaf_index"] = start + i
        return start
    if carried is not None:
        carried.run(conn)
    start, kept = _reserve(session, len(rows))
    end = start + len(rows)
    known = _frontier(session, start, kept)
    for i, row in enumerate(rows):
        row["leaf_index"] = start + i
        known[(0, start + i)] = row["leaf_hash"]
    new_nodes = []
    level = 1
    while (1 << level) <= end:
        span = 1 << level
        # Nodes at this level whose last leaf is one of the new ones.
        for j in range(start // span, end // span):
            h = merkle.node_hash(known[(level - 1, 2 * j)], known[(level - 1, 2 * j + 1)])
            known[(level, j)] = h
            new_nodes.append({"node_id": node_id(level, j), "hash": h})
        level += 1
    _write(conn, rows, new_nodes, _kept(end, known))
    return start


def find_leaf(session: Session, leaf_hash: bytes, tree_size: int) -> int | None:
    found = [i for (i,) in session.connection().execute(_FIND, {"h": leaf_hash}) if i < tree_size]
    return min(found, default=None)
