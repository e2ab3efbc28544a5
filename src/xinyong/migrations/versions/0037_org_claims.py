"""Claim disputes over an organisation's registration, and the history of operator actions on
organisations (members added or removed, rejected, suspended)

Revision ID: 0037
Revises: 0036
Create Date: 2026-12-09

Someone whose organisation's code was registered by another account could only be told to
"contact the operators", who had no way to act. A dispute is filed from /account and decided
by an operator; what operators do to an organisation is kept as its history, which the people
it concerns read on /account.
"""

import sqlalchemy as sa
from alembic import op

import xinyong.types

revision = "0037"
down_revision = "0036"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "account_claim_dispute",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("filed_by", _ID, nullable=False),
        sa.Column("statement", sa.Text(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("decision_reason", sa.Text(), nullable=True),
        sa.Column("decided_by", sa.String(length=100), nullable=True),
        sa.Column("decided_at", xinyong.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["account_org.id"], name=op.f("fk_account_claim_dispute_org_id_account_org")
        ),
        sa.ForeignKeyConstraint(
            ["filed_by"],
            ["account_user.id"],
            name=op.f("fk_account_claim_dispute_filed_by_account_user"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_claim_dispute")),
    )
    with op.batch_alter_table("account_claim_dispute") as batch:
        batch.create_index(batch.f("ix_account_claim_dispute_org_id"), ["org_id"], unique=False)
        batch.create_index(batch.f("ix_account_claim_dispute_filed_by"), ["filed_by"], unique=False)
    op.create_table(
        "account_org_event",
        sa.Column("id", _ID, nullable=False),
        sa.Column("org_id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=True),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("actor", sa.String(length=100), nullable=False),
        sa.Column("at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["account_org.id"], name=op.f("fk_account_org_event_org_id_account_org")
        ),
        sa.ForeignKeyConstraint(
            ["user_id"], ["account_user.id"], name=op.f("fk_account_org_event_user_id_account_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_account_org_event")),
    )
    with op.batch_alter_table("account_org_event") as batch:
        batch.create_index(batch.f("ix_account_org_event_org_id"), ["org_id"], unique=False)
        batch.create_index(batch.f("ix_account_org_event_user_id"), ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_table("account_org_event")
    op.drop_table("account_claim_dispute")
