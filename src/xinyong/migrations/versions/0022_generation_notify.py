"""PostgreSQL: a change to what a cached answer's generation is read from notifies the servers

Revision ID: 0022
Revises: 0021
Create Date: 2026-11-30

Every public read (a cache hit too) read its data generation from the database first: on
PostgreSQL a round trip from the event loop, a thousand a second under the load benchmark's
mix. The tables that generation is made of now send a notification on channel
xinyong_generation at the end of any statement that changes them; a server's generation reader
listens and reads again only when told (api/cache.py). SQLite has its own cheap signal
(PRAGMA data_version): nothing to do there.
"""

from alembic import op

revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None

# What api.cache.FEED_SQL and PUBLIC_SQL read.
TABLES = ("feed_counter", "list_event", "alert", "rating_state")


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE FUNCTION xinyong_generation_moved() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "BEGIN PERFORM pg_notify('xinyong_generation', ''); RETURN NULL; END $$"
    )
    for table in TABLES:
        op.execute(
            f"CREATE TRIGGER generation_moved AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE "
            f"ON {table} FOR EACH STATEMENT EXECUTE FUNCTION xinyong_generation_moved()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TABLES:
        op.execute(f"DROP TRIGGER generation_moved ON {table}")
    op.execute("DROP FUNCTION xinyong_generation_moved()")
