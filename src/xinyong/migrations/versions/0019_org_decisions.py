"""an organisation's decision keeps its reason and the verification it relied on (a hex id)

Revision ID: 0019
Revises: 0018
Create Date: 2026-11-28

account_org.verification_id was an integer, but verification ids are 32-character hex strings:
no verification could be recorded. No row can hold a valid value, so the column is replaced.
"""

import sqlalchemy as sa
from alembic import op

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("account_org") as batch:
        batch.drop_column("verification_id")
        batch.add_column(sa.Column("verification_id", sa.String(length=32), nullable=True))
        batch.add_column(sa.Column("decision_reason", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("account_org") as batch:
        batch.drop_column("decision_reason")
        batch.drop_column("verification_id")
        batch.add_column(sa.Column("verification_id", sa.Integer(), nullable=True))
