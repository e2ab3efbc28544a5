"""the legal-representative and shareholder-name indexes cover what the related-enterprises walk reads

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-04

For every name it follows, the walk (profile/related.py) asks where that person is legal
representative and where a natural-person shareholder now, and reads each match's credit code
(and the shareholder's kind and end). With indexes on the name alone every match was a row read
from the table, a page SQLite's cache seldom held at a million enterprises: 0.26–0.33 ms of a
profile's statements, against 0.06–0.07 ms with the columns in the indexes (bench/RESULTS.md,
load). The wider indexes replace the old ones (the name leads both).
"""

from alembic import op

revision = "0024"
down_revision = "0023"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.drop_index("ix_enterprise_legal_rep", table_name="enterprise")
    op.create_index("ix_enterprise_legal_rep", "enterprise", ["legal_rep", "credit_code"])
    op.drop_index("ix_shareholder_name", table_name="shareholder")
    op.create_index(
        "ix_shareholder_name", "shareholder", ["name", "kind", "ended_on", "credit_code"]
    )


def downgrade() -> None:
    op.drop_index("ix_shareholder_name", table_name="shareholder")
    op.create_index("ix_shareholder_name", "shareholder", ["name"])
    op.drop_index("ix_enterprise_legal_rep", table_name="enterprise")
    op.create_index("ix_enterprise_legal_rep", "enterprise", ["legal_rep"])
