"""A creditor opens an agency's profile and sees its court and penalty records next to its registration."""

from tests.support.judicial_files import (
    dishonest_row,
    penalty_row,
    person_dishonest_row,
    write_drop,
)
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.sources.config import SourceConfig
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST, PENALTY_DECISIONS
from xinyong.sources.scheduler import run_syncs


def _load(tmp_path, engine):
    drop = tmp_path / "drop"
    write_enterprises(drop / "enterprises.csv", [enterprise_row(1), enterprise_row(2)])
    write_drop(
        drop / "dishonest.csv", ENFORCEMENT_DISHONEST, [dishonest_row(1), person_dishonest_row(9)]
    )
    write_drop(drop / "penalties.csv", PENALTY_DECISIONS, [penalty_row(1)])
    cfg = SourceConfig(name="all", title_zh="全部", title_en="all", transport="files", path=drop)
    [result] = run_syncs(engine, [cfg])
    assert result.ok


def test_the_profile_lists_dishonesty_and_penalties_with_their_sources(tmp_path, engine, client):
    _load(tmp_path, engine)
    body = client.get(f"/api/v1/enterprises/{credit_code(1)}").json()
    [dishonest] = body["enforcement"]["dishonest"]
    assert dishonest["current"] is True and dishonest["provenance"]["source"] == "all"
    [penalty] = body["penalties"]
    assert (
        penalty["fine_yuan"] == "2000.00" and penalty["decision_number"] == "连海市监罚〔2026〕1号"
    )

    clean = client.get(f"/api/v1/enterprises/{credit_code(2)}").json()
    assert clean["enforcement"]["dishonest"] == [] and clean["penalties"] == []

    page = client.get(f"/e/{credit_code(1)}").text
    assert "在列 listed" in page and "连海市监罚〔2026〕1号" in page
    assert (
        "张三明" not in page
    )  # a person's record is never shown on a company's page, nor unmasked


def test_a_profile_as_known_on_a_date_leaves_out_todays_court_records(tmp_path, engine, client):
    _load(tmp_path, engine)
    body = client.get(
        f"/api/v1/enterprises/{credit_code(1)}", params={"as_known_on": "2099-01-01"}
    ).json()
    assert body["enforcement"] is None and body["penalties"] is None


def test_the_profile_shows_when_its_record_was_fetched_in_beijing_time(tmp_path, engine, client):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    _load(tmp_path, engine)
    fetched = client.get(f"/api/v1/enterprises/{credit_code(1)}").json()["enterprise"][
        "provenance"
    ]["fetched_at"]
    beijing = datetime.fromisoformat(fetched).astimezone(ZoneInfo("Asia/Shanghai"))
    page = client.get(f"/e/{credit_code(1)}").text
    assert f"获取于 {beijing:%Y-%m-%d %H:%M}" in page and "UTC" not in page
