"""A visitor's pages are kept whole until the data changes: a second look at a search or a profile
is not made again, a browser holding the page gets a 304, each language is its own page, and a
sync or a decision shows up on the very next view."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from fastapi.testclient import TestClient

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.alerts.service import decide, list_alerts, restore
from xinyong.api.app import create_app
from xinyong.sources.config import get_source
from xinyong.sources.scheduler import run_syncs


def _load(engine, folder, *rows: dict) -> None:
    """A registry drop synced the way the scheduler and the CLI do (rules, search index)."""
    write_enterprises(folder / "enterprises.csv", list(rows))
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": folder})])


def test_a_search_page_is_kept_until_a_sync_renames_the_enterprise(tmp_path, engine):
    _load(engine, tmp_path / "day1", enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as client:
        first = client.get("/search", params={"q": "金鼎"})
        assert first.status_code == 200 and "</mark>商贸有限公司" in first.text
        assert first.headers["x-cache"] == "miss"
        again = client.get("/search", params={"q": "金鼎"})
        assert again.headers["x-cache"] == "hit" and again.text == first.text
        assert again.headers["content-type"] == "text/html; charset=utf-8"

        held = client.get(
            "/search", params={"q": "金鼎"}, headers={"if-none-match": first.headers["etag"]}
        )
        assert held.status_code == 304 and held.content == b""

        suggestions = client.get("/search/suggest", params={"q": "金鼎"})
        assert "</mark>商贸有限公司" in suggestions.text
        assert client.get("/search/suggest", params={"q": "金鼎"}).headers["x-cache"] == "hit"

        _load(
            engine,
            tmp_path / "day2",
            enterprise_row(1, 企业名称="连云港市海州区金鼎国际贸易有限公司", 更新日期="2026-11-20"),
        )
        after = client.get(
            "/search", params={"q": "金鼎"}, headers={"if-none-match": first.headers["etag"]}
        )
        assert after.status_code == 200 and after.headers["x-cache"] == "miss"
        assert "</mark>国际贸易有限公司" in after.text and "商贸有限公司" not in after.text
        assert "</mark>国际贸易有限公司" in client.get("/search/suggest", params={"q": "金鼎"}).text


def test_each_language_is_a_page_of_its_own(tmp_path, engine):
    _load(engine, tmp_path, enterprise_row(2, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as client:
        chinese = client.get("/search", params={"q": "金鼎"})
        assert '<html lang="zh-CN">' in chinese.text
        client.cookies.set("lang", "en")
        english = client.get("/search", params={"q": "金鼎"})
        assert english.headers["x-cache"] == "miss" and '<html lang="en">' in english.text
        assert client.get("/search", params={"q": "金鼎"}).text == english.text
        client.cookies.clear()
        chinese_again = client.get("/search", params={"q": "金鼎"})
        assert chinese_again.headers["x-cache"] == "hit" and chinese_again.text == chinese.text


def test_a_profile_page_follows_an_alert_decision_without_a_sync(tmp_path, engine, session):
    _load(engine, tmp_path, enterprise_row(3, 企业名称="连云港市海州区速达讨债服务有限公司"))
    page = f"/e/{credit_code(3)}"
    with TestClient(create_app(engine)) as client:
        flagged = client.get(page)
        assert flagged.status_code == 200 and client.get(page).headers["x-cache"] == "hit"
        alerts = list_alerts(session, credit_code=credit_code(3))
        assert alerts and all(a.message_zh in flagged.text for a in alerts)
        for alert in alerts:
            decide(session, alert.id, "dismissed", "审核员李娜", "误报")
        session.commit()
        after = client.get(page)
        assert after.headers["x-cache"] == "miss"
        assert not any(a.message_zh in after.text for a in alerts)
        assert client.get(page).headers["x-cache"] == "hit"
        # A restored flag moves the generation as a dismissal does: the page shows it again.
        restore(session, alerts[0].id, "审核员李娜", "驳回有误")
        session.commit()
        back = client.get(page)
        assert back.headers["x-cache"] == "miss" and alerts[0].message_zh in back.text


def test_an_unknown_code_is_not_kept_as_a_page(tmp_path, engine):
    _load(engine, tmp_path / "day1", enterprise_row(4, 企业名称="连云港市海州区金鼎商贸有限公司"))
    page = f"/e/{credit_code(5)}"
    with TestClient(create_app(engine)) as client:
        missing = client.get(page)
        assert missing.status_code == 404 and "x-cache" not in missing.headers
        assert client.get(page).status_code == 404
        _load(
            engine,
            tmp_path / "day2",
            enterprise_row(5, 企业名称="连云港市海州区银河商贸有限公司"),
        )
        found = client.get(page)
        assert found.status_code == 200 and "银河商贸" in found.text


def test_a_page_many_visitors_open_at_once_is_made_once(tmp_path, engine):
    # The morning's news names a company: everyone searches for it in the same second.
    _load(engine, tmp_path, enterprise_row(6, 企业名称="连云港市海州区金鼎商贸有限公司"))
    pages = (f"/e/{credit_code(6)}", "/search?q=金鼎", "/agencies", "/fees?debt=80000")
    with TestClient(create_app(engine)) as client:
        for page in pages:
            start = threading.Barrier(8)

            def visit(page=page, start=start):
                start.wait()
                return client.get(page)

            with ThreadPoolExecutor(8) as visitors:
                views = list(visitors.map(lambda _: visit(), range(8)))
            assert all(v.status_code == 200 for v in views), page
            assert len({v.text for v in views}) == 1, page
            # One visitor's request made the page; the others got it, as made or as kept.
            states = sorted(v.headers["x-cache"] for v in views)
            assert states.count("miss") == 1, (page, states)
            assert set(states) <= {"miss", "shared", "hit"}, page
