"""PostgreSQL: a rating added or removed notifies the servers, as the other generation tables do

Revision ID: 0029
Revises: 0028
Create Date: 2026-12-06

The agency pages' generation counts the agencies that have a grade (api/cache.py AGENCY_SQL: a
grade given on first need, before any rating pass has reached the agency). Nothing announced
that count moving: the process that wrote the grade dropped its kept generations at every commit
of its own, and the others re-read theirs within a second. A server process now drops its kept
generations only when a commit of its own was announced (decision 0046), so the rating table
announces rows added or removed, once per statement, like the tables of migration 0022. Updates
are left out: a rating pass regrades through rating_state, which announces itself. SQLite has its
own signal (PRAGMA data_version): nothing to do there.
"""

from alembic import op

revision = "0029"
down_revision = "0028"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TRIGGER generation_moved AFTER INSERT OR DELETE OR TRUNCATE ON rating "
        "FOR EACH STATEMENT EXECUTE FUNCTION xinyong_generation_moved()"
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER generation_moved ON rating")
