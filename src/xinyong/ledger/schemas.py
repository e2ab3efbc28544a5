"""Ledger API shapes: hashes travel as standard base64, as in RFC 9162 and C2SP checkpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, Field


class LeafOut(BaseModel):
    leaf_index: int
    leaf_hash: str = Field(description="base64 SHA-256(0x00 ‖ data)")
    kind: str
    data: dict[str, Any] = Field(description="叶子内容 / the leaf, parsed")
    data_base64: str = Field(description="叶子原始字节 / the exact leaf bytes that were hashed")
    file_sha256: str | None
    created_at: datetime


class InclusionProofOut(BaseModel):
    leaf_index: int
    tree_size: int
    leaf_hash: str
    inclusion_path: list[str]


class ConsistencyProofOut(BaseModel):
    first: int
    second: int
    consistency_path: list[str]


class CheckpointOut(BaseModel):
    tree_size: int
    root_hash: str
    note: str
    created_at: datetime


class KeyOut(BaseModel):
    name: str
    key_hash: str
    vkey: str
    first_used_at: datetime
    retired_at: datetime | None
