"""search: the search_entry index, with FTS5 (SQLite) or pg_trgm (PostgreSQL) beside it

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "search_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("text", sa.String(length=500), nullable=False),
        sa.Column("status_rank", sa.SmallInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_search_entry")),
    )
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_search_entry_credit_code"), ["credit_code"], unique=False
        )
        batch_op.create_index("ix_search_entry_text", ["text"], unique=False)

    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        # Its own content (not external-content) so rows can be deleted by rowid alone.
        op.execute("CREATE VIRTUAL TABLE search_fts USING fts5(text, tokenize='trigram')")
    elif bind.dialect.name == "postgresql":
        # In public, not the first schema on the search path: test runs put each database in
        # a schema of its own and drop it afterwards, which would take the extension along.
        op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm SCHEMA public")
        schema = bind.execute(
            sa.text(
                "SELECT extnamespace::regnamespace::text FROM pg_extension "
                "WHERE extname = 'pg_trgm'"
            )
        ).scalar_one()
        op.execute(
            "CREATE INDEX ix_search_entry_text_trgm ON search_entry "
            f"USING gin (text {schema}.gin_trgm_ops)"
        )

    # An existing registry gets its index in 0010, once the character index exists too.


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_fts")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_entry_text_trgm")
    with op.batch_alter_table("search_entry", schema=None) as batch_op:
        batch_op.drop_index("ix_search_entry_text")
        batch_op.drop_index(batch_op.f("ix_search_entry_credit_code"))
    op.drop_table("search_entry")
