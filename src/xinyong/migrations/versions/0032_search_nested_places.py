"""search: 字号 cores keep a place name that does not lie inside the places before it

Revision ID: 0032
Revises: 0031
Create Date: 2026-12-07

`normalise.core` cut every place name a name started with, so 连云港市海州区江源道物流有限公司
was indexed under the core 道物流 (江源 is a district in Jilin): its pinyin, initials and gram
postings all spelled the wrong brand, and 光明乳业 was indexed as 乳业. Cores now cut a chain
of places each inside the one before it, opened by a full name or a province's or prefecture's
short form (decision 0049); 中国 opening a name stays in it, and a branch (…有限公司连云港分公司)
has its parent's core. The index is rebuilt from the registry, as 0014 did, on both engines.
"""

import sqlalchemy as sa
from alembic import op

revision = "0032"
down_revision = "0031"
branch_labels = None
depends_on = None


def upgrade() -> None:
    from xinyong.search.index import rebuild_connection

    bind = op.get_bind()
    if bind.execute(sa.text("SELECT 1 FROM enterprise LIMIT 1")).first() is not None:
        rebuild_connection(bind)


def downgrade() -> None:
    """Nothing to undo: the tables are as they were, and the older code reads this index
    (`xinyong search-index` gives it back its own cores)."""
