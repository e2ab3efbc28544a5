"""search: a name whose places leave only an industry word is also known by place and word

Revision ID: 0033
Revises: 0032
Create Date: 2026-12-07

江苏银行股份有限公司 was indexed under the core 银行 alone, so its initials were yh and jsyh
found nothing; 上海电气集团股份有限公司 under 电气集团. Cores now drop a trailing 集团, and when
the places cut leave two characters the nearest place's short form and those two are a core too
(`normalise.cores`). Only the enterprises whose names can be concerned are re-indexed: a name
with 集团 or with a two-character core after its places.
"""

from alembic import op

revision = "0033"
down_revision = "0032"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from xinyong.search.index import reindex_where
    from xinyong.search.normalise import cores, normalise

    def concerned(name: str) -> bool:
        normalised = normalise(name or "")
        return "集团" in normalised or len(cores(normalised)) > 1

    reindex_where(op.get_bind(), concerned)


def downgrade() -> None:
    """Nothing to undo: the tables are as they were, and the older code reads this index
    (`xinyong search-index` gives it back its own cores)."""
