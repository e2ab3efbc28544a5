"""a counter of alert decisions, kept by a trigger, for the public data generation

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-05

The public generation (api/cache.PUBLIC_SQL) read max(alert.decided_at) to see decisions. A
decision's time is taken before its transaction commits: two decided at once could commit in
the opposite order, and the later commit, with the earlier time, moved no maximum, so answers
kept before it (and carried past later syncs, api/carry.py) kept the alert as undecided. Every
change of an alert's decision now adds one to the feed counter row `alert_decisions`. On
PostgreSQL the trigger is deferred to the commit, and the counter row's lock is held until the
commit ends: each decision's commit moves the counter, in commit order. The counter row's own
trigger (migration 0022) notifies the servers. The index on decided_at (migration 0020) served
only that maximum, and goes.
"""

import sqlalchemy as sa
from alembic import op

revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None

COUNTER = "alert_decisions"
BUMP = f"UPDATE feed_counter SET value = value + 1 WHERE name = '{COUNTER}'"


def upgrade() -> None:
    decided = (
        op.get_bind()
        .execute(sa.text("SELECT count(*) FROM alert WHERE decided_at IS NOT NULL"))
        .scalar_one()
    )
    op.bulk_insert(
        sa.table("feed_counter", sa.column("name", sa.String), sa.column("value", sa.BigInteger)),
        [{"name": COUNTER, "value": decided}],
    )
    op.drop_index("ix_alert_decided_at", table_name="alert")
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION xinyong_alert_decided() RETURNS trigger LANGUAGE plpgsql AS $$ "
            f"BEGIN {BUMP}; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE CONSTRAINT TRIGGER alert_decided AFTER UPDATE OF status, decided_at "
            "ON alert DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION xinyong_alert_decided()"
        )
    else:
        op.execute(
            "CREATE TRIGGER alert_decided AFTER UPDATE OF status, decided_at ON alert "
            f"FOR EACH ROW BEGIN {BUMP}; END"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER alert_decided ON alert")
        op.execute("DROP FUNCTION xinyong_alert_decided()")
    else:
        op.execute("DROP TRIGGER alert_decided")
    op.execute(f"DELETE FROM feed_counter WHERE name = '{COUNTER}'")
    op.create_index("ix_alert_decided_at", "alert", ["decided_at"])
