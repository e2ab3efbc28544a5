"""A court sync about one firm no longer makes every firm's profile anew: a profile the sync did
not touch, neither the firm nor any related firm it shows, is taken over by the new generation
unchanged; the firm named, and every firm that shows it as related, is made anew at once."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.support.judicial_files import dishonest_row, write_drop
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.api.app import create_app
from xinyong.api.cache import PUBLIC_DATA
from xinyong.api.carry import mark, touched
from xinyong.enforcement.models import DishonestRecord
from xinyong.sources.config import get_source
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST
from xinyong.sources.provenance import write_versions
from xinyong.sources.scheduler import run_syncs


def _registry(engine, folder, *rows: dict) -> None:
    write_enterprises(folder / "enterprises.csv", list(rows))
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": folder})])


def _court(engine, folder, *numbers: int) -> None:
    write_drop(folder / "dishonest.csv", ENFORCEMENT_DISHONEST, [dishonest_row(n) for n in numbers])
    run_syncs(engine, [get_source("zxgk").model_copy(update={"path": folder})])


def _firms(engine, folder) -> None:
    """Firms 1 and 2 share a legal representative (related); firm 3 stands alone."""
    _registry(
        engine,
        folder,
        enterprise_row(1, 法定代表人="周海波"),
        enterprise_row(2, 法定代表人="周海波"),
        enterprise_row(3, 法定代表人="陈雅琴"),
    )


def test_a_court_sync_remakes_the_profiles_that_show_its_firm_and_carries_the_others(
    tmp_path, engine
):
    _firms(engine, tmp_path / "gsxt")
    profiles = {n: f"/api/v1/enterprises/{credit_code(n)}" for n in (1, 2, 3)}
    page = f"/e/{credit_code(3)}"
    with TestClient(create_app(engine)) as client:
        before = {n: client.get(address) for n, address in profiles.items()}
        page_before = client.get(page)
        assert all(r.headers["x-cache"] == "miss" for r in (*before.values(), page_before))
        assert [i["credit_code"] for i in before[1].json()["related"]["items"]] == [credit_code(2)]

        # The court lists firm 2 as a dishonest debtor.
        _court(engine, tmp_path / "zxgk", 2)

        # Firm 3 shows neither firm 2 nor anyone related to it: its page and its profile are
        # the kept ones, under the new generation (a browser's old ETag no longer matches).
        # What the sync touched is read once, by the first of them.
        page_after = client.get(page)
        assert page_after.headers["x-cache"] == "carried"
        assert page_after.text == page_before.text
        three = client.get(profiles[3], headers={"if-none-match": before[3].headers["etag"]})
        assert three.status_code == 200 and three.headers["x-cache"] == "carried"
        assert three.content == before[3].content
        assert three.headers["etag"] != before[3].headers["etag"]
        assert client.get(profiles[3]).headers["x-cache"] == "hit"
        assert client.app.state.read_cache.carrier.windows_read == 1

        # Firm 2's profile shows its record; firm 1's shows it against its related firm 2.
        two = client.get(profiles[2])
        assert two.headers["x-cache"] == "miss"
        assert len(two.json()["enforcement"]["dishonest"]) == 1
        one = client.get(profiles[1])
        assert one.headers["x-cache"] == "miss"
        assert one.json()["related"]["items"][0]["records"]["dishonest"] == 1

        # A registry sync may link firms anew: every profile is made again.
        _registry(engine, tmp_path / "day2", enterprise_row(4, 法定代表人="陈雅琴"))
        three = client.get(profiles[3])
        assert three.headers["x-cache"] == "miss"
        assert [i["credit_code"] for i in three.json()["related"]["items"]] == [credit_code(4)]


def test_a_profile_carried_through_several_syncs_is_made_anew_by_the_one_that_names_it(
    tmp_path, engine
):
    _firms(engine, tmp_path / "gsxt")
    profile = f"/api/v1/enterprises/{credit_code(3)}"
    with TestClient(create_app(engine)) as client:
        first = client.get(profile)
        _court(engine, tmp_path / "zxgk-a", 1)
        _court(engine, tmp_path / "zxgk-b", 2)
        assert client.get(profile).headers["x-cache"] == "carried"
        _court(engine, tmp_path / "zxgk-c", 3)
        after = client.get(profile)
        assert after.headers["x-cache"] == "miss"
        assert after.content != first.content
        assert len(after.json()["enforcement"]["dishonest"]) == 1


def test_the_firms_a_record_named_before_a_correction_count_as_touched(tmp_path, engine, session):
    _firms(engine, tmp_path / "gsxt")
    _court(engine, tmp_path / "zxgk", 2)
    old = mark(session, PUBLIC_DATA)
    session.commit()
    # The record is found to be about firm 3, not firm 2: a new version, the old one kept.
    table = DishonestRecord.__table__
    with engine.begin() as conn:
        row = conn.execute(select(table)).one()
        write_versions(conn, table, [(row, {"linked_credit_code": credit_code(3)})])
    new = mark(session, PUBLIC_DATA)
    with engine.connect() as conn:
        assert touched(conn, old, new) == {credit_code(2), credit_code(3)}
        # Nothing between a generation and itself; a registry write cannot be told apart.
        assert touched(conn, new, new) == frozenset()
    session.commit()
    _registry(engine, tmp_path / "day2", enterprise_row(4, 法定代表人="吴丽"))
    with engine.connect() as conn:
        assert touched(conn, new, mark(session, PUBLIC_DATA)) is None


def alert(id_: int, n: int) -> dict:
    return dict(
        id=id_,
        rule_id="test.late",
        rule_version=1,
        kind="warning",
        severity="low",
        layout="registry.enterprise",
        source="test",
        source_record_id=f"late-{id_}",
        digest=f"{id_:032d}",
        credit_code=credit_code(n),
        message_zh="测试",
        message_en="test",
        evidence={},
    )


def test_an_alert_committed_late_with_a_lower_id_still_counts(tmp_path, engine, session):
    """On PostgreSQL an alert's id is taken before its transaction commits: one may appear
    below the newest id a generation was read with, and move no maximum."""
    from sqlalchemy import func, insert

    from xinyong.alerts.models import Alert

    _firms(engine, tmp_path / "gsxt")

    table = Alert.__table__
    with engine.begin() as conn:
        top = conn.execute(select(func.max(table.c.id))).scalar() or 0
        conn.execute(insert(table), [alert(top + 1000, 1)])  # committed first
    old = mark(session, PUBLIC_DATA)
    session.commit()
    with engine.begin() as conn:
        conn.execute(insert(table), [alert(top + 950, 3)])  # took its id earlier, commits now
    _court(engine, tmp_path / "zxgk", 2)
    with engine.connect() as conn:
        assert credit_code(3) in touched(conn, old, mark(session, PUBLIC_DATA))


def test_a_decision_committed_after_a_later_timed_one_still_moves_the_generation(
    tmp_path, engine, session
):
    """A decision's time is taken before it commits: two operators deciding at once may commit
    in the opposite order. The later commit, with the earlier time, must still move the
    generation, or profiles kept before it would show its alert as undecided."""
    from datetime import timedelta

    from sqlalchemy import func, insert, update

    from xinyong.alerts.models import Alert
    from xinyong.types import utcnow

    _firms(engine, tmp_path / "gsxt")
    table = Alert.__table__
    with engine.begin() as conn:
        top = conn.execute(select(func.max(table.c.id))).scalar() or 0
        conn.execute(insert(table), [alert(top + 1, 1), alert(top + 2, 3)])
    decided_first, decided_second = utcnow() - timedelta(seconds=1), utcnow()

    def decide(id_: int, at) -> None:
        with engine.begin() as conn:
            conn.execute(
                update(table)
                .where(table.c.id == id_)
                .values(status="dismissed", decided_by="审核员", decided_at=at)
            )

    decide(top + 2, decided_second)
    before = mark(session, PUBLIC_DATA)
    session.commit()
    decide(top + 1, decided_first)
    after = mark(session, PUBLIC_DATA)
    assert after.generation != before.generation
    with engine.connect() as conn:
        assert touched(conn, before, after) is None  # a decision: every answer made anew
