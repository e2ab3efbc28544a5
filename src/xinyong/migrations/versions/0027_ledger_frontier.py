"""the ledger's frontier kept beside its size

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-06

An append hashes its new subtrees from the tree's frontier (the complete subtrees left of its
first new leaf), which it read from the leaf and node tables after taking the size row's lock:
a round trip on PostgreSQL that every other writer waited through (bench/RESULTS.md, load). The
size row now keeps the frontier too, prefixed with the size it belongs to, and the reservation
returns it. A tree upgraded from before has none and reads its frontier once, as before
(ledger/store.py).
"""

import sqlalchemy as sa
from alembic import op

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("ledger_tree", sa.Column("frontier", sa.LargeBinary(), nullable=True))


def downgrade() -> None:
    op.drop_column("ledger_tree", "frontier")
