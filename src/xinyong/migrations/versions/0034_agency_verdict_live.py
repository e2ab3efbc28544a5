"""Verifications no longer move the agency pages' generation

Revision ID: 0034
Revises: 0033
Create Date: 2026-12-07

The directory used to show an agency's most recent stored verification, so a visitor's
verification of an agency changed what the agency pages showed, and migration 0023 made it
move their counter. The directory now runs the three steps itself over the data as it stands
(wiring._verdicts): a stored verification changes nothing those pages show, and moving the
counter only threw the kept pages away.
"""

from alembic import op

revision = "0034"
down_revision = "0033"
branch_labels = None
depends_on = None

EVENTS = ("insert", "update", "delete")
BUMP = "UPDATE feed_counter SET value = value + 1 WHERE name = 'agencies'"


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER agency_generation ON verification")
        op.execute("DROP FUNCTION xinyong_agency_row_moved()")
    else:
        for event in EVENTS:
            op.execute(f"DROP TRIGGER agency_generation_verification_{event}")


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            "CREATE FUNCTION xinyong_agency_row_moved() RETURNS trigger LANGUAGE plpgsql AS $$ "
            "DECLARE code text; BEGIN "
            "IF TG_OP = 'DELETE' THEN code := OLD.credit_code; ELSE code := NEW.credit_code; "
            "END IF; IF EXISTS (SELECT 1 FROM agency WHERE credit_code = code) "
            f"THEN {BUMP}; END IF; RETURN NULL; END $$"
        )
        op.execute(
            "CREATE CONSTRAINT TRIGGER agency_generation AFTER INSERT OR UPDATE OR DELETE "
            "ON verification DEFERRABLE INITIALLY DEFERRED FOR EACH ROW "
            "EXECUTE FUNCTION xinyong_agency_row_moved()"
        )
    else:
        for event in EVENTS:
            row = "OLD" if event == "delete" else "NEW"
            op.execute(
                f"CREATE TRIGGER agency_generation_verification_{event} AFTER {event.upper()} "
                f"ON verification FOR EACH ROW "
                f"WHEN {row}.credit_code IN (SELECT credit_code FROM agency) BEGIN {BUMP}; END"
            )
