"""Scale-out on one machine: two `xinyong serve` processes on one PostgreSQL schema and one Redis,
as behind a load balancer — one rate-limit budget, one answer cache that a sync invalidates, one
scheduler leader (and a new one when it dies). Skipped unless PostgreSQL and Redis answer."""

from __future__ import annotations

import itertools
import os
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from sqlalchemy import create_engine, text

from tests.support.node_process import free_port, wait_until_healthy
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.db import normalise_url, upgrade

PG = os.environ.get("XINYONG_TEST_DATABASE_URL") or "postgresql://127.0.0.1:5432/test"
REDIS = os.environ.get("XINYONG_TEST_REDIS_URL", "redis://127.0.0.1:6379")


def _answers() -> str | None:
    """Why the test cannot run here, or None."""
    try:
        engine = create_engine(normalise_url(PG), connect_args={"connect_timeout": 2})
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        engine.dispose()
    except Exception as exc:
        return f"no PostgreSQL answering at {PG}: {exc.__class__.__name__}"
    try:
        import redis

        redis.Redis.from_url(REDIS, socket_connect_timeout=0.5).ping()
    except Exception as exc:
        return f"no Redis answering at {REDIS}: {exc.__class__.__name__}"
    return None


pytestmark = pytest.mark.skipif(_answers() is not None, reason=_answers() or "")

OLD_NAME = "连云港市海州区金鼎商贸有限公司"
NEW_NAME = "连云港市海州区金鼎国际贸易有限公司"


_clients = itertools.count(30)


def fresh_client() -> str:
    """Another documentation address (RFC 5737) for X-Forwarded-For: a budget of its own."""
    return f"198.51.100.{next(_clients)}"


class Node:
    def __init__(self, proc: subprocess.Popen, base: str) -> None:
        self.proc, self.base = proc, base

    def get(self, path: str, ip: str, **headers: str) -> httpx.Response:
        # The load balancer names the client in X-Forwarded-For; uvicorn trusts it from
        # 127.0.0.1 (docs/deploy.md), so each part of this test is its own client.
        return httpx.get(self.base + path, headers={"x-forwarded-for": ip, **headers}, timeout=30)

    def role(self) -> str:
        return httpx.get(self.base + "/healthz", timeout=10).json()["scheduler"]


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "xinyong", *args], env=env, capture_output=True, text=True
    )


@pytest.fixture(scope="module")
def deployment(tmp_path_factory) -> Iterator[tuple[Node, Node, dict[str, str], Path]]:
    work = tmp_path_factory.mktemp("scale-out")
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(PG), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG else "?"
    url = f"{PG}{sep}options={quote(f'-csearch_path={schema}')}"
    upgrade(url)
    env = dict(
        os.environ,
        XINYONG_DATABASE_URL=url,
        XINYONG_DATA_DIR=str(work / "data"),
        XINYONG_REDIS_URL=REDIS,
        XINYONG_RATE_LIMIT_NAMESPACE=f"test-{schema}",
        XINYONG_RATE_LIMIT_IP="5/minute",
        # Short, so the failover below is quick; long enough that a renewal waiting on a
        # machine busy with CI's two suites at once does not lose the lease.
        XINYONG_SCHEDULER_LEASE_SECONDS="5",
        COLUMNS="200",
    )
    drop = work / "drop"
    write_enterprises(drop / "enterprises.csv", [enterprise_row(1, 企业名称=OLD_NAME)])
    loaded = _cli("import-registry", str(drop), env=env)
    assert loaded.returncode == 0, loaded.stdout + loaded.stderr
    # As a running deployment has: the grades of what it loaded. Otherwise the leader's
    # quarter-hourly pass finds an unrated firm and moves the data generation whenever the
    # clock passes :00, :15, :30 or :45 mid-test (CI saw a profile miss at about 03:16).
    rated = _cli("rating", "recompute", "--all", env=env)
    assert rated.returncode == 0, rated.stdout + rated.stderr
    nodes = []
    try:
        for _ in range(2):
            port = free_port()
            proc = subprocess.Popen(
                [sys.executable, "-m", "xinyong", "serve", "--port", str(port)],
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.STDOUT,
            )
            nodes.append(Node(proc, f"http://127.0.0.1:{port}"))
        for node in nodes:
            wait_until_healthy(node.proc, node.base, 60)
        yield nodes[0], nodes[1], env, drop
    finally:
        for node in nodes:
            if node.proc.poll() is None:
                node.proc.terminate()
                try:
                    node.proc.wait(timeout=15)
                except subprocess.TimeoutExpired:
                    node.proc.kill()
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()


def test_one_rate_limit_budget_across_both_processes(deployment):
    a, b, _, _ = deployment
    client = "198.51.100.7"
    codes = [node.get("/api/v1/lists", client).status_code for node in (a, b, a, b, a, b)]
    # 5 per minute for this client, counted in Redis: each process saw only three requests.
    assert codes == [200, 200, 200, 200, 200, 429]
    assert a.get("/api/v1/lists", "198.51.100.8").status_code == 200  # another client


def test_a_cached_answer_on_one_process_is_replaced_after_a_sync(deployment):
    a, b, env, drop = deployment
    search = "/api/v1/enterprises?q=" + quote("金鼎")
    profile = f"/api/v1/enterprises/{credit_code(1)}"

    first = b.get(search, fresh_client())
    assert first.headers["x-cache"] == "miss"
    assert [i["name"] for i in first.json()["items"]] == [OLD_NAME]
    # The answer B computed is in the shared cache: A serves it without searching.
    from_a = a.get(search, fresh_client())
    assert from_a.headers["x-cache"] == "hit" and from_a.content == first.content
    assert b.get(profile, fresh_client()).json()["enterprise"]["name"] == OLD_NAME
    assert b.get(profile, fresh_client()).headers["x-cache"] == "hit"
    # A browser holding the answer revalidates it for nothing.
    etag = first.headers["etag"]
    assert b.get(search, fresh_client(), **{"if-none-match": etag}).status_code == 304

    # The registry renames the enterprise; the CLI syncs it (a third process).
    write_enterprises(
        drop / "enterprises.csv",
        [enterprise_row(1, 企业名称=NEW_NAME, 更新日期="2026-11-20")],
    )
    synced = _cli("import-registry", str(drop), env=env)
    assert synced.returncode == 0, synced.stdout + synced.stderr

    after = b.get(search, fresh_client(), **{"if-none-match": etag})
    assert after.status_code == 200 and after.headers["x-cache"] == "miss"
    assert after.headers["etag"] != etag
    assert [i["name"] for i in after.json()["items"]] == [NEW_NAME]
    assert b.get(profile, fresh_client()).json()["enterprise"]["name"] == NEW_NAME
    assert a.get(search, fresh_client()).json()["items"][0]["name"] == NEW_NAME


def _roles(a: Node, b: Node) -> list[str]:
    return sorted([a.role(), b.role()])


def test_exactly_one_scheduler_leader_and_a_new_one_when_it_dies(deployment):
    a, b, env, _ = deployment
    deadline = time.monotonic() + 15
    roles = _roles(a, b)
    while roles != ["leader", "standby"] and time.monotonic() < deadline:
        time.sleep(0.5)
        roles = _roles(a, b)
    assert roles == ["leader", "standby"]
    # Stable: over several lease renewals the leader stays the leader and nobody else leads.
    leader, standby = (a, b) if a.role() == "leader" else (b, a)
    for _ in range(12):
        assert (leader.role(), standby.role()) == ("leader", "standby")
        time.sleep(0.5)

    # The leader dies without a word (no lease release): the standby takes over once the
    # 5-second lease has run out.
    os.kill(leader.proc.pid, signal.SIGKILL)
    leader.proc.wait(timeout=10)
    deadline = time.monotonic() + 20
    while standby.role() != "leader" and time.monotonic() < deadline:
        time.sleep(0.5)
    assert standby.role() == "leader"
