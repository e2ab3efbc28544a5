"""each decision on an alert, with its reason: dismissals explained, and restorable

Revision ID: 0038
Revises: 0037
Create Date: 2026-12-09

An operator dismissed a risk flag with one click, no reason and no way back; the alert row kept
only the latest decider. Each decision is now a row of `alert_event` (who, when, from which
status to which, why); a dismissal needs a reason, and a dismissed alert can be restored, with
one. The alert row still holds its status and latest decision, so the trigger of migration 0026
moves the public generation on a restoration as on a dismissal. Decisions made before this
migration are carried over as events without a reason.
"""

import sqlalchemy as sa
from alembic import op

revision = "0038"
down_revision = "0037"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "alert_event",
        sa.Column("id", _ID, primary_key=True),
        sa.Column("alert_id", sa.BigInteger(), sa.ForeignKey("alert.id"), nullable=False),
        sa.Column("action", sa.String(length=16), nullable=False),
        sa.Column("from_status", sa.String(length=16), nullable=False),
        sa.Column("to_status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=100), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_alert_event_alert_id", "alert_event", ["alert_id"])
    op.execute(
        "INSERT INTO alert_event (alert_id, action, from_status, to_status, decided_by, at) "
        "SELECT id, status, 'open', status, decided_by, decided_at FROM alert "
        "WHERE decided_at IS NOT NULL AND decided_by IS NOT NULL AND status <> 'open'"
    )


def downgrade() -> None:
    op.drop_index("ix_alert_event_alert_id", table_name="alert_event")
    op.drop_table("alert_event")
