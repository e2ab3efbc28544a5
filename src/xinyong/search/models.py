"""The search index table: one row per searchable spelling of an enterprise."""

from __future__ import annotations

from sqlalchemy import BigInteger, Index, Integer, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base

_ID = BigInteger().with_variant(Integer, "sqlite")


class SearchEntry(Base):
    """A normalised text under which an enterprise is found (name, 字号 core, former name,
    legal representative, pinyin, initials). SQLite mirrors `text` into the FTS5 table
    `search_fts` (rowid = id); PostgreSQL has a pg_trgm GIN index on it (both in 0004). Cores
    and legal representatives are also cut into `search_gram` rows for short queries."""

    __tablename__ = "search_entry"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    kind: Mapped[str] = mapped_column(String(12))  # name/core/former_name/legal_rep/pinyin/initials
    text: Mapped[str] = mapped_column(String(500))
    # 0 active (存续/在业) … 3 cancelled: ranks equal matches without a join.
    status_rank: Mapped[int] = mapped_column(SmallInteger)

    # Covering: a prefix match reads kind, status and enterprise from the index itself (0021).
    __table_args__ = (Index("ix_search_entry_text", "text", "kind", "status_rank", "credit_code"),)


class SearchGram(Base):
    """One character, or two adjacent ones, of a 字号 core or a legal representative: the
    postings of queries too short for trigrams. Keyed (gram, status_rank, entry) so a query
    reads active enterprises first and stops at its cap — a b-tree range on both engines."""

    __tablename__ = "search_gram"

    gram: Mapped[str] = mapped_column(String(2), primary_key=True)
    status_rank: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    entry_id: Mapped[int] = mapped_column(_ID, primary_key=True, autoincrement=False)

    __table_args__ = ({"sqlite_with_rowid": False},)
