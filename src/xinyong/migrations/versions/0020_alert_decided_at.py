"""an index on alert.decided_at, for the public data generation read on every public answer

Revision ID: 0020
Revises: 0019
Create Date: 2026-11-29

api/cache.py reads max(alert.decided_at) as part of the public generation, before every cached
profile, fee quote and verification. Without an index that is a scan of the alert table, and
after any commit (a verification record is one) a scan of pages the reader no longer holds:
469 µs against 55 µs with the index at 1,000,000 enterprises (bench/RESULTS.md, load).
"""

from alembic import op

revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_index("ix_alert_decided_at", "alert", ["decided_at"])


def downgrade() -> None:
    op.drop_index("ix_alert_decided_at", table_name="alert")
