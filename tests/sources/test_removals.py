"""When the upstream removes a record, we close it with its end date and keep its history."""

from datetime import date

from sqlalchemy import select

from tests.support.registry_files import credit_code
from xinyong.registry.importer import REGISTRY_TARGETS
from xinyong.registry.models import Shareholder
from xinyong.sources.ingest import Ended, Ingest
from xinyong.sources.layouts import REGISTRY_SHAREHOLDERS
from xinyong.sources.provenance import RecordHistory

HEADER = ["记录编号", "统一社会信用代码", "股东名称", "股东类型", "出资比例"]


def _sync(engine, rows, ended=None):
    ingest = Ingest(
        engine, REGISTRY_TARGETS[REGISTRY_SHAREHOLDERS.name], source="gsxt", location="test"
    )
    ingest.begin(HEADER)
    for n, cells in enumerate(rows, start=2):
        ingest.add(n, cells, ended.get(cells[0]) if ended else None)
    return ingest.end()


def test_a_removed_record_is_closed_not_deleted_and_can_come_back(engine, session):
    code = credit_code(1)
    rows = [["S1", code, "王建国", "自然人股东", "60"], ["S2", code, "李梅", "自然人股东", "40"]]
    assert _sync(engine, rows).inserted == 2

    gone = _sync(
        engine, [["S2", "", "", "", ""]], ended={"S2": Ended(date(2026, 11, 25), "股权转让")}
    )
    assert (gone.closed, gone.rejected) == (1, 0)
    s2 = session.scalars(select(Shareholder).where(Shareholder.source_record_id == "S2")).one()
    assert (s2.ended_on, s2.end_reason, s2.name) == (date(2026, 11, 25), "股权转让", "李梅")
    assert session.scalars(select(RecordHistory.data)).one()["name"] == "李梅"

    again = _sync(engine, [["S2", "", "", "", ""]], ended={"S2": Ended(date(2026, 11, 25))})
    assert (again.closed, again.unchanged) == (0, 1)  # closing twice changes nothing

    back = _sync(engine, rows)
    assert (back.updated, back.unchanged) == (1, 1)
    session.expire_all()
    assert session.get(Shareholder, s2.id).ended_on is None


def test_every_write_gets_a_new_feed_number_in_order(engine, session):
    code = credit_code(1)
    _sync(
        engine,
        [["S1", code, "王建国", "自然人股东", "60"], ["S2", code, "李梅", "自然人股东", "40"]],
    )
    _sync(engine, [["S1", code, "王建国", "自然人股东", "70"]])
    seqs = dict(session.execute(select(Shareholder.source_record_id, Shareholder.change_seq)).all())
    assert seqs["S1"] > seqs["S2"] >= 1
