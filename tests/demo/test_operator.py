"""A demo visitor finds published black-list entries, decided by a demo operator weeks before the
data's day through the lists' own lifecycle, and the recent proposals still waiting for review."""

from __future__ import annotations

from datetime import date

from tests.lists.story import at
from tests.support.judicial_files import dishonest_row, register_enterprises, write_drop
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.demo.operator import DEMO_OPERATOR, weeks_of_decisions
from xinyong.enforcement.importer import import_file
from xinyong.lists import lookups, service
from xinyong.lists.models import ListEntry
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST


def test_the_demo_operator_published_the_old_proposals_and_left_the_new_ones(
    tmp_path, engine, session
):
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(n) for n in (1, 2, 3)])
    rows = [
        dishonest_row(1, **{"发布时间": "2026年06月15日"}),
        # Decided before the operator's weeks, but its two years were over long ago.
        dishonest_row(2, **{"发布时间": "2024年01月10日"}),
        # Published by the court in the last weeks before the data's day.
        dishonest_row(3, **{"发布时间": "2026年11月10日"}),
    ]
    import_file(
        engine,
        write_drop(tmp_path / "zxgk.csv", ENFORCEMENT_DISHONEST, rows),
        ENFORCEMENT_DISHONEST.name,
    )

    visit = at(2026, 12, 7)
    lists = weeks_of_decisions(engine, date(2026, 11, 20), visit)

    assert (lists.published, lists.expired, lists.waiting) == (1, 0, 1)
    [published] = lookups.public_entries(session, "black", visit)
    assert published.credit_code == credit_code(1)
    history = lookups.history(session, published.id)
    assert [(e.action, e.actor) for e in history] == [
        ("proposed", "system"),
        ("approved", DEMO_OPERATOR),
        ("notified", "system"),
        ("published", DEMO_OPERATOR),
    ]
    # Proposed four weeks before the data's day (Friday 2026-10-23), approved the next working
    # day, published once the party's five working days after the notice were over.
    days = [e.at.astimezone(at(2026, 1, 1).tzinfo).date() for e in history]
    assert days == [date(2026, 10, 23), date(2026, 10, 26), date(2026, 10, 26), date(2026, 11, 2)]
    assert published.publicity_start == date(2026, 11, 2)

    waiting = session.query(ListEntry).filter(ListEntry.state == "proposed").one()
    assert waiting.credit_code == credit_code(3)
    assert not lookups.is_black_listed(session, credit_code(3), visit)
    session.rollback()

    # The demo command run again on the same database decides nothing more.
    again = weeks_of_decisions(engine, date(2026, 11, 20), visit)
    assert again == lists
    assert service.get_entry(session, waiting.id).state == "proposed"
