"""A first load of a large file builds indexes once at the end, and leaves none missing, even after a crash."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from tests.support.registry_files import enterprise_row, write_enterprises
from xinyong.registry.models import Enterprise
from xinyong.settings import get_settings
from xinyong.sources.config import SourceConfig
from xinyong.sources.models import SyncRun
from xinyong.sources.scheduler import run_syncs
from xinyong.sources.sync import sync_files


def _indexes(engine) -> set[str]:
    return {ix["name"] for ix in inspect(engine).get_indexes("enterprise")}


def test_a_bulk_load_ends_with_every_index_in_place(tmp_path, engine, monkeypatch):
    monkeypatch.setenv("XINYONG_BULK_LOAD_BYTES", "1")  # every file counts as large
    get_settings.cache_clear()
    before = _indexes(engine)
    assert "ix_enterprise_name" in before
    write_enterprises(
        tmp_path / "drop" / "enterprises.csv", [enterprise_row(n) for n in range(1, 50)]
    )
    cfg = SourceConfig(
        name="gsxt", title_zh="登记", title_en="registry", transport="files", path=tmp_path / "drop"
    )
    [result] = run_syncs(engine, [cfg])
    assert result.ok and result.runs[0].counts.inserted == 49
    assert _indexes(engine) == before
    get_settings.cache_clear()


def test_indexes_a_killed_bulk_load_left_dropped_are_rebuilt_by_the_next_run(tmp_path, engine):
    with engine.begin() as conn:  # what a bulk load killed mid-way leaves behind
        next(ix for ix in Enterprise.__table__.indexes if ix.name == "ix_enterprise_name").drop(
            conn
        )
    assert "ix_enterprise_name" not in _indexes(engine)
    write_enterprises(tmp_path / "drop" / "enterprises.csv", [enterprise_row(1)])
    cfg = SourceConfig(
        name="gsxt", title_zh="登记", title_en="registry", transport="files", path=tmp_path / "drop"
    )
    run_syncs(engine, [cfg])
    assert "ix_enterprise_name" in _indexes(engine)


def test_a_batch_that_fails_while_the_next_is_read_fails_the_run_and_a_rerun_completes(
    tmp_path, engine
):
    """Files are written by a background writer while the next batch is parsed: its failure
    still stops the run, keeps what was committed and leaves nothing a re-run cannot finish."""
    write_enterprises(
        tmp_path / "drop" / "enterprises.csv", [enterprise_row(n) for n in range(1, 4501)]
    )
    cfg = SourceConfig(
        name="gsxt", title_zh="登记", title_en="registry", transport="files", path=tmp_path / "drop"
    )
    batches: list[int] = []

    def disk_fills_on_the_second_batch(conn, changes):
        batches.append(len(changes))
        if len(batches) == 2:
            raise OSError("磁盘已满 / disk full")

    with pytest.raises(OSError, match="disk full"):
        sync_files(engine, cfg, disk_fills_on_the_second_batch, None)
    with engine.connect() as conn:
        landed = conn.execute(select(func.count()).select_from(Enterprise)).scalar_one()
        run = conn.execute(select(SyncRun.status, SyncRun.error, SyncRun.inserted)).one()
    assert landed == 2000  # the first batch, committed before the second failed
    assert run.status == "failed" and "disk full" in run.error and run.inserted == 2000

    [result] = run_syncs(engine, [cfg])
    counts = result.runs[0].counts
    assert result.ok and (counts.inserted, counts.unchanged) == (2500, 2000)
