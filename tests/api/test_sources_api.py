"""An operator checks how fresh every source is, and reads the reasons rows were rejected."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.settings import get_settings
from xinyong.sources.config import load_sources
from xinyong.sources.scheduler import run_syncs


@pytest.fixture
def sources_file(tmp_path, monkeypatch):
    drop = tmp_path / "drop"
    path = tmp_path / "sources.yaml"
    path.write_text(
        f"""
sources:
  gsxt:
    title_zh: 企业登记
    title_en: Registry
    transport: files
    path: {drop}
    layouts: [registry.enterprises]
  zxgk:
    title_zh: 执行信息
    title_en: Enforcement
    transport: files
    path: {tmp_path / "missing"}
""",
        encoding="utf-8",
    )
    monkeypatch.setenv("XINYONG_SOURCES_FILE", str(path))
    get_settings.cache_clear()
    yield drop
    get_settings.cache_clear()


def test_freshness_runs_and_rejects_per_source(sources_file, engine, client):
    bad = credit_code(2)[:-1] + "I"
    write_enterprises(
        sources_file / "enterprises.csv",
        [enterprise_row(1), enterprise_row(2, 统一社会信用代码=bad)],
    )
    run_syncs(engine, load_sources().values())

    gsxt, zxgk = client.get("/api/v1/sources").json()
    assert gsxt["fresh"] is True and gsxt["records"] == {"registry.enterprises": 1}
    assert gsxt["newest_as_of"] == "2026-11-01" and gsxt["rejects_last_run"] == 1
    assert zxgk["fresh"] is False and "missing" in zxgk["last_error"]

    run = gsxt["recent_runs"][0]
    [reject] = client.get(f"/api/v1/sources/runs/{run['id']}/rejects").json()
    assert reject["line"] == 3 and reject["field"] == "统一社会信用代码"

    page = client.get("/sources").text
    assert "数据新鲜" in page and "尚未同步" in page  # gsxt fresh, zxgk never succeeded
    # In words, not identifiers: what the data is, how the run went, when the next one comes.
    assert "企业登记基本信息" in page and ">成功</span>" in page and ">失败</span>" in page
    assert "registry.enterprises</td>" not in page and "succeeded" not in page
    next_run = datetime.fromisoformat(gsxt["next_run"]).astimezone(ZoneInfo("Asia/Shanghai"))
    assert f"下次更新 {next_run:%Y-%m-%d %H:%M}" in page and "方式：文件交换" in page
