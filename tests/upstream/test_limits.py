"""The upstream pushes back like the real ones: 429 past the rate, injected 503s for retry tests."""

from __future__ import annotations

import time

import pytest

from tests.support.upstream_process import spawn_upstream
from tests.upstream.conftest import build_drop

ENTERPRISES = "/api/registry.enterprises"


@pytest.fixture(scope="module")
def servers(tmp_path_factory):
    """A rate-limited server and a faulty one, started side by side."""
    folder = build_drop(tmp_path_factory.mktemp("limits") / "drop")
    limited = spawn_upstream(folder, state=folder.parent / "limited.sqlite3", rate=5)
    faulty = spawn_upstream(folder, state=folder.parent / "faulty.sqlite3", rate=0, fail_every=3)
    try:
        yield limited.wait_ready(), faulty.wait_ready()
    finally:
        limited.terminate()
        faulty.terminate()
        limited.stop()
        faulty.stop()


def test_past_the_rate_a_client_gets_429_and_how_long_to_wait(servers):
    limited, _ = servers

    statuses = []
    for _ in range(12):
        response = limited.http.get(ENTERPRISES, params={"page_size": 1})
        statuses.append(response.status_code)
        if response.status_code == 429:
            refused = response
    assert statuses[:5] == [200] * 5  # a burst up to the rate is fine
    assert statuses.count(429) >= 5
    wait = int(refused.headers["Retry-After"])
    assert 1 <= wait <= 2
    assert refused.json()["status"] == 429 and "每秒" in refused.json()["detail_zh"]

    # Health checks and the admin side are not rate limited.
    assert limited.http.get("/healthz").status_code == 200
    assert limited.http.get("/_admin/state").status_code == 200

    time.sleep(wait)
    assert limited.http.get(ENTERPRISES).status_code == 200


def test_fail_every_makes_every_nth_data_request_a_503(servers):
    _, faulty = servers

    statuses = [faulty.http.get(ENTERPRISES).status_code for _ in range(9)]

    assert statuses == [200, 200, 503] * 3
    failed = faulty.http.get(ENTERPRISES)  # 10th, 11th fine; 12th fails again
    assert failed.status_code == 200
    faulty.http.get(ENTERPRISES)
    failed = faulty.http.get(ENTERPRISES)
    assert failed.status_code == 503
    assert failed.headers["content-type"] == "application/problem+json"
    assert "重试" in failed.json()["detail_zh"]

    # A client that simply retries still reads every record.
    records, cursor, pages = [], None, 0
    while True:
        params = {"page_size": 4} | ({"updated_since": cursor} if cursor else {})
        response = faulty.http.get(ENTERPRISES, params=params)
        if response.status_code == 503:
            continue
        pages += 1
        page = response.json()
        records += page["records"]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert len(records) == 20 and pages == 5
