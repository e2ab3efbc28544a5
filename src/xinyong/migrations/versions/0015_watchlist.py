"""watch lists, and complaints filed by a signed-in creditor

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01
"""

import sqlalchemy as sa
from alembic import op

import xinyong.types

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "watch_item",
        sa.Column("id", _ID, nullable=False),
        sa.Column("user_id", _ID, nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("created_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("since_seq", sa.BigInteger(), nullable=False),
        sa.Column("seen_seq", sa.BigInteger(), nullable=False),
        sa.Column("seen_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["user_id"], ["account_user.id"], name=op.f("fk_watch_item_user_id_account_user")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_watch_item")),
        sa.UniqueConstraint("user_id", "credit_code", name="uq_watch_item_user_code"),
    )
    with op.batch_alter_table("watch_item", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_watch_item_user_id"), ["user_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_watch_item_credit_code"), ["credit_code"], unique=False
        )
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("creditor_id", sa.String(length=64), nullable=True))
        batch_op.create_index(batch_op.f("ix_complaint_creditor_id"), ["creditor_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_complaint_creditor_id"))
        batch_op.drop_column("creditor_id")
    with op.batch_alter_table("watch_item", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_watch_item_credit_code"))
        batch_op.drop_index(batch_op.f("ix_watch_item_user_id"))
    op.drop_table("watch_item")
