"""Data-interface fees rest on metering: each key's calls are counted per endpoint into a monthly
statement (JSON and CSV); every keyed answer shows the quota left; a used-up quota or a burst
answers 429 with Retry-After."""

from __future__ import annotations

import csv
import io
import os
import uuid

import pytest
from fastapi.testclient import TestClient

from tests.support.registry_files import credit_code
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


def test_a_key_is_held_to_its_own_limit_and_an_anonymous_caller_to_its_ips(
    engine, session, people, monkeypatch
):
    # A bank's servers share one NAT address: their keyed calls are held to the key's limit
    # (here 6 a minute), not to the anonymous per-IP one (3), which they never spend.
    with _limited_app(
        engine, monkeypatch, XINYONG_RATE_LIMIT_IP="3/minute", XINYONG_RATE_LIMIT_KEY="6/minute"
    ) as c:
        keyed = [c.get("/api/v1/lists", headers=people.creditor.headers) for _ in range(7)]
        assert [r.status_code for r in keyed] == [200] * 6 + [429]
        assert 0 < int(keyed[-1].headers["retry-after"]) <= 60
        assert "API key" in keyed[-1].json()["detail_en"]
        # Another key from the same address has its own budget.
        assert c.get("/api/v1/lists", headers=people.agency.headers).status_code == 200
        anonymous = [c.get("/api/v1/lists").status_code for _ in range(4)]
        assert anonymous == [200, 200, 200, 429]
        assert c.get("/healthz").status_code == 200  # health checks are never limited


def test_made_up_keys_do_not_get_around_the_per_ip_limit(engine, session, people, monkeypatch):
    # Each made-up key has a fresh prefix, so no key limit holds it: the IP pays instead.
    with _limited_app(
        engine, monkeypatch, XINYONG_RATE_LIMIT_IP="3/minute", XINYONG_RATE_LIMIT_KEY="100/minute"
    ) as c:
        forged = [
            c.get("/api/v1/lists", headers={"Authorization": f"Bearer xk_{n:08x}_{'A' * 43}"})
            for n in range(4)
        ]
        assert [r.status_code for r in forged] == [401, 401, 401, 429]
        assert "invalid API keys" in forged[-1].json()["detail_en"]
        assert 0 < int(forged[-1].headers["retry-after"]) <= 60
        # Real keys from that address are not held back by someone else's made-up ones.
        assert c.get("/api/v1/lists", headers=people.creditor.headers).status_code == 200


def test_a_known_key_prefix_with_wrong_secrets_cannot_lock_the_bank_out(
    engine, session, people, monkeypatch
):
    # A bank's key prefix shows in its statements and in error messages. Someone who learns it
    # sends calls under it with made-up secrets: their IP pays for them, the bank's key does not.
    with _limited_app(
        engine, monkeypatch, XINYONG_RATE_LIMIT_IP="3/minute", XINYONG_RATE_LIMIT_KEY="5/minute"
    ) as c:
        bank = people.creditor
        first = c.get("/api/v1/lists", headers=bank.headers)
        assert first.status_code == 200 and "x-ratelimit-remaining" in first.headers

        forged = {"Authorization": f"Bearer {bank.key.prefix}_{'A' * 43}"}
        attack = [c.get("/api/v1/lists", headers=forged) for _ in range(12)]
        assert [r.status_code for r in attack] == [401] * 3 + [429] * 9
        assert "invalid API keys from this IP" in attack[-1].json()["detail_en"]
        assert 0 < int(attack[-1].headers["retry-after"]) <= 60
        # Calls under the prefix to addresses no route answers never reach the key check:
        # they spend the same false-key budget, not the bank's.
        assert c.get("/api/v1/no-such-thing", headers=forged).status_code == 429

        # The bank's budget is whole: four more calls (five a minute in all), then its own 429.
        again = [c.get("/api/v1/lists", headers=bank.headers) for _ in range(5)]
        assert [r.status_code for r in again] == [200] * 4 + [429]
        assert f"API key ({bank.key.prefix})" in again[-1].json()["detail_en"]
        # The attacker's address was never charged as an anonymous caller.
        assert c.get("/api/v1/lists").status_code == 200


def test_each_keyed_answer_shows_the_quota_left(client, session, people):
    user = service.user_by_email(session, "cred@example.cn")
    key = service.issue_api_key(session, user, "monthly plan", daily_quota=2, monthly_quota=50)
    session.commit()
    first = client.get("/api/v1/lists", headers=key.headers)
    assert first.headers["x-ratelimit-limit-day"] == "2"
    assert first.headers["x-ratelimit-remaining-day"] == "1"
    assert first.headers["x-ratelimit-limit-month"] == "50"
    assert first.headers["x-ratelimit-remaining-month"] == "49"
    # Unsuffixed: the quota that runs out first, and the seconds until it renews.
    assert first.headers["x-ratelimit-limit"] == "2"
    assert first.headers["x-ratelimit-remaining"] == "1"
    assert 0 < int(first.headers["x-ratelimit-reset"]) <= 86400

    # A call that fails is still a call: it is counted and shows what is left.
    missing = client.get(f"/api/v1/enterprises/{credit_code(77)}", headers=key.headers)
    assert missing.status_code == 404 and missing.headers["x-ratelimit-remaining"] == "0"
    refused = client.get("/api/v1/lists", headers=key.headers)
    assert refused.status_code == 429 and refused.headers["x-ratelimit-remaining-day"] == "0"
    assert refused.headers["x-ratelimit-remaining-month"] == "48"
    assert refused.headers["x-ratelimit-reset"] == refused.headers["retry-after"]

    # A key without quotas, and an anonymous caller, have none to show.
    unlimited = service.issue_api_key(session, user, "flat", daily_quota=None, monthly_quota=None)
    session.commit()
    assert "x-ratelimit-limit" not in client.get("/api/v1/lists", headers=unlimited.headers).headers
    assert "x-ratelimit-limit" not in client.get("/api/v1/lists").headers


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
