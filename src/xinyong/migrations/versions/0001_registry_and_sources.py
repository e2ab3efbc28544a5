"""registry and sources

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

import xinyong.types

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "abnormal_entry",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("listed_on", sa.Date(), nullable=False),
        sa.Column("listed_by", sa.String(length=200), nullable=True),
        sa.Column("removal_reason", sa.Text(), nullable=True),
        sa.Column("removed_on", sa.Date(), nullable=True),
        sa.Column("removed_by", sa.String(length=200), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_record_id", sa.String(length=128), nullable=False),
        sa.Column("fetched_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("known_from", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_abnormal_entry")),
    )
    with op.batch_alter_table("abnormal_entry", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_abnormal_entry_change_seq"), ["change_seq"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_abnormal_entry_credit_code"), ["credit_code"], unique=False
        )
        batch_op.create_index(
            "uq_abnormal_entry_source_record", ["source", "source_record_id"], unique=True
        )

    op.create_table(
        "enterprise",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("reg_no", sa.String(length=15), nullable=True),
        sa.Column("org_code", sa.String(length=9), nullable=True),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("former_names", sa.JSON(), nullable=False),
        sa.Column("legal_rep", sa.String(length=100), nullable=True),
        sa.Column("entity_type", sa.String(length=100), nullable=True),
        sa.Column("registered_capital_fen", sa.BigInteger(), nullable=True),
        sa.Column("capital_currency", sa.String(length=20), nullable=True),
        sa.Column("established_on", sa.Date(), nullable=True),
        sa.Column("term_from", sa.Date(), nullable=True),
        sa.Column("term_to", sa.Date(), nullable=True),
        sa.Column("registration_authority", sa.String(length=200), nullable=True),
        sa.Column("approved_on", sa.Date(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("status_date", sa.Date(), nullable=True),
        sa.Column("status_reason", sa.Text(), nullable=True),
        sa.Column("address", sa.String(length=500), nullable=True),
        sa.Column("division_code", sa.String(length=6), nullable=True),
        sa.Column("business_scope", sa.Text(), nullable=True),
        sa.Column("industry", sa.String(length=100), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_record_id", sa.String(length=128), nullable=False),
        sa.Column("fetched_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("known_from", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enterprise")),
        sa.UniqueConstraint("credit_code", name=op.f("uq_enterprise_credit_code")),
    )
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_enterprise_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_enterprise_division_code"), ["division_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_enterprise_legal_rep"), ["legal_rep"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_org_code"), ["org_code"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_reg_no"), ["reg_no"], unique=False)
        batch_op.create_index(batch_op.f("ix_enterprise_status"), ["status"], unique=False)
        batch_op.create_index(
            "uq_enterprise_source_record", ["source", "source_record_id"], unique=True
        )

    op.create_table(
        "feed_counter",
        sa.Column("name", sa.String(length=32), nullable=False),
        sa.Column("value", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_feed_counter")),
    )
    # The change feed starts at 1; one row, one counter.
    op.bulk_insert(
        sa.table("feed_counter", sa.column("name", sa.String), sa.column("value", sa.BigInteger)),
        [{"name": "changes", "value": 0}],
    )
    op.create_table(
        "licence",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=False),
        sa.Column("number", sa.String(length=100), nullable=True),
        sa.Column("issuer", sa.String(length=200), nullable=True),
        sa.Column("valid_from", sa.Date(), nullable=True),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("content", sa.Text(), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_record_id", sa.String(length=128), nullable=False),
        sa.Column("fetched_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("known_from", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_licence")),
    )
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_licence_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(batch_op.f("ix_licence_credit_code"), ["credit_code"], unique=False)
        batch_op.create_index(
            "uq_licence_source_record", ["source", "source_record_id"], unique=True
        )

    op.create_table(
        "record_history",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("record_type", sa.String(length=64), nullable=False),
        sa.Column("record_id", sa.BigInteger(), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=True),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_record_id", sa.String(length=128), nullable=False),
        sa.Column("fetched_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("known_from", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("known_to", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_record_history")),
    )
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.create_index(
            "ix_record_history_code", ["record_type", "credit_code"], unique=False
        )
        batch_op.create_index(
            "ix_record_history_record", ["record_type", "record_id"], unique=False
        )

    op.create_table(
        "shareholder",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("credit_code", sa.String(length=18), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=True),
        sa.Column("id_type", sa.String(length=40), nullable=True),
        sa.Column("id_number", sa.String(length=40), nullable=True),
        sa.Column("subscribed_fen", sa.BigInteger(), nullable=True),
        sa.Column("share_percent", sa.Numeric(precision=9, scale=4), nullable=True),
        sa.Column("subscribed_on", sa.Date(), nullable=True),
        sa.Column("ended_on", sa.Date(), nullable=True),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("source_record_id", sa.String(length=128), nullable=False),
        sa.Column("fetched_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("as_of", sa.Date(), nullable=True),
        sa.Column("known_from", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("content_hash", sa.String(length=32), nullable=False),
        sa.Column("demo", sa.Boolean(), nullable=False),
        sa.Column("change_seq", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_shareholder")),
    )
    with op.batch_alter_table("shareholder", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_shareholder_change_seq"), ["change_seq"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_shareholder_credit_code"), ["credit_code"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_shareholder_id_number"), ["id_number"], unique=False)
        batch_op.create_index(batch_op.f("ix_shareholder_name"), ["name"], unique=False)
        batch_op.create_index(
            "uq_shareholder_source_record", ["source", "source_record_id"], unique=True
        )

    op.create_table(
        "sync_run",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("source", sa.String(length=64), nullable=False),
        sa.Column("layout", sa.String(length=64), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("started_at", xinyong.types.UTCDateTime(timezone=True), nullable=False),
        sa.Column("finished_at", xinyong.types.UTCDateTime(timezone=True), nullable=True),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("cursor", sa.String(length=200), nullable=True),
        sa.Column("rows_read", sa.Integer(), nullable=False),
        sa.Column("inserted", sa.Integer(), nullable=False),
        sa.Column("updated", sa.Integer(), nullable=False),
        sa.Column("unchanged", sa.Integer(), nullable=False),
        sa.Column("rejected", sa.Integer(), nullable=False),
        sa.Column("error", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_sync_run")),
    )
    with op.batch_alter_table("sync_run", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_sync_run_source"), ["source"], unique=False)

    op.create_table(
        "reject",
        sa.Column("id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("run_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"), nullable=False),
        sa.Column("location", sa.Text(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=True),
        sa.Column("field", sa.String(length=100), nullable=True),
        sa.Column("value", sa.Text(), nullable=True),
        sa.Column("reason_zh", sa.Text(), nullable=False),
        sa.Column("reason_en", sa.Text(), nullable=False),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["run_id"], ["sync_run.id"], name=op.f("fk_reject_run_id_sync_run")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reject")),
    )
    with op.batch_alter_table("reject", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reject_run_id"), ["run_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("reject", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_reject_run_id"))

    op.drop_table("reject")
    with op.batch_alter_table("sync_run", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_sync_run_source"))

    op.drop_table("sync_run")
    with op.batch_alter_table("shareholder", schema=None) as batch_op:
        batch_op.drop_index("uq_shareholder_source_record")
        batch_op.drop_index(batch_op.f("ix_shareholder_name"))
        batch_op.drop_index(batch_op.f("ix_shareholder_id_number"))
        batch_op.drop_index(batch_op.f("ix_shareholder_credit_code"))
        batch_op.drop_index(batch_op.f("ix_shareholder_change_seq"))

    op.drop_table("shareholder")
    with op.batch_alter_table("record_history", schema=None) as batch_op:
        batch_op.drop_index("ix_record_history_record")
        batch_op.drop_index("ix_record_history_code")

    op.drop_table("record_history")
    with op.batch_alter_table("licence", schema=None) as batch_op:
        batch_op.drop_index("uq_licence_source_record")
        batch_op.drop_index(batch_op.f("ix_licence_credit_code"))
        batch_op.drop_index(batch_op.f("ix_licence_change_seq"))

    op.drop_table("licence")
    op.drop_table("feed_counter")
    with op.batch_alter_table("enterprise", schema=None) as batch_op:
        batch_op.drop_index("uq_enterprise_source_record")
        batch_op.drop_index(batch_op.f("ix_enterprise_status"))
        batch_op.drop_index(batch_op.f("ix_enterprise_reg_no"))
        batch_op.drop_index(batch_op.f("ix_enterprise_org_code"))
        batch_op.drop_index(batch_op.f("ix_enterprise_name"))
        batch_op.drop_index(batch_op.f("ix_enterprise_legal_rep"))
        batch_op.drop_index(batch_op.f("ix_enterprise_division_code"))
        batch_op.drop_index(batch_op.f("ix_enterprise_change_seq"))

    op.drop_table("enterprise")
    with op.batch_alter_table("abnormal_entry", schema=None) as batch_op:
        batch_op.drop_index("uq_abnormal_entry_source_record")
        batch_op.drop_index(batch_op.f("ix_abnormal_entry_credit_code"))
        batch_op.drop_index(batch_op.f("ix_abnormal_entry_change_seq"))

    op.drop_table("abnormal_entry")
