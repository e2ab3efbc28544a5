"""Ledger tables: leaves, perfect-subtree hashes, the tree size, signed checkpoints, public keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer, "sqlite")


class LedgerTree(Base):
    """One row: the log's size. Appends bump it first, which serialises writers on both databases."""

    __tablename__ = "ledger_tree"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)
    # The frontier's hashes (the complete subtrees of leaves [0, n), left to right) after the
    # 8-byte size n they belong to: the reservation returns them with the size (ledger/store.py).
    frontier: Mapped[bytes | None] = mapped_column(LargeBinary)


class LedgerLeaf(Base):
    """One log entry: the exact leaf bytes (canonical JSON) and H(0x00 ‖ data)."""

    __tablename__ = "ledger_leaf"

    leaf_index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    leaf_hash: Mapped[bytes] = mapped_column(LargeBinary(32), index=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    data: Mapped[bytes] = mapped_column(LargeBinary)
    # SHA-256 (hex) of the evidence file this leaf commits to, if any.
    file_sha256: Mapped[str | None] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerNode(Base):
    """Hash of a complete subtree of 2^level leaves (level ≥ 1), keyed by its in-order number.

    Node (level, index) covers leaves [index·2^level, (index+1)·2^level); its key is
    index·2^(level+1) + 2^level − 1, one integer, so a proof's O(log n) nodes come back from a
    single primary-key IN (…) query. Written once, when the subtree's last leaf arrives.
    """

    __tablename__ = "ledger_node"

    node_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


def node_id(level: int, index: int) -> int:
    return (index << (level + 1)) + (1 << level) - 1


class LedgerCheckpoint(Base):
    """A signed checkpoint (C2SP signed note) as published; every one is kept."""

    __tablename__ = "ledger_checkpoint"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    tree_size: Mapped[int] = mapped_column(BigInteger, index=True)
    root_hash: Mapped[bytes] = mapped_column(LargeBinary(32))
    note: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class LedgerKey(Base):
    """A public key (vkey) that has signed checkpoints; kept after rotation so old ones verify."""

    __tablename__ = "ledger_key"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    key_hash: Mapped[str] = mapped_column(String(8))
    vkey: Mapped[str] = mapped_column(String(300), unique=True)
    first_used_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    retired_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
