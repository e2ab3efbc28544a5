"""Data-interface fees rest on metering: each key's calls are counted per endpoint into a monthly
statement (JSON and CSV); a used-up quota or a burst answers 429 with Retry-After."""

from __future__ import annotations

import csv
import io
import os
import uuid

import pytest
from fastapi.testclient import TestClient

from xinyong.accounts import service
from xinyong.accounts.metering import this_month
from xinyong.api.app import create_app


def test_calls_are_metered_per_endpoint_into_the_monthly_statement(client, session, people):
    code = people.creditor_code
    for _ in range(3):
        client.get(f"/api/v1/codes/{code}", headers=people.creditor.headers)
    client.get("/api/v1/lists", headers=people.creditor.headers)
    client.get(f"/api/v1/codes/{code}", headers=people.agency.headers)  # someone else's key

    mine = client.get("/api/v1/usage", headers=people.creditor.headers).json()
    assert mine["month"] == this_month()
    lines = {(x["key"], x["endpoint"]): x["calls"] for x in mine["lines"]}
    prefix = people.creditor.key.prefix
    assert lines[(prefix, "GET /api/v1/codes/{code}")] == 3
    assert lines[(prefix, "GET /api/v1/lists")] == 1
    assert {k for k, _ in lines} == {prefix}  # a creditor sees its own keys only
    assert mine["lines"][0]["org_code"] == code

    everyone = client.get("/api/v1/usage", headers=people.auditor.headers).json()
    assert {x["key"] for x in everyone["lines"]} >= {prefix, people.agency.key.prefix}

    exported = client.get("/api/v1/usage", params={"format": "csv"}, headers=people.auditor.headers)
    assert exported.headers["content-type"].startswith("text/csv")
    assert "attachment" in exported.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {"month", "key", "endpoint", "calls"} <= set(rows[0])
    bad = client.get("/api/v1/usage", params={"month": "2026-13"}, headers=people.auditor.headers)
    assert bad.status_code == 422 and bad.json()["field"] == "month"


def test_a_used_up_daily_quota_answers_429_with_retry_after(client, session, people):
    user = service.user_by_email(session, "cred@example.cn")
    key = service.issue_api_key(session, user, "trial", daily_quota=2)
    session.commit()
    assert [client.get("/api/v1/lists", headers=key.headers).status_code for _ in range(2)] == [
        200,
        200,
    ]
    over = client.get("/api/v1/lists", headers=key.headers)
    assert over.status_code == 429
    assert 0 < int(over.headers["retry-after"]) <= 86400
    assert "daily quota of 2" in over.json()["detail_en"]
    assert client.get("/api/v1/lists").status_code == 200  # anonymous use is not this key's


def _limited_app(engine, monkeypatch, **env):
    # Each test its own namespace, so a shared Redis never carries one run's counts to the next.
    env.setdefault("XINYONG_RATE_LIMIT_NAMESPACE", f"test-{uuid.uuid4().hex}")
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    return TestClient(create_app(engine), base_url="https://testserver")


def test_bursts_are_limited_per_ip_and_per_key(engine, session, people, monkeypatch):
    with _limited_app(
        engine, monkeypatch, XINYONG_RATE_LIMIT_IP="5/minute", XINYONG_RATE_LIMIT_KEY="3/minute"
    ) as c:
        keyed = [c.get("/api/v1/lists", headers=people.creditor.headers) for _ in range(4)]
        assert [r.status_code for r in keyed] == [200, 200, 200, 429]
        assert 0 < int(keyed[-1].headers["retry-after"]) <= 60
        assert "API key" in keyed[-1].json()["detail_en"]
        # The IP's own budget (5) took the three keyed calls; two more, then 429.
        anonymous = [c.get("/api/v1/lists").status_code for _ in range(3)]
        assert anonymous == [200, 200, 429]
        assert c.get("/healthz").status_code == 200  # health checks are never limited


REDIS = os.environ.get("XINYONG_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _redis_up() -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping())
    except redis.RedisError:
        return False


@pytest.mark.skipif(not _redis_up(), reason=f"no Redis answering at {REDIS}")
def test_limits_are_shared_through_redis_between_app_processes(engine, monkeypatch):
    """Two app instances (as two server processes) share one budget in Redis."""
    env = {
        "XINYONG_REDIS_URL": REDIS,
        "XINYONG_RATE_LIMIT_IP": "4/minute",
        "XINYONG_RATE_LIMIT_NAMESPACE": f"test-{uuid.uuid4().hex}",
    }
    with (
        _limited_app(engine, monkeypatch, **env) as a,
        _limited_app(engine, monkeypatch, **env) as b,
    ):
        codes = [c.get("/api/v1/lists").status_code for c in (a, b, a, b, a)]
    assert codes == [200, 200, 200, 200, 429]
