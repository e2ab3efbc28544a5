"""Behind a burst, a request that waited too long for a worker is refused at once with 503 and
Retry-After (its caller has likely gone), instead of being computed while others wait."""

from __future__ import annotations

from fastapi.testclient import TestClient

from xinyong.api.app import create_app
from xinyong.settings import get_settings


def test_requests_that_waited_past_the_limit_are_refused_with_retry_after(engine, monkeypatch):
    # Any wait at all exceeds a microsecond: every request that reaches a worker thread is late.
    monkeypatch.setenv("XINYONG_QUEUE_SECONDS", "0.000001")
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as client:
        for method, path, body in (
            ("GET", "/api/v1/enterprises?q=金鼎", None),
            ("GET", "/api/v1/enterprises/91320700MA1MXXXX0X", None),
            ("POST", "/api/v1/verifications", {"name": "连云港市海州区金鼎商贸有限公司"}),
        ):
            answer = client.request(method, path, json=body)
            assert answer.status_code == 503, (path, answer.text)
            assert answer.headers["retry-after"] == "5"
            problem = answer.json()
            assert problem["type"] == "urn:xinyong:problem:overloaded"
            assert "服务繁忙" in problem["title"] and problem["waited_seconds"] >= 0
        # The health check is answered by the event loop, never queued: still up.
        assert client.get("/healthz").status_code == 200


def test_with_the_default_limit_the_same_requests_are_answered(engine):
    with TestClient(create_app(engine)) as client:
        assert client.get("/api/v1/enterprises?q=金鼎").status_code == 200
        verification = client.post(
            "/api/v1/verifications", json={"name": "连云港市海州区金鼎商贸有限公司"}
        )
        assert verification.status_code == 201


def test_a_running_app_collects_young_objects_rarely_and_gives_the_process_its_settings_back(
    engine,
):
    # At CPython's 700, what a request holds for a few milliseconds reached the oldest
    # generation, whose full walks (120-200 ms, the process stopped) made the mix's p99.
    import gc

    from xinyong.api.app import YOUNG_COLLECTION

    before = gc.get_threshold()
    with TestClient(create_app(engine)) as client:
        assert gc.get_threshold() == (YOUNG_COLLECTION, *before[1:])
        assert client.get("/healthz").status_code == 200
    assert gc.get_threshold() == before


def test_a_configured_switch_interval_holds_while_the_app_runs_and_is_given_back(
    engine, monkeypatch
):
    # A thread back from the database waits up to this for the GIL at each statement while
    # another thread computes (bench/record_writes.py).
    import sys

    before = sys.getswitchinterval()
    with TestClient(create_app(engine)) as client:
        assert sys.getswitchinterval() == 0.001  # 1 ms unless configured
        assert client.get("/healthz").status_code == 200
    assert sys.getswitchinterval() == before
    monkeypatch.setenv("XINYONG_SWITCH_INTERVAL_MS", "0.5")
    get_settings.cache_clear()
    with TestClient(create_app(engine)):
        assert sys.getswitchinterval() == 0.0005
    monkeypatch.setenv("XINYONG_SWITCH_INTERVAL_MS", "0")  # Python's own
    get_settings.cache_clear()
    with TestClient(create_app(engine)):
        assert sys.getswitchinterval() == before
    assert sys.getswitchinterval() == before
