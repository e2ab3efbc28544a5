"""search: gram postings for one- and two-character queries on both engines

Replaces 0010's character indexes (FTS5 unicode61 on SQLite, a GIN array index on
PostgreSQL): both had to collect every posting of a common character before the first row
was read; a b-tree on (gram, status_rank, entry_id) is read in order and stops at the cap.

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    bind = op.get_bind()
    op.create_table(
        "search_gram",
        sa.Column("gram", sa.String(2), nullable=False),
        sa.Column("status_rank", sa.SmallInteger(), nullable=False),
        sa.Column("entry_id", _ID, nullable=False),
        sa.PrimaryKeyConstraint("gram", "status_rank", "entry_id"),
        sqlite_with_rowid=False,
    )
    if bind.dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_chars_vocab")
        op.execute("DROP TABLE IF EXISTS search_chars")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_entry_chars")
    # A full rebuild, not postings alone: indexes built before 0010 lack the core entries
    # short queries are matched against.
    from xinyong.search.index import rebuild_connection

    if bind.execute(sa.text("SELECT 1 FROM enterprise LIMIT 1")).first() is not None:
        rebuild_connection(bind)


def downgrade() -> None:
    bind = op.get_bind()
    op.drop_table("search_gram")
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_chars USING fts5(text, tokenize='unicode61')")
        op.execute("CREATE VIRTUAL TABLE search_chars_vocab USING fts5vocab(search_chars, 'row')")
        op.execute(
            "INSERT INTO search_chars(rowid, text) SELECT id, text FROM search_entry "
            "WHERE kind IN ('core', 'legal_rep')"
        )
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_entry_chars ON search_entry "
            "USING gin (string_to_array(text, NULL)) WHERE kind IN ('core', 'legal_rep')"
        )
