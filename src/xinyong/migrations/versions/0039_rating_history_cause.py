"""rating history names the decision that moved a grade at once

Revision ID: 0039
Revises: 0038
Create Date: 2026-12-07

A list decision (an entry published, revoked, expired, repaired or corrected) now re-rates its
firm in the decision's own transaction instead of waiting up to a quarter hour for the rating
pass (decision 0063). The history row it adds says which decision it was; rows from a rating
pass, and every row before this migration, have none.
"""

import sqlalchemy as sa
from alembic import op

revision = "0039"
down_revision = "0038"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # A plain ALTER on both engines: the table holds a row per grade ever given.
    op.add_column("rating_history", sa.Column("cause", sa.JSON(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("rating_history") as batch_op:
        batch_op.drop_column("cause")
