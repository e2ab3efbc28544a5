"""The penalty publication's order: an index on the decision date

Revision ID: 0036
Revises: 0035
Create Date: 2026-12-07

The public 行政处罚 publication (/penalties, and the front page's newest decisions) lists the
decisions in their publicity period newest first; without an index each page sorted the whole
table (100,000 rows in the load benchmark's data set).
"""

from alembic import op

revision = "0036"
down_revision = "0035"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_penalty_decided_on", "penalty", ["decided_on"])


def downgrade() -> None:
    op.drop_index("ix_penalty_decided_on", table_name="penalty")
