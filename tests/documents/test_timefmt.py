"""Days printed on reports are Beijing days: a record fetched at 01:11 Beijing time is dated that
day, not the day before as its UTC timestamp reads."""

from __future__ import annotations

from datetime import UTC, date, datetime

from xinyong.documents.timefmt import local_day


def test_an_instant_is_printed_as_its_day_in_beijing_and_a_date_as_it_is():
    assert local_day("2026-12-07T17:11:34.217257Z") == "2026-12-08"
    assert local_day(datetime(2026, 12, 7, 17, 11, tzinfo=UTC)) == "2026-12-08"
    assert local_day("2026-12-07T10:11:34+00:00") == "2026-12-07"
    assert local_day(date(2026, 11, 20)) == "2026-11-20" == local_day("2026-11-20")
    assert local_day(None) == "—"
