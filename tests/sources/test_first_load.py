"""A first load into an empty table skips the look-ups of existing rows, yet a record the same
file repeats later still lands once, as an update with its history, and the change rules and
search index see exactly the changes they watch."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.alerts.models import Alert
from xinyong.registry.models import Enterprise
from xinyong.search.index import index_hook
from xinyong.sources.config import SourceConfig
from xinyong.sources.ingest import wants_changes
from xinyong.sources.provenance import RecordHistory
from xinyong.sources.scheduler import change_hook, run_syncs


def _gsxt(folder) -> SourceConfig:
    return SourceConfig(
        name="gsxt", title_zh="登记", title_en="registry", transport="files", path=folder
    )


def test_a_record_repeated_in_a_later_batch_of_a_first_load_is_updated_not_duplicated(
    tmp_path, engine
):
    rows = [enterprise_row(n) for n in range(1, 2501)]
    # The registry corrects firm 3 further down the same file: past the first batch of 2,000.
    rows.append(enterprise_row(3, 登记状态="吊销", 更新日期="2026-11-02"))
    write_enterprises(tmp_path / "drop" / "enterprises.csv", rows)

    [result] = run_syncs(engine, [_gsxt(tmp_path / "drop")])

    counts = result.runs[0].counts
    assert result.ok and (counts.inserted, counts.updated, counts.rejected) == (2500, 1, 0)
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(Enterprise)).scalar_one() == 2500
        status = conn.execute(
            select(Enterprise.status).where(Enterprise.credit_code == credit_code(3))
        ).scalar_one()
        kept = conn.execute(select(func.count()).select_from(RecordHistory)).scalar_one()
    assert status == "吊销"
    assert kept == 1  # what was believed before the correction is history, not lost

    # The next day's file holds the corrected record once: the careful path (rows exist
    # now) finds nothing new.
    write_enterprises(tmp_path / "drop" / "enterprises.csv", rows[:2] + rows[3:])
    [again] = run_syncs(engine, [_gsxt(tmp_path / "drop")])
    counts = again.runs[0].counts
    assert (counts.inserted, counts.updated, counts.unchanged) == (0, 0, 2500)


def test_hooks_receive_the_changes_of_the_layouts_they_watch_only():
    hook = change_hook()
    # The index is built in one pass after a first load, then kept by the hook.
    assert not wants_changes(index_hook, "registry.enterprises", True)
    assert wants_changes(index_hook, "registry.enterprises", False)
    assert not wants_changes(index_hook, "enforcement.debtors", False)
    # A new 失信 record raises a warning even on a first load; 被执行人 feeds no shipped rule.
    assert wants_changes(hook, "enforcement.dishonest", True)
    assert not wants_changes(hook, "enforcement.debtors", True)
    # A hook that does not say what it watches gets everything.
    assert wants_changes(lambda conn, changes: None, "enforcement.debtors", True)


def test_a_first_load_still_raises_the_alerts_its_rules_ask_for(tmp_path, engine):
    rows = [enterprise_row(n) for n in range(1, 5)]
    rows.append(
        enterprise_row(
            9,
            企业名称="连云港市某某讨债服务有限公司",
            经营范围="讨债、追债服务",
        )
    )
    write_enterprises(tmp_path / "drop" / "enterprises.csv", rows)
    [result] = run_syncs(engine, [_gsxt(tmp_path / "drop")])
    assert result.ok
    with engine.connect() as conn:
        alerted = conn.execute(select(Alert.credit_code)).scalars().all()
    assert credit_code(9) in alerted


def test_postgresql_has_the_statistics_of_a_first_load_before_the_first_reader(tmp_path, engine):
    """Right after a first load the planner knows the table's size, not the empty table's, and
    its pages are marked all-visible (a VACUUM (ANALYZE) at the load's end): the first searches
    and profiles do not wait for autovacuum, and counts an index holds are read from it alone."""
    import pytest
    from sqlalchemy import text

    if engine.dialect.name != "postgresql":
        pytest.skip("statistics are PostgreSQL's; SQLite plans without them")
    write_enterprises(
        tmp_path / "drop" / "enterprises.csv", [enterprise_row(n) for n in range(1, 301)]
    )
    [result] = run_syncs(engine, [_gsxt(tmp_path / "drop")])
    assert result.ok
    with engine.connect() as conn:
        rows, visible = conn.execute(
            text("SELECT reltuples, relallvisible FROM pg_class WHERE oid = 'enterprise'::regclass")
        ).one()
    assert rows == 300 and visible > 0
