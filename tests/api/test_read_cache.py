"""Public reads are cached and revalidated, and never outlive the data: a visitor searching twice
gets the kept answer, a browser holding it gets a 304, and a sync, an alert decision or a list
decision shows up in the very next answer."""

from __future__ import annotations

import time

import pytest
from fastapi.testclient import TestClient

from tests.support.judicial_files import dishonest_row, write_drop
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.alerts.service import decide, list_alerts
from xinyong.api.app import create_app
from xinyong.rating.service import recompute_all, recompute_changed
from xinyong.sources.config import get_source
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST
from xinyong.sources.scheduler import run_syncs

SEARCH = "/api/v1/enterprises?q=金鼎"


def _load(engine, folder, *rows: dict) -> None:
    """A registry drop synced the way the scheduler and the CLI do (rules, search index)."""
    write_enterprises(folder / "enterprises.csv", list(rows))
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": folder})])


def test_a_repeated_search_is_served_from_the_cache_until_a_sync_changes_the_record(
    tmp_path, engine
):
    _load(engine, tmp_path / "day1", enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as client:
        first = client.get(SEARCH)
        assert first.status_code == 200 and first.headers["x-cache"] == "miss"
        assert first.headers["cache-control"] == "public, no-cache"
        again = client.get("/api/v1/enterprises?q=金鼎")
        assert again.headers["x-cache"] == "hit" and again.content == first.content
        # The same question with its parameters in another order is the same entry.
        assert client.get(SEARCH + "&size=20&page=1").headers["x-cache"] == "miss"
        assert client.get(SEARCH + "&page=1&size=20").headers["x-cache"] == "hit"

        etag = first.headers["etag"]
        held = client.get(SEARCH, headers={"if-none-match": etag})
        assert held.status_code == 304 and held.content == b""
        assert client.get(SEARCH, headers={"if-none-match": 'W/"0-other"'}).status_code == 200

        # The registry renames the enterprise; the sync moves the generation.
        _load(
            engine,
            tmp_path / "day2",
            enterprise_row(1, 企业名称="连云港市海州区金鼎国际贸易有限公司", 更新日期="2026-11-20"),
        )
        after = client.get(SEARCH, headers={"if-none-match": etag})
        assert after.status_code == 200 and after.headers["x-cache"] == "miss"
        assert after.headers["etag"] != etag
        assert [i["name"] for i in after.json()["items"]] == ["连云港市海州区金鼎国际贸易有限公司"]


def test_a_profile_answer_follows_an_alert_decision_without_a_sync(tmp_path, engine, session):
    _load(engine, tmp_path, enterprise_row(2, 企业名称="连云港市海州区速达讨债服务有限公司"))
    profile = f"/api/v1/enterprises/{credit_code(2)}"
    with TestClient(create_app(engine)) as client:
        flags = client.get(profile).json()["lists"]["platform_risk_flags"]
        assert [f["rule_id"] for f in flags] and client.get(profile).headers["x-cache"] == "hit"
        for alert in list_alerts(session, credit_code=credit_code(2)):
            decide(session, alert.id, "dismissed", "审核员李娜", "误报")
        session.commit()
        after = client.get(profile)
        assert after.headers["x-cache"] == "miss"
        assert after.json()["lists"]["platform_risk_flags"] == []


def test_a_profile_answer_follows_the_rating_pass_that_regrades_after_a_sync(tmp_path, engine):
    _load(engine, tmp_path / "gsxt", enterprise_row(3, 企业名称="连云港市海州区金鼎商贸有限公司"))
    recompute_all(engine)  # last night's pass
    profile = f"/api/v1/enterprises/{credit_code(3)}"
    with TestClient(create_app(engine)) as client:
        assert client.get(profile).json()["rating"]["grade"] == "AAA"

        # The court lists the firm as a dishonest debtor; the sync shows the record at once,
        # and the grade is the one the last rating pass gave.
        write_drop(tmp_path / "zxgk" / "dishonest.csv", ENFORCEMENT_DISHONEST, [dishonest_row(3)])
        run_syncs(engine, [get_source("zxgk").model_copy(update={"path": tmp_path / "zxgk"})])
        synced = client.get(profile)
        assert synced.headers["x-cache"] == "miss"
        assert synced.json()["rating"]["grade"] == "AAA"
        assert client.get(profile).headers["x-cache"] == "hit"

        # The 15-minute pass re-grades it: the next answer carries the new grade, not the kept one.
        assert recompute_changed(engine).changed == 1
        regraded = client.get(profile)
        assert regraded.headers["x-cache"] == "miss"
        assert regraded.json()["rating"]["grade"] != "AAA"


def test_a_profile_answer_follows_a_rating_pass_that_changes_the_grades_details_only(
    tmp_path, engine
):
    _load(engine, tmp_path / "day1", enterprise_row(5, 更新日期="2026-11-01"))
    recompute_all(engine)
    profile = f"/api/v1/enterprises/{credit_code(5)}"
    with TestClient(create_app(engine)) as client:
        # The registry sends the firm again, as of a later day: the profile shows the new
        # registration at once, beside the grade the last pass gave, read as of before.
        _load(
            engine,
            tmp_path / "day2",
            enterprise_row(5, 更新日期="2026-11-20", 住所="江苏省连云港市海州区通灌路9号"),
        )
        synced = client.get(profile).json()
        assert synced["rating"]["as_of"] == "2026-11-01"
        assert client.get(profile).headers["x-cache"] == "hit"

        # The pass reads it again: the same grade, now as of the new day. A kept answer must
        # not go on showing the old one.
        assert recompute_changed(engine).history == 0
        again = client.get(profile)
        assert again.headers["x-cache"] == "miss"
        assert again.json()["rating"]["grade"] == synced["rating"]["grade"]
        assert again.json()["rating"]["as_of"] == "2026-11-20"


def test_a_court_sync_keeps_the_searches_and_moves_the_profile_of_the_firm_it_names(
    tmp_path, engine
):
    _load(engine, tmp_path / "gsxt", enterprise_row(3, 企业名称="连云港市海州区金鼎商贸有限公司"))
    profile = f"/api/v1/enterprises/{credit_code(3)}"
    kept = [SEARCH, "/search/suggest?q=金鼎", "/"]
    with TestClient(create_app(engine)) as client:
        before = {address: client.get(address) for address in kept}
        assert all(r.status_code == 200 for r in before.values())
        assert client.get(profile).json()["enforcement"]["dishonest"] == []
        assert "失信被执行人 1" not in client.get("/search?q=金鼎").text

        # The day's court records arrive: nothing the search answers, the suggestions or the
        # front page show has changed, so they are still the kept answers...
        write_drop(tmp_path / "zxgk" / "dishonest.csv", ENFORCEMENT_DISHONEST, [dishonest_row(3)])
        run_syncs(engine, [get_source("zxgk").model_copy(update={"path": tmp_path / "zxgk"})])
        for address, first in before.items():
            again = client.get(address, headers={"if-none-match": first.headers["etag"]})
            assert again.status_code == 304, address
            assert client.get(address).headers["x-cache"] == "hit", address
        # ...while the firm's profile shows the new record at once, and so does its result on
        # the search page, which marks each result's records (web/pages.search_page).
        after = client.get(profile)
        assert after.headers["x-cache"] == "miss"
        assert len(after.json()["enforcement"]["dishonest"]) == 1
        assert "失信被执行人 1" in client.get("/search?q=金鼎").text

        # A registry sync that renames the firm moves the searches again.
        _load(
            engine,
            tmp_path / "day2",
            enterprise_row(3, 企业名称="连云港市海州区金鼎国际贸易有限公司", 更新日期="2026-11-20"),
        )
        renamed = client.get(SEARCH)
        assert renamed.headers["x-cache"] == "miss"
        assert [i["name"] for i in renamed.json()["items"]] == [
            "连云港市海州区金鼎国际贸易有限公司"
        ]
        assert "</mark>国际贸易有限公司" in client.get("/search?q=金鼎").text


def test_a_firm_joining_the_agency_directory_shows_in_the_directory_search_at_once(
    tmp_path, engine
):
    from tests.agencies.conftest import sources
    from xinyong.demo import generate

    manifest = generate(tmp_path, enterprises=200, seed=7)
    registry, directory = sources(tmp_path)
    run_syncs(engine, [registry])
    agency = manifest["sector"][0]
    # Asked by the name the registry holds, among the directory's agencies only.
    address = f"/api/v1/enterprises?q={agency['name']}&agencies=true"
    with TestClient(create_app(engine)) as client:
        assert client.get(address).json()["total"] == 0
        assert client.get(address).headers["x-cache"] == "hit"
        run_syncs(engine, [directory])
        joined = client.get(address)
        assert joined.headers["x-cache"] == "miss"
        assert agency["credit_code"] in [i["credit_code"] for i in joined.json()["items"]]


def test_callers_with_credentials_get_private_answers_and_errors_are_never_kept(tmp_path, engine):
    _load(engine, tmp_path, enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as client:
        keyed = client.get(SEARCH, headers={"authorization": "Bearer session-token"})
        assert keyed.status_code == 200 and keyed.headers["cache-control"] == "private, no-cache"
        missing = f"/api/v1/enterprises/{credit_code(9)}"
        assert client.get(missing).status_code == 404
        assert client.get(missing).status_code == 404  # computed again, not served from a cache
        assert client.get("/api/v1/enterprises?q=").status_code == 422


def test_the_answer_cache_can_be_turned_off(tmp_path, engine, monkeypatch):
    from xinyong.settings import get_settings

    monkeypatch.setenv("XINYONG_CACHE_MB", "0")
    get_settings.cache_clear()
    try:
        _load(engine, tmp_path, enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
        with TestClient(create_app(engine)) as client:
            states = [client.get(SEARCH).headers["x-cache"] for _ in range(2)]
            assert states == ["miss", "miss"]
            # Validators stay: a client holding the answer still gets a 304.
            etag = client.get(SEARCH).headers["etag"]
            assert client.get(SEARCH, headers={"if-none-match": etag}).status_code == 304
    finally:
        monkeypatch.delenv("XINYONG_CACHE_MB")
        get_settings.cache_clear()


def test_public_reads_go_to_the_read_replica_when_one_is_configured(tmp_path, monkeypatch):
    """A replica URL takes the public reads; everything else stays on the primary."""
    from xinyong.db import make_engine, upgrade
    from xinyong.settings import get_settings

    primary_url = f"sqlite:///{tmp_path / 'primary.db'}"
    replica_url = f"sqlite:///{tmp_path / 'replica.db'}"
    upgrade(primary_url)
    upgrade(replica_url)
    replica, primary = make_engine(replica_url), make_engine(primary_url)
    # The two disagree on the enterprise's name, and only the "replica" holds a second one:
    # whatever finds 金鼎 or the second enterprise read the replica.
    _load(primary, tmp_path / "old", enterprise_row(1, 企业名称="连云港市海州区银河商贸有限公司"))
    _load(
        replica,
        tmp_path / "new",
        enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"),
        enterprise_row(2, 企业名称="连云港市连云区海港物流有限公司"),
    )
    monkeypatch.setenv("XINYONG_READ_DATABASE_URL", replica_url)
    get_settings.cache_clear()
    try:
        with TestClient(create_app(primary)) as client:
            assert client.get(SEARCH).json()["total"] == 1
            profile = client.get(f"/api/v1/enterprises/{credit_code(1)}")
            assert profile.json()["enterprise"]["name"] == "连云港市海州区金鼎商贸有限公司"
            # Related enterprises are not a cached public read: they stay on the primary.
            assert client.get(f"/api/v1/enterprises/{credit_code(2)}/related").status_code == 404
    finally:
        monkeypatch.delenv("XINYONG_READ_DATABASE_URL")
        get_settings.cache_clear()
        primary.dispose()
        replica.dispose()


@pytest.fixture
def shared_cache(tmp_path, monkeypatch):
    """`serve --workers N` without Redis: the apps made in the test share a disk cache."""
    from xinyong.settings import get_settings

    monkeypatch.setenv("XINYONG_SHARED_CACHE_DIR", str(tmp_path / "shared"))
    get_settings.cache_clear()
    yield tmp_path / "shared"
    monkeypatch.delenv("XINYONG_SHARED_CACHE_DIR")
    get_settings.cache_clear()


def _stored_for_the_others(worker: TestClient) -> None:
    """What this worker handed its cache writer is in the shared file (it writes in the
    background, so that no request waits for the file's lock)."""
    worker.app.state.read_cache.store.far.written()


def test_the_processes_of_one_machine_share_answers_through_the_disk_cache(
    tmp_path, engine, shared_cache
):
    """`serve --workers 2` without Redis: what one worker computed, the other serves; a sync
    replaces it for both."""
    _load(engine, tmp_path / "day1", enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as one, TestClient(create_app(engine)) as two:
        first = one.get(SEARCH)
        assert first.headers["x-cache"] == "miss"
        _stored_for_the_others(one)
        other = two.get(SEARCH)
        assert other.headers["x-cache"] == "hit" and other.content == first.content

        _load(
            engine,
            tmp_path / "day2",
            enterprise_row(1, 企业名称="连云港市海州区金鼎国际贸易有限公司", 更新日期="2026-11-20"),
        )
        assert two.get(SEARCH).headers["x-cache"] == "miss"
        _stored_for_the_others(two)
        after = one.get(SEARCH)
        assert after.headers["x-cache"] == "hit"
        assert [i["name"] for i in after.json()["items"]] == ["连云港市海州区金鼎国际贸易有限公司"]


def test_the_next_release_serves_no_answer_or_etag_the_last_one_left(
    tmp_path, engine, shared_cache
):
    """Redis and the disk cache outlive a deploy, and so do browsers' copies: the next release
    may show the same data differently (a template, an answer's fields, the search index)."""
    import shutil

    from xinyong.api.cache import PACKAGE, code_fingerprint, release

    shutil.copytree(PACKAGE, tmp_path / "next", ignore=shutil.ignore_patterns("__pycache__"))
    assert code_fingerprint(tmp_path / "next") == release()
    template = tmp_path / "next" / "web" / "templates" / "search.html"
    template.write_text(template.read_text(encoding="utf-8") + "\n", encoding="utf-8")
    next_release = code_fingerprint(tmp_path / "next")
    assert next_release != release()

    _load(engine, tmp_path / "day1", enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as last, TestClient(create_app(engine)) as upgraded:
        upgraded.app.state.read_cache.release = next_release.encode()
        kept = last.get(SEARCH)
        _stored_for_the_others(last)
        assert last.get(SEARCH, headers={"If-None-Match": kept.headers["etag"]}).status_code == 304

        fresh = upgraded.get(SEARCH, headers={"If-None-Match": kept.headers["etag"]})
        assert fresh.status_code == 200 and fresh.headers["x-cache"] == "miss"
        assert fresh.headers["etag"] != kept.headers["etag"]


def test_the_shared_store_is_asked_on_a_request_thread_never_in_the_event_loop(
    tmp_path, engine, monkeypatch, shared_cache
):
    """A read of the shared store held the event loop: a disk read waited for the GIL behind
    the request threads, a Redis read for the network (for its whole timeout if Redis hung).
    What a worker lacks in its own memory goes to a request thread, which asks the shared
    store: a search, a profile, a page and a verification another worker made are still
    served from it."""
    import asyncio

    code = credit_code(1)
    asks = [SEARCH, f"/api/v1/enterprises/{code}", "/search?q=金鼎", f"/e/{code}"]
    _load(engine, tmp_path / "day1", enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as one, TestClient(create_app(engine)) as two:
        made = [one.get(path) for path in asks]
        assert [r.headers["x-cache"] for r in made] == ["miss"] * len(asks)
        _stored_for_the_others(one)
        far = two.app.state.read_cache.store.far
        asked_in: list[str] = []

        def noting(key: str):
            try:
                asyncio.get_running_loop()
                asked_in.append("event loop")
            except RuntimeError:
                asked_in.append("request thread")
            return type(far).get(far, key)

        monkeypatch.setattr(far, "get", noting)
        served = [two.get(path) for path in asks]
        assert [r.headers["x-cache"] for r in served] == ["hit"] * len(asks)
        assert [r.content for r in served] == [r.content for r in made]
        assert asked_in and set(asked_in) == {"request thread"}
        # Once fetched, the worker's own memory answers, in the event loop.
        asked_in.clear()
        assert [two.get(path).headers["x-cache"] for path in asks] == ["hit"] * len(asks)
        assert asked_in == []


def test_a_verification_one_worker_ran_is_reused_by_the_other(
    tmp_path, engine, monkeypatch, shared_cache
):
    """The same question at the same data generation: the second worker takes the first's
    findings from the shared disk cache (with a record of its own) instead of running them."""
    from sqlalchemy import text

    from xinyong.api.cache import MemoryCache
    from xinyong.verification import service

    code = credit_code(1)
    _load(engine, tmp_path / "day1", enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as one, TestClient(create_app(engine)) as two:
        first = one.post("/api/v1/verifications", json={"code": code}).json()
        _stored_for_the_others(one)
        # The other worker is another process: nothing of the first's memory.
        monkeypatch.setattr(service, "_RECENT", MemoryCache(1024 * 1024))
        # A change behind the platform's back (no sync, so no new generation) shows whose
        # findings the second answer carries.
        with engine.begin() as conn:
            conn.execute(
                text("UPDATE enterprise SET status = '注销' WHERE credit_code = :c"),
                {"c": code},
            )
        second = two.post("/api/v1/verifications", json={"code": code}).json()
        assert second["id"] != first["id"] and second["digest"] != first["digest"]
        assert second["steps"] == first["steps"] and second["verdict"] == first["verdict"]
        assert two.get(f"/api/v1/verifications/{second['id']}").json()["id"] == second["id"]


def test_an_answer_is_not_held_up_by_another_worker_writing_the_disk_cache(tmp_path):
    """The shared disk cache is one file with one write lock. A request thread hands its answer
    to the process's writer and goes on, even while another worker holds the lock; the answer
    is there for the other workers once the lock is free."""
    import diskcache

    from xinyong.api.cache import DiskCache

    store = DiskCache(tmp_path / "shared", 16 * 1024 * 1024)
    other_worker = diskcache.Cache(str(tmp_path / "shared"))
    with other_worker.transact():  # holds the file's write lock
        started = time.perf_counter()
        for n in range(100):
            store.set(f"answer-{n}", b'{"total": %d}' % n)
        waited = time.perf_counter() - started
        assert waited < 0.5  # not a second's wait, nor the lock holder's time
        time.sleep(0.2)
        assert other_worker.get("answer-0") is None
    store.written()
    assert [other_worker.get(f"answer-{n}") for n in range(100)] == [
        b'{"total": %d}' % n for n in range(100)
    ]
    assert store.get("answer-99") == b'{"total": 99}'
    other_worker.close()
