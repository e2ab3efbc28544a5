"""A process still doing its start-up work says so on /readyz, so a load balancer waits for it;
/healthz, the liveness check, passes all the while."""

from __future__ import annotations

import threading

from fastapi.testclient import TestClient

from xinyong.api.app import create_app


def test_a_process_is_alive_at_once_and_ready_only_when_its_start_up_work_is_done(engine):
    with TestClient(create_app(engine)) as client:
        # The registry's collector firms, scanned in the background as the process starts.
        assert "collector_firms" in client.app.state.starting
        client.app.state.starting["collector_firms"].join(30)
        assert client.get("/readyz").json() == {"status": "ready"}

        # Start-up work still under way (one more background scan that has not finished).
        release = threading.Event()
        scan = threading.Thread(target=release.wait, args=(30,), name="slow-scan")
        scan.start()
        client.app.state.starting["slow_scan"] = scan
        try:
            answer = client.get("/readyz")
            assert answer.status_code == 503 and answer.headers["retry-after"] == "1"
            assert answer.json()["status"] == "starting"
            assert answer.json()["waiting_for"] == ["slow_scan"]
            assert (
                "仍在启动" in answer.json()["detail"]
                and "still starting" in answer.json()["detail"]
            )
            # Alive all the same: an orchestrator must not restart it for being busy starting.
            assert client.get("/healthz").json()["status"] == "ok"
        finally:
            release.set()
            scan.join(10)
        assert client.get("/readyz").status_code == 200


def test_the_readiness_check_is_never_rate_limited(engine, monkeypatch):
    from xinyong.settings import get_settings

    monkeypatch.setenv("XINYONG_RATE_LIMIT_IP", "2/minute")
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as client:
        client.app.state.starting["collector_firms"].join(30)
        assert all(client.get("/readyz").status_code == 200 for _ in range(10))
