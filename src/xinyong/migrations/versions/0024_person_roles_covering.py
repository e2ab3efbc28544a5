"""the legal-representative and shareholder-name indexes cover what the related-enterprises walk reads

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04

For every name it follows, the walk (profile/related.py) asks where that person is legal
representative and where a natural-person shareholder now, and reads each match's credit code
(and the shareholder's kind and end). With indexes on the name alone every match was a row read
from the table, a page SQLite's cache seldom held at a million enterprises: 0.26–0.33 ms of a
profile's statements, against 0.06–0.07 ms with the columns in the indexes (bench/RESULTS.md,
load). The wider indexes replace the old ones (the name leads both).
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


# (table, index, columns before, columns after)
_WIDENED = (
    ("enterprise", "ix_enterprise_legal_rep", ["legal_rep"], ["legal_rep", "credit_code"]),
    ("shareholder", "ix_shareholder_name", ["name"], ["name", "kind", "ended_on", "credit_code"]),
)


def _replace(indexes: list[tuple[str, str, list[str]]]) -> None:
    """Each (table, index, columns): the index becomes one on these columns. On PostgreSQL the
    new indexes are all built beside the old ones, then swapped in: DROP INDEX locks its table
    against reads until the transaction ends, and dropping first held that lock through the
    builds (seconds at a million enterprises, minutes at a province's or the nation's). Built
    first, the builds hold back only writes (syncs), and reads wait for the swaps alone."""
    if op.get_bind().dialect.name == "postgresql":
        for table, name, columns in indexes:
            op.create_index(f"{name}_new", table, columns)
        for table, name, _ in indexes:
            op.drop_index(name, table_name=table)
            op.execute(f"ALTER INDEX {name}_new RENAME TO {name}")
        return
    for table, name, columns in indexes:  # SQLite's readers keep reading their snapshot
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)


def upgrade() -> None:
    _replace([(table, name, after) for table, name, _, after in _WIDENED])


def downgrade() -> None:
    _replace([(table, name, before) for table, name, before, _ in _WIDENED])
