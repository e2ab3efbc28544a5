"""PostgreSQL: a generation table's notification names the schema it was sent from

Revision ID: 0030
Revises: 0029
Create Date: 2026-12-06

Notification channels are database-wide, not per schema. Deployments that share a database in
separate schemas (staging beside production, one schema per city, the test suites) heard each
other's changes and dropped their kept generations for nothing: CI's PostgreSQL suite saw a
verification record followed by three generation reads, the notifications of a scale-out test
running beside it in another schema. The payload now carries the changed table's schema, and a
server takes only its own (api/cache.py). SQLite has its own signal: nothing to do there.
"""

from alembic import op

revision = "0030"
down_revision = "0029"
branch_labels = None
depends_on = None


def _function(payload: str) -> str:
    return (
        "CREATE OR REPLACE FUNCTION xinyong_generation_moved() RETURNS trigger "
        f"LANGUAGE plpgsql AS $$ BEGIN PERFORM pg_notify('xinyong_generation', {payload}); "
        "RETURN NULL; END $$"
    )


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_function("TG_TABLE_SCHEMA"))


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(_function("''"))
