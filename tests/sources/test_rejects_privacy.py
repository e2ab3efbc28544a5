"""A rejected row about a person keeps the reason, but never the person's full ID number."""

from sqlalchemy import select

from tests.support.judicial_files import person_dishonest_row, person_id, write_drop
from xinyong.enforcement.importer import import_file
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST
from xinyong.sources.models import Reject


def test_a_rejected_row_stores_the_id_masked(tmp_path, engine, session):
    full = person_id(7)
    row = person_dishonest_row(1, id_number=full, 立案时间="2025-13-01")
    path = write_drop(tmp_path / "dishonest.csv", ENFORCEMENT_DISHONEST, [row])

    assert import_file(engine, path, ENFORCEMENT_DISHONEST.name).counts.rejected == 1
    reject = session.scalars(select(Reject)).one()
    assert "2025-13-01" in reject.reason_zh
    stored = " ".join(str(v) for v in reject.raw.values())
    assert full not in stored and "3207**********" in stored
