"""An operator's daily sync of file drops: recorded runs, unchanged files skipped, one sync at a time."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.support.registry_files import enterprise_row, write_enterprises
from xinyong.sources import lock
from xinyong.sources.config import SourceConfig, load_sources
from xinyong.sources.models import SyncRun
from xinyong.sources.scheduler import LOCK_NAME, SyncBusy, run_syncs


def _gsxt(folder) -> SourceConfig:
    return SourceConfig(
        name="gsxt", title_zh="登记", title_en="registry", transport="files", path=folder,
        layouts=["registry.enterprises"],
    )  # fmt: skip


def test_a_daily_file_sync_is_recorded_and_an_unchanged_file_is_skipped(tmp_path, engine, session):
    drop = tmp_path / "drop"
    write_enterprises(drop / "enterprises.csv", [enterprise_row(n) for n in range(1, 4)])
    [first] = run_syncs(engine, [_gsxt(drop)])
    assert first.ok and [r.counts.inserted for r in first.runs] == [3]

    [second] = run_syncs(engine, [_gsxt(drop)])
    assert [r.status for r in second.runs] == ["unchanged"]

    write_enterprises(drop / "enterprises.csv", [enterprise_row(n) for n in range(1, 5)])
    [third] = run_syncs(engine, [_gsxt(drop)])
    assert [(r.counts.inserted, r.counts.unchanged) for r in third.runs] == [(1, 3)]
    statuses = session.scalars(select(SyncRun.status).order_by(SyncRun.id)).all()
    assert statuses == ["succeeded", "unchanged", "succeeded"]


def test_a_missing_folder_is_a_failed_sync_with_a_clear_message(tmp_path, engine):
    [result] = run_syncs(engine, [_gsxt(tmp_path / "nowhere")])
    assert not result.ok and "nowhere" in result.error.message_zh


def test_only_one_process_syncs_at_a_time(tmp_path, engine):
    assert lock.acquire(engine, LOCK_NAME, "other-host:1", timedelta(minutes=5))
    with pytest.raises(SyncBusy):
        run_syncs(engine, [_gsxt(tmp_path)])
    lock.release(engine, LOCK_NAME, "other-host:1")
    # A crashed leader's lease expires and is taken over; a live one is not.
    assert lock.acquire(engine, LOCK_NAME, "crashed:2", timedelta(seconds=-1))
    assert lock.acquire(engine, LOCK_NAME, "me:3", timedelta(minutes=5))
    assert not lock.acquire(engine, LOCK_NAME, "late:4", timedelta(minutes=5))
    lock.release(engine, LOCK_NAME, "me:3")


def test_the_shipped_source_list_names_every_official_source():
    sources = load_sources()
    assert {"gsxt", "zxgk", "penalties"} <= set(sources)
    assert all(s.title_zh and s.title_en for s in sources.values())


def test_a_court_record_that_arrived_first_is_linked_once_the_registry_knows_the_company(
    tmp_path, engine, session
):
    from tests.support.judicial_files import dishonest_row, write_drop
    from tests.support.registry_files import credit_code
    from xinyong.enforcement.models import DishonestRecord
    from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST

    courts, registry = tmp_path / "zxgk", tmp_path / "gsxt"
    row = dishonest_row(1)
    row.pop("身份证号码/组织机构代码", None)  # the court published the name only
    row["被执行人姓名/名称"] = "连云港市海州区测试1商贸有限公司"
    write_drop(courts / "dishonest.csv", ENFORCEMENT_DISHONEST, [row])
    zxgk = SourceConfig(
        name="zxgk", title_zh="执行", title_en="courts", transport="files", path=courts
    )
    run_syncs(engine, [zxgk])
    assert session.scalars(select(DishonestRecord.link_status)).one() == "unlinked"

    write_enterprises(registry / "enterprises.csv", [enterprise_row(1)])
    run_syncs(engine, [_gsxt(registry)])
    session.expire_all()
    record = session.scalars(select(DishonestRecord)).one()
    assert (record.link_status, record.linked_credit_code) == ("name", credit_code(1))
