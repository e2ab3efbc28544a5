"""An operator's Prometheus scrapes the server: how long each kind of request took and whether
it was a cache hit, how long requests queued, and whether each source still syncs — summed over
every worker of `xinyong serve`, and closed to anyone who is not an operator."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import urlsplit

import httpx
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from tests.support.node_process import running_node
from tests.support.registry_files import enterprise_row, write_enterprises
from xinyong.api.app import create_app
from xinyong.sources.config import get_source
from xinyong.sources.scheduler import run_syncs

TOKEN = "metrics-s3cret"
OPERATOR = {"authorization": f"Bearer {TOKEN}"}
SEARCH = "/api/v1/enterprises?q=金鼎"


def _samples(text: str) -> dict[tuple[str, tuple], float]:
    """Every sample of a scrape by (name, sorted labels)."""
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _count(samples: dict, route: str, cache: str, method: str = "GET", status: str = "200"):
    labels = (("cache", cache), ("method", method), ("route", route), ("status", status))
    return samples.get(("xinyong_http_request_duration_seconds_count", labels), 0.0)


def _sync(engine, folder: Path, *rows: dict) -> None:
    write_enterprises(folder / "enterprises.csv", list(rows))
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": folder})])


def test_an_operator_reads_request_times_by_route_and_cache_state(tmp_path, engine, monkeypatch):
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    _sync(engine, tmp_path / "day1", enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    with TestClient(create_app(engine)) as client:
        before = _samples(client.get("/metrics", headers=OPERATOR).text)
        assert client.get(SEARCH).headers["x-cache"] == "miss"
        for _ in range(3):
            assert client.get(SEARCH).headers["x-cache"] == "hit"
        code = client.get(SEARCH).json()["items"][0]["credit_code"]
        assert client.get(f"/api/v1/enterprises/{code}").status_code == 200
        assert client.get("/api/v1/enterprises/not-a-code").status_code in (404, 422)
        assert client.get("/no/such/page").status_code == 404

        scrape = client.get("/metrics", headers=OPERATOR)
        assert scrape.status_code == 200
        assert scrape.headers["content-type"].startswith("text/plain")
        after = _samples(scrape.text)

    def grew(route: str, cache: str, **kw) -> float:
        return _count(after, route, cache, **kw) - _count(before, route, cache, **kw)

    # Hits answered before routing and misses that reached the route share one template.
    assert grew("/api/v1/enterprises", "miss") == 1
    assert grew("/api/v1/enterprises", "hit") == 4
    assert grew("/api/v1/enterprises/{code}", "miss") == 1
    # A path nobody routes is one series, not one per address tried.
    assert grew("unmatched", "none", status="404") == 1
    assert not [k for k in after if "/no/such/page" in str(k) or code in str(k)]
    # The miss waited for a worker thread; the hits never did.
    assert after[("xinyong_request_queue_seconds_count", ())] > before.get(
        ("xinyong_request_queue_seconds_count", ()), 0
    )
    # The registry's last good sync, in Unix time, for an alert when it stops.
    synced = after[("xinyong_source_last_success_timestamp_seconds", (("source", "gsxt"),))]
    assert abs(synced - time.time()) < 300
    assert after[("xinyong_source_last_run_failed", (("source", "gsxt"),))] == 0


def test_each_batch_of_verification_records_is_timed_and_counted(tmp_path, engine, monkeypatch):
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    _sync(engine, tmp_path / "day1", enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"))
    writer = (("writer", "verifications"),)
    with TestClient(create_app(engine)) as client:
        before = _samples(client.get("/metrics", headers=OPERATOR).text)
        for _ in range(3):
            asked = client.post(
                "/api/v1/verifications", json={"name": "连云港市海州区金鼎商贸有限公司"}
            )
            assert asked.status_code == 201
        after = _samples(client.get("/metrics", headers=OPERATOR).text)

    def grew(name: str) -> float:
        return after[(name, writer)] - before.get((name, writer), 0)

    # One after another, each record is a batch of its own: three batches, three records.
    assert grew("xinyong_batch_write_seconds_count") == 3
    assert grew("xinyong_batch_write_records_sum") == 3
    assert grew("xinyong_batch_write_seconds_sum") > 0


def test_a_verification_record_costs_the_next_cached_reads_no_generation_read_on_postgresql(
    tmp_path, engine, monkeypatch
):
    """Every public read keys its answer by the data generation, which the event loop reads
    from the database only when something may have moved it. A verification record of a firm
    that is no agency moves none: on PostgreSQL the record's commit heard no notification, so
    the searches after it are answered from the kept row; SQLite's file moved, and its reader
    asks again (a local read, not a round trip)."""
    from xinyong.api.cache import GenerationReader

    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    monkeypatch.setattr(GenerationReader, "KEPT_SECONDS", 600.0)
    name = "连云港市海州区金鼎商贸有限公司"
    _sync(engine, tmp_path / "day1", enterprise_row(1, 企业名称=name))
    # Every connection of the pool was opened before the server was made (as by a sync at
    # start-up): the server has them listen too, or each commit of theirs counts as a change.
    opened = [engine.connect() for _ in range(engine.pool.size())]
    for conn in opened:
        conn.close()
    reads = ("xinyong_generation_reads_total", ())
    with TestClient(create_app(engine)) as client:
        assert client.get(SEARCH).headers["x-cache"] == "miss"
        assert client.post("/api/v1/verifications", json={"name": name}).status_code == 201
        before = _samples(client.get("/metrics", headers=OPERATOR).text)
        assert client.get(SEARCH).headers["x-cache"] == "hit"
        again = client.post("/api/v1/verifications", json={"name": name})
        assert again.status_code == 201 and again.headers["x-cache"] == "hit"
        for _ in range(3):
            assert client.get(SEARCH).headers["x-cache"] == "hit"
        after = _samples(client.get("/metrics", headers=OPERATOR).text)
    grew = after[reads] - before[reads]
    if engine.dialect.name == "postgresql":
        assert grew == 0
    else:
        assert grew >= 1


def test_a_failing_source_shows_in_the_next_scrape(tmp_path, engine, monkeypatch):
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    _sync(engine, tmp_path / "day1", enterprise_row(1))
    with TestClient(create_app(engine)) as client:
        run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path / "gone"})])
        after = _samples(client.get("/metrics", headers=OPERATOR).text)
    assert after[("xinyong_source_last_run_failed", (("source", "gsxt"),))] == 1
    # The last good sync is still reported: how long ago it was is what the alert measures.
    assert ("xinyong_source_last_success_timestamp_seconds", (("source", "gsxt"),)) in after


def test_a_sync_that_finds_the_same_file_again_counts_as_fresh(tmp_path, engine, monkeypatch):
    # A daily drop that did not change is a good run: the source is not stale.
    from sqlalchemy import select

    from xinyong.sources.models import SyncRun

    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    _sync(engine, tmp_path / "day1", enterprise_row(1))
    with TestClient(create_app(engine)) as client:
        first = _samples(client.get("/metrics", headers=OPERATOR).text)
        time.sleep(1.1)
        run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path / "day1"})])
        again = _samples(client.get("/metrics", headers=OPERATOR).text)
    with engine.connect() as conn:
        latest = conn.execute(select(SyncRun.status).order_by(SyncRun.id.desc())).first()[0]
    assert latest == "unchanged"
    key = ("xinyong_source_last_success_timestamp_seconds", (("source", "gsxt"),))
    assert again[key] > first[key] + 1
    assert again[("xinyong_source_last_run_failed", (("source", "gsxt"),))] == 0


def test_metrics_are_for_operators_only(engine, monkeypatch):
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    with TestClient(create_app(engine)) as client:
        anonymous = client.get("/metrics")
        wrong = client.get("/metrics", headers={"authorization": "Bearer guess"})
    assert anonymous.status_code == 401 and "操作员" in anonymous.json()["title"]
    assert wrong.status_code in (401, 403)
    assert "xinyong_http_request" not in anonymous.text + wrong.text


def test_two_workers_report_every_request_whichever_answers_the_scrape(tmp_path, database_url):
    data = tmp_path / "data"
    with running_node(
        database_url,
        "--workers",
        "2",
        XINYONG_OPERATOR_TOKEN=TOKEN,
        XINYONG_DATA_DIR=str(data),
    ) as base:
        # Fresh connections, spread over both workers' sockets by the kernel.
        for _ in range(40):
            assert httpx.get(f"{base}/api/v1/enterprises?q=金鼎", timeout=10).status_code == 200
        (run,) = (data / "metrics").iterdir()
        writers = {p.stem.rsplit("_", 1)[1] for p in run.glob("histogram_*.db")}
        counts = set()
        for _ in range(6):  # each scrape on a new connection: either worker may answer
            scrape = httpx.get(f"{base}/metrics", headers=OPERATOR, timeout=10)
            samples = _samples(scrape.text)
            counts.add(
                _count(samples, "/api/v1/enterprises", "miss")
                + _count(samples, "/api/v1/enterprises", "hit")
                + _count(samples, "/api/v1/enterprises", "shared")
            )
        port = urlsplit(base).port
    assert len(writers) == 2, writers  # both workers answered searches
    assert counts == {40.0}, (port, counts)  # every scrape counts all forty, from both
    assert not run.exists()  # the run's folder goes with the server


def test_requests_refused_for_waiting_too_long_are_counted(engine, monkeypatch):
    from xinyong.settings import get_settings

    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    with TestClient(create_app(engine)) as client:
        before = _samples(client.get("/metrics", headers=OPERATOR).text)
        monkeypatch.setenv("XINYONG_QUEUE_SECONDS", "0.000001")  # every wait is too long
        get_settings.cache_clear()
        assert client.get("/api/v1/enterprises?q=海州").status_code == 503
        monkeypatch.delenv("XINYONG_QUEUE_SECONDS")
        get_settings.cache_clear()
        after = _samples(client.get("/metrics", headers=OPERATOR).text)
    key = ("xinyong_requests_refused_total", (("reason", "overloaded"),))
    assert after[key] - before.get(key, 0) == 1
    refused = [_count(s, "/api/v1/enterprises", "none", status="503") for s in (before, after)]
    assert refused[1] - refused[0] == 1
