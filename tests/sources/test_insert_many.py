"""The bulk insert path stores exactly what SQLAlchemy's ordinary insert stores, type by type."""

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import insert, select

from xinyong.registry.models import Enterprise, Shareholder
from xinyong.sources.provenance import insert_many


def _row(srid: str, **extra) -> dict:
    return dict(
        source="t", source_record_id=srid, fetched_at=datetime(2026, 11, 28, 8, 30, tzinfo=UTC),
        as_of=date(2026, 11, 20), known_from=datetime(2026, 11, 28, 8, 31, 5, 123456, tzinfo=UTC),
        content_hash="h", demo=True, change_seq=1, **extra,
    )  # fmt: skip


def test_every_column_type_round_trips_the_same_way(engine):
    rows = {
        "fast": _row("fast", credit_code="C1", name="王建国", kind="自然人股东", share_percent=Decimal("60.5"),
                     subscribed_fen=12_345, subscribed_on=date(2020, 1, 2), ended_on=None),
        "plain": _row("plain", credit_code="C1", name="王建国", kind="自然人股东", share_percent=Decimal("60.5"),
                      subscribed_fen=12_345, subscribed_on=date(2020, 1, 2), ended_on=None),
    }  # fmt: skip
    table = Shareholder.__table__
    with engine.begin() as conn:
        insert_many(conn, table, [rows["fast"]])
        conn.execute(insert(table), [rows["plain"]])
        stored = {r.source_record_id: r._mapping for r in conn.execute(select(table))}
    skip = {"id", "source_record_id"}
    fast = {k: v for k, v in stored["fast"].items() if k not in skip}
    plain = {k: v for k, v in stored["plain"].items() if k not in skip}
    assert fast == plain
    assert fast["known_from"] == datetime(2026, 11, 28, 8, 31, 5, 123456, tzinfo=UTC)


def test_json_lists_round_trip(engine):
    table = Enterprise.__table__
    row = _row(
        "E",
        credit_code="91320706MA0000015E",
        name="某公司",
        former_names=["旧名一", "旧名二"],
        status="存续",
    )
    with engine.begin() as conn:
        insert_many(conn, table, [row])
        assert conn.execute(select(table.c.former_names)).scalar_one() == ["旧名一", "旧名二"]
