"""verification: stored three-step verifications; person-name indexes on court and penalty records

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

import xinyong.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "verification",
        sa.Column("id", sa.String(length=32), nullable=False),
        sa.Column("created_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("query_code", sa.String(length=40), nullable=True),
        sa.Column("query_name", sa.String(length=200), nullable=True),
        sa.Column("service", sa.String(length=40), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("enterprise_name", sa.String(length=200), nullable=True),
        sa.Column("verdict", sa.String(length=10), nullable=False),
        sa.Column("rules_version", sa.Integer(), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("digest", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_verification")),
    )
    op.create_index(op.f("ix_verification_created_at"), "verification", ["created_at"])
    op.create_index(op.f("ix_verification_credit_code"), "verification", ["credit_code"])
    op.create_index("ix_dishonest_record_party_name", "dishonest_record", ["party_name"])
    op.create_index("ix_enforcement_case_party_name", "enforcement_case", ["party_name"])
    op.create_index("ix_penalty_party_name", "penalty", ["party_name"])


def downgrade() -> None:
    op.drop_index("ix_penalty_party_name", table_name="penalty")
    op.drop_index("ix_enforcement_case_party_name", table_name="enforcement_case")
    op.drop_index("ix_dishonest_record_party_name", table_name="dishonest_record")
    op.drop_index(op.f("ix_verification_credit_code"), table_name="verification")
    op.drop_index(op.f("ix_verification_created_at"), table_name="verification")
    op.drop_table("verification")
