"""PostgreSQL: ratings added no longer notify the servers; an agency's first grade moves a counter

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-06

Migration 0029 had the rating table announce rows added or removed, because the agency pages'
generation counted the agencies that have a grade. That count made the generation's read, which
the event loop makes, twice as long (26 µs against 13): long enough that the loop nearly always
lost the GIL to a request thread meanwhile (bench/RESULTS.md, load). An agency's first grade now
moves the `agencies` feed counter (rating/service.py), whose own trigger announces it (migration
0022), and the count is gone; so is the need for this trigger, which made every grade given on
first need to any firm drop the kept generations of every server. SQLite: nothing to do.
"""

from alembic import op

revision = "0031"
down_revision = "0030"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute("DROP TRIGGER generation_moved ON rating")


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(
        "CREATE TRIGGER generation_moved AFTER INSERT OR DELETE OR TRUNCATE ON rating "
        "FOR EACH STATEMENT EXECUTE FUNCTION xinyong_generation_moved()"
    )
