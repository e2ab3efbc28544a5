"""A visitor's pages reuse what was computed since the last change and never outlive the data:
a second look at a search or a profile (or the API's answer for the same profile) is not
computed again, and a sync shows up on the very next page."""

from __future__ import annotations

from fastapi.testclient import TestClient

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.api.app import create_app
from xinyong.sources.config import get_source
from xinyong.sources.scheduler import run_syncs


def _load(engine, folder, *rows: dict) -> None:
    """A registry drop synced the way the scheduler and the CLI do (rules, search index)."""
    write_enterprises(folder / "enterprises.csv", list(rows))
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": folder})])


def test_search_pages_are_kept_until_a_sync_renames_the_enterprise(tmp_path, engine):
    _load(engine, tmp_path / "day1", enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as client:
        kept = client.app.state.read_cache
        first = client.get("/search", params={"q": "金鼎"})
        assert first.status_code == 200 and "</mark>商贸有限公司" in first.text
        # The page's search, its industry list and the front page's count: computed once.
        misses = kept.misses
        assert misses >= 2
        again = client.get("/search", params={"q": "金鼎"})
        assert again.text == first.text and kept.misses == misses
        suggestions = client.get("/search/suggest", params={"q": "金鼎"})
        assert "</mark>商贸有限公司" in suggestions.text and kept.misses == misses + 1
        client.get("/search/suggest", params={"q": "金鼎"})
        assert kept.misses == misses + 1

        home = client.get("/")
        assert kept.misses == misses + 2 and client.get("/").text == home.text

        _load(
            engine,
            tmp_path / "day2",
            enterprise_row(1, 企业名称="连云港市海州区金鼎国际贸易有限公司", 更新日期="2026-11-20"),
        )
        after = client.get("/search", params={"q": "金鼎"})
        assert "</mark>国际贸易有限公司" in after.text and "商贸有限公司" not in after.text
        assert "</mark>国际贸易有限公司" in client.get("/search/suggest", params={"q": "金鼎"}).text


def test_a_profile_page_and_the_api_share_one_computed_profile(tmp_path, engine):
    _load(engine, tmp_path, enterprise_row(2, 企业名称="连云港市海州区金鼎商贸有限公司"))
    code = credit_code(2)
    with TestClient(create_app(engine)) as client:
        page = client.get(f"/e/{code}")
        assert page.status_code == 200 and "金鼎商贸" in page.text
        api = client.get(f"/api/v1/enterprises/{code}")
        assert api.headers["x-cache"] == "hit"
        assert client.get(f"/e/{code}").text == page.text
    # What the page filed is byte for byte what the API computes itself.
    with TestClient(create_app(engine)) as fresh:
        computed = fresh.get(f"/api/v1/enterprises/{code}")
        assert computed.headers["x-cache"] == "miss" and computed.content == api.content


def test_an_unknown_code_is_not_kept_as_an_answer(tmp_path, engine):
    _load(engine, tmp_path / "day1", enterprise_row(3, 企业名称="连云港市海州区金鼎商贸有限公司"))
    code = credit_code(4)
    with TestClient(create_app(engine)) as client:
        assert client.get(f"/e/{code}").status_code == 404
        _load(
            engine, tmp_path / "day2", enterprise_row(4, 企业名称="连云港市海州区银河商贸有限公司")
        )
        found = client.get(f"/e/{code}")
        assert found.status_code == 200 and "银河商贸" in found.text
