"""Ledger tables: leaves, perfect-subtree hashes, the tree size, signed checkpoints, public keys."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, LargeBinary, SmallInteger, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer, "sqlite")


class LedgerTree(Base):
    """One row: the log's size. Appends bump it first, which serialises writers on both databases."""

    __tablename__ = "ledger_tree"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    size: Mapped[int] = mapped_column(BigInteger)


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
    """Hash of the complete subtree over leaves [index·2^level, (index+1)·2^level), level ≥ 1.

    Written once when its last leaf arrives, so any root or proof needs O(log n) reads.
    """

    __tablename__ = "ledger_node"

    level: Mapped[int] = mapped_column(SmallInteger, primary_key=True, autoincrement=False)
    node_index: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    hash: Mapped[bytes] = mapped_column(LargeBinary(32))


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
