"""The daily sync brings a 失信被执行人 record and a revocation for violent collection; the list rules
propose both for operators, once, with the records they rest on."""

from __future__ import annotations

from datetime import date

from sqlalchemy import event, select

from tests.alerts.drive import VIOLENT, collector, revoked, sync_enterprises
from tests.lists.story import OPERATOR, at, proposal
from tests.support.judicial_files import dishonest_row, register_enterprises, write_drop
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.alerts.rules import load_rules as load_alert_rules
from xinyong.db import make_engine, one_writer, session_factory
from xinyong.enforcement.importer import import_file
from xinyong.enforcement.models import DishonestRecord
from xinyong.lists import lookups, proposals, service
from xinyong.lists.proposals import follow_ended_records, propose_from_events
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST
from xinyong.sources.lifecycle import close_records


def test_a_new_dishonest_debtor_record_is_proposed_once_and_aggravated_when_violent(
    tmp_path, engine, session
):
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(1), enterprise_row(2)])
    rows = [
        dishonest_row(1),
        dishonest_row(2, **{"失信被执行人行为具体情形": "以暴力、威胁方法妨碍、抗拒执行"}),
    ]
    import_file(
        engine,
        write_drop(tmp_path / "zxgk.csv", ENFORCEMENT_DISHONEST, rows),
        ENFORCEMENT_DISHONEST.name,
    )

    created = propose_from_events(session, at(2026, 11, 21))
    session.commit()
    assert len(created) == 2
    plain, violent = (service.get_entry(session, i) for i in created)
    assert (plain.state, plain.origin, plain.rule_id) == (
        "proposed",
        "rule",
        "dishonest-debtor-record",
    )
    assert (plain.list_type, plain.publicity_class, plain.aggravated) == (
        "black",
        "dishonest_debtor",
        False,
    )
    assert plain.credit_code == credit_code(1)
    # Counted from the court's publication (2026-06-15): two years; aggravated: at least three.
    assert (plain.decision_date, plain.publicity_end) == (date(2026, 6, 15), date(2028, 6, 15))
    assert violent.aggravated and violent.publicity_end == date(2029, 6, 15)
    assert plain.authority == "连云港市海州区人民法院"
    assert "（2026）苏0706执1号" in plain.reason_zh and "最高人民法院" in plain.legal_basis_zh
    assert plain.source_records[0]["layout"] == "enforcement.dishonest"

    assert propose_from_events(session, at(2026, 11, 22)) == []  # the same facts: nothing new


def test_a_collector_revoked_for_violent_collection_is_proposed_as_serious(
    tmp_path, engine, session
):
    rules = load_alert_rules()
    row = collector(5, "连云港市海州区鑫诚商务信息咨询有限公司")
    sync_enterprises(engine, tmp_path / "day1", [row], rules)
    sync_enterprises(engine, tmp_path / "day2", [revoked(row, VIOLENT)], rules)

    [entry_id] = propose_from_events(session, at(2026, 11, 21))
    entry = service.get_entry(session, entry_id)
    assert (entry.rule_id, entry.publicity_class, entry.credit_code) == (
        "revoked-violent-collection",
        "serious",
        credit_code(5),
    )
    assert entry.decision_date == date(2026, 11, 20) and entry.publicity_end == date(2029, 11, 20)
    assert VIOLENT in entry.reason_zh and "讨债公司" in entry.legal_basis_zh
    assert entry.authority == "连云港市海州区市场监督管理局"
    assert (
        lookups.public_entries(session, "black", at(2026, 11, 21)) == []
    )  # proposed is not published


def test_when_the_court_removes_the_record_the_published_entry_ends_with_it(
    tmp_path, engine, session
):
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(1)])
    drop = write_drop(tmp_path / "zxgk.csv", ENFORCEMENT_DISHONEST, [dishonest_row(1)])
    import_file(engine, drop, ENFORCEMENT_DISHONEST.name)
    [entry_id] = propose_from_events(session, at(2026, 11, 21))
    service.approve(session, entry_id, "审核员李娜", None, at(2026, 11, 23))
    service.publish(session, entry_id, "审核员李娜", at(2026, 11, 30))
    session.commit()
    assert lookups.is_black_listed(session, credit_code(1), at(2026, 12, 1))

    record = session.scalar(select(DishonestRecord))
    close_records(
        session,
        DishonestRecord,
        record.source,
        [record.source_record_id],
        date(2026, 12, 2),
        "已履行完毕",
    )
    assert follow_ended_records(session, at(2026, 12, 3)) == [entry_id]
    session.commit()
    assert service.get_entry(session, entry_id).state == "revoked"
    assert "已履行完毕" in lookups.history(session, entry_id)[-1].reason
    assert not lookups.is_black_listed(session, credit_code(1), at(2026, 12, 3))
    assert follow_ended_records(session, at(2026, 12, 4)) == []
    # A record that ended is not proposed again.
    assert propose_from_events(session, at(2026, 12, 4)) == []


def test_an_old_record_whose_period_is_over_is_not_proposed(tmp_path, engine, session):
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(1)])
    old = dishonest_row(1, **{"发布时间": "2023年06月15日"})
    import_file(
        engine,
        write_drop(tmp_path / "zxgk.csv", ENFORCEMENT_DISHONEST, [old]),
        ENFORCEMENT_DISHONEST.name,
    )
    assert propose_from_events(session, at(2026, 11, 21)) == []


def test_the_hourly_pass_reads_only_facts_it_may_still_propose(tmp_path, engine, session):
    """The rules run every hour inside a server process: facts already proposed, and facts
    decided too long ago for any period to run, are left in the database, not loaded."""
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(1), enterprise_row(2)])
    rows = [dishonest_row(1), dishonest_row(2, **{"发布时间": "2023年06月15日"})]
    import_file(
        engine,
        write_drop(tmp_path / "zxgk.csv", ENFORCEMENT_DISHONEST, rows),
        ENFORCEMENT_DISHONEST.name,
    )
    loaded: list[str] = []

    def count(record, _context) -> None:
        loaded.append(record.source_record_id)

    event.listen(DishonestRecord, "load", count)
    try:
        assert len(propose_from_events(session, at(2026, 11, 21))) == 1
        session.commit()
        assert len(loaded) == 1  # the 2023 record's two years are over: not read
        session.expunge_all()
        assert propose_from_events(session, at(2026, 11, 21, 11)) == []
        assert len(loaded) == 1  # the proposed one is not read again either
    finally:
        event.remove(DishonestRecord, "load", count)


def five_dishonest_debtors(tmp_path, engine) -> None:
    """Five registered firms, each with an open 失信 record from the daily court sync."""
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(i) for i in range(1, 6)])
    import_file(
        engine,
        write_drop(
            tmp_path / "zxgk.csv", ENFORCEMENT_DISHONEST, [dishonest_row(i) for i in range(1, 6)]
        ),
        ENFORCEMENT_DISHONEST.name,
    )


def test_a_pass_over_more_facts_than_one_round_proposes_each_once(
    tmp_path, engine, session, monkeypatch
):
    monkeypatch.setattr(proposals, "_CHUNK", 2)
    five_dishonest_debtors(tmp_path, engine)
    created = propose_from_events(session, at(2026, 11, 21))
    session.commit()
    codes = sorted(service.get_entry(session, i).credit_code for i in created)
    assert codes == [credit_code(i) for i in range(1, 6)]
    assert propose_from_events(session, at(2026, 11, 22)) == []


def test_an_operators_proposal_is_saved_while_the_hourly_pass_proposes(
    tmp_path, engine, database_url, monkeypatch
):
    """The hourly pass once proposed 15,721 entries in one transaction on the benchmark's data,
    and every other write of the site failed meanwhile ("database is locked"). It now writes
    in shares, each committed in the write turn: between two shares, someone else's write
    goes through at once, and the pass carries on to the end."""
    monkeypatch.setattr(proposals, "_CHUNK", 2)
    monkeypatch.setattr(proposals, "_PER_TURN", 1)
    five_dishonest_debtors(tmp_path, engine)
    # The operator works in another connection pool, as another process of the server would,
    # and gives up on a locked file after half a second instead of thirty.
    other = make_engine(database_url)
    if other.dialect.name == "sqlite":

        @event.listens_for(other, "connect")
        def _impatient(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA busy_timeout=500")

    saved: list[int] = []

    def operator_proposes(record, _context) -> None:
        if saved:  # once, when the pass reads its second round of facts
            return
        with session_factory(other)() as s, one_writer(s):
            entry = service.propose(s, proposal(9), OPERATOR, at(2026, 11, 21))
            s.commit()
            saved.append(entry.id)

    loaded = 0

    def count(record, context) -> None:
        nonlocal loaded
        loaded += 1
        if loaded == 3:  # the first fact of the second round: the first round is written
            operator_proposes(record, context)

    event.listen(DishonestRecord, "load", count)
    try:
        proposed, ended = proposals.run_rules(engine, at(2026, 11, 21))
    finally:
        event.remove(DishonestRecord, "load", count)
        other.dispose()
    assert len(saved) == 1 and len(proposed) == 5 and ended == []
    with session_factory(engine)() as s:
        assert service.get_entry(s, saved[0]).created_by == OPERATOR
        assert len({service.get_entry(s, i).credit_code for i in proposed}) == 5
