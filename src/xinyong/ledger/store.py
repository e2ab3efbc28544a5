"""The Merkle tree in the database: append leaves, write completed subtrees, read O(log n) nodes."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import bindparam, insert, literal_column, select, union_all, update
from sqlalchemy.orm import Session

from xinyong.db import AtOnce, InsertAtOnce, among
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
_RESERVE = (
    update(_TREE)
    .where(_TREE.c.id == 1)
    .values(size=_TREE.c.size + bindparam("count"))
    .returning(_TREE.c.size)
)
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


def _reserve(session: Session, count: int) -> int:
    """Take `count` indexes; the UPDATE locks the tree row until commit, so appends queue."""
    conn = session.connection()
    new_size = conn.execute(_RESERVE, {"count": count}).scalar_one_or_none()
    if new_size is None:  # a schema made without the migration's seed row
        conn.execute(insert(_TREE).values(id=1, size=0))
        new_size = conn.execute(_RESERVE, {"count": count}).scalar_one()
    return new_size - count


def append(session: Session, rows: list[dict]) -> int:
    """Append leaf rows (leaf_hash, kind, data, file_sha256, created_at); return the first index.

    Every subtree the new leaves complete is hashed and stored now, from the new leaves and the
    old tree's frontier (its complete subtrees, O(log n) of them).
    """
    start = _reserve(session, len(rows))
    end = start + len(rows)
    frontier = merkle.range_nodes(0, start)
    getter = fetch(session, set(frontier))
    known = {n: getter(*n) for n in frontier}
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
    conn = session.connection()
    _ADD_LEAVES.run(conn, rows)
    if new_nodes:
        _ADD_NODES.run(conn, new_nodes)
    return start


def find_leaf(session: Session, leaf_hash: bytes, tree_size: int) -> int | None:
    found = [i for (i,) in session.connection().execute(_FIND, {"h": leaf_hash}) if i < tree_size]
    return min(found, default=None)
