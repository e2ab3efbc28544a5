"""A counter of changes to what an agency's standing is made of, kept by triggers

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01

The directory, an agency's page and the fee calculator show each agency's verdict, grade,
stars and service record, computed from its cases, complaints, evidence, verifications, fee
schedules and profile. None of those writes moved the change feed, so those pages could not
be kept (api/cache.py AGENCY_DATA). Every write to them now adds one to the feed counter row
`agencies`, in the writing transaction, so the new value is seen together with the new data.

On PostgreSQL the triggers are deferred to the commit: the counter row is locked only while
a transaction commits, not from its first case write on (two transactions writing cases and
complaints in opposite orders could otherwise deadlock on it). The counter row's own trigger
(migration 0022) notifies the servers.
"""

import sqlalchemy as sa
from alembic import op

revision = "0023"
down_revision = "0022"
branch_labels = None
depends_on = None

COUNTER = "agencies"
# Every write to these is about an agency.
TABLES = ("agency", "fee_schedule", "debt_case", "complaint", "case_evidence")
# Only the rows of agencies count: verifications of any enterprise are written all day.
BY_CODE = ("verification",)
EVENTS = ("INSERT", "UPDATE", "DELETE")
BUMP = f"UPDATE feed_counter SET value = value + 1 WHERE name = '{COUNTER}'"


def upgrade() -> None:
    op.bulk_insert(
        sa.table("feed_counter", sa.column("name", sa.String), sa.column("value", sa.BigInteger)),
        [{"name": COUNTER, "value": 0}],
    )
    # A deadline passing changes a service record without a write: the generation reads the
    # next one, by these.
    op.create_index("ix_complaint_due_at", "complaint", ["due_at"])
    op.create_index("ix_debt_case_first_report_due_at", "debt_case", ["first_report_due_at"])
    if op.get_bind().dialect.name == "postgresql":
        _postgresql()
    else:
        _sqlite()


def _sqlite() -> None:
    for table in TABLES + BY_CODE:
        for event in EVENTS:
            when = ""
            if table in BY_CODE:
                row = "OLD" if event == "DELETE" else "NEW"
                when = f"WHEN {row}.credit_code IN (SELECT credit_code FROM agency) "
            op.execute(
                f"CREATE TRIGGER agency_generation_{table}_{event.lower()} AFTER {event} "
                f"ON {table} FOR EACH ROW {when}BEGIN {BUMP}; END"
            )


def _postgresql() -> None:
    op.execute(
        "CREATE FUNCTION xinyong_agency_moved() RETURNS trigger LANGUAGE plpgsql AS $$ "
        f"BEGIN {BUMP}; RETURN NULL; END $$"
    )
    op.execute(
        "CREATE FUNCTION xinyong_agency_row_moved() RETURNS trigger LANGUAGE plpgsql AS $$ "
        "DECLARE code text; BEGIN "
        "IF TG_OP = 'DELETE' THEN code := OLD.credit_code; ELSE code := NEW.credit_code; END IF; "
        "IF EXISTS (SELECT 1 FROM agency WHERE credit_code = code) "
        f"THEN {BUMP}; END IF; RETURN NULL; END $$"
    )
    for table in TABLES + BY_CODE:
        function = "xinyong_agency_row_moved" if table in BY_CODE else "xinyong_agency_moved"
        op.execute(
            f"CREATE CONSTRAINT TRIGGER agency_generation AFTER INSERT OR UPDATE OR DELETE "
            f"ON {table} DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION {function}()"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        for table in TABLES + BY_CODE:
            op.execute(f"DROP TRIGGER agency_generation ON {table}")
        op.execute("DROP FUNCTION xinyong_agency_row_moved()")
        op.execute("DROP FUNCTION xinyong_agency_moved()")
    else:
        for table in TABLES + BY_CODE:
            for event in EVENTS:
                op.execute(f"DROP TRIGGER agency_generation_{table}_{event.lower()}")
    op.drop_index("ix_debt_case_first_report_due_at", "debt_case")
    op.drop_index("ix_complaint_due_at", "complaint")
    op.execute(f"DELETE FROM feed_counter WHERE name = '{COUNTER}'")
