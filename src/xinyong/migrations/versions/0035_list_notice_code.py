"""A list entry's notice code: the party's way to its entry before publication

Revision ID: 0035
Revises: 0034
Create Date: 2026-12-08

The notice (告知书) tells the party it may object before the entry is published, but the
public pages show an entry only once published. Approval now gives the entry a random code
that the notice carries in its link (/lists/{id}?code=…): with it the party reads what is to be
published and objects on the site. Entries approved before this migration have no code; their
notices carried no link.
"""

import sqlalchemy as sa
from alembic import op

revision = "0035"
down_revision = "0034"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("list_entry") as batch:
        batch.add_column(sa.Column("notice_code", sa.String(length=32), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("list_entry") as batch:
        batch.drop_column("notice_code")
