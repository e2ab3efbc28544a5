"""search: a character index for one- and two-character queries, and trigram statistics

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-28
"""

from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute("CREATE VIRTUAL TABLE search_chars USING fts5(text, tokenize='unicode61')")
        # Postings counts per trigram, so a query reads its rarest trigrams only.
        op.execute("CREATE VIRTUAL TABLE search_fts_vocab USING fts5vocab(search_fts, 'row')")
        op.execute("CREATE VIRTUAL TABLE search_chars_vocab USING fts5vocab(search_chars, 'row')")
    elif bind.dialect.name == "postgresql":
        op.execute(
            "CREATE INDEX ix_search_entry_chars ON search_entry "
            "USING gin (string_to_array(text, NULL)) WHERE kind IN ('core', 'legal_rep')"
        )
    # Every enterprise now gets a core entry (short queries are matched against it): the
    # index is rebuilt by 0014, whose gram postings replaced this character index.


def downgrade() -> None:
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TABLE IF EXISTS search_chars_vocab")
        op.execute("DROP TABLE IF EXISTS search_fts_vocab")
        op.execute("DROP TABLE IF EXISTS search_chars")
    else:
        op.execute("DROP INDEX IF EXISTS ix_search_entry_chars")
