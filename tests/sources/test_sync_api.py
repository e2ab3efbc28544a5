"""Daily syncs over HTTP from the (fake) upstream: cursors, changes over days, removals, retries, a killed run."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import func, select, update

from tests.support.judicial_files import dishonest_row, write_drop
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.alerts.models import Alert
from xinyong.enforcement.models import DishonestRecord
from xinyong.registry.models import Enterprise
from xinyong.sources.config import SourceConfig
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST
from xinyong.sources.lock import Lease
from xinyong.sources.models import SyncRun
from xinyong.sources.scheduler import run_syncs
from xinyong.types import utcnow

LAYOUTS = ["registry.enterprises", "enforcement.dishonest"]


def _drop(folder, n=6):
    rows = [enterprise_row(i) for i in range(1, n + 1)]
    rows[0]["企业名称"] = "连云港金鼎盛国际要账有限公司"
    rows[1]["企业名称"] = "连云港德律讨债服务有限公司"
    write_enterprises(folder / "enterprises.csv", rows)
    write_drop(
        folder / "dishonest.csv", ENFORCEMENT_DISHONEST, [dishonest_row(3), dishonest_row(4)]
    )
    return folder


def _api(upstream, **options) -> SourceConfig:
    return SourceConfig(
        name="upstream", title_zh="上游", title_en="upstream", transport="api", url=upstream.url,
        token=upstream.token, layouts=LAYOUTS, page_size=options.pop("page_size", 2),
        max_requests_per_second=options.pop("rps", 100), **options,
    )  # fmt: skip


def _count(session, model) -> int:
    return session.scalar(select(func.count()).select_from(model))


def test_days_of_upstream_changes_arrive_by_cursor(tmp_path, engine, session, fake_upstream):
    upstream = fake_upstream(_drop(tmp_path / "drop"), today="2026-11-25", rate=0)
    [day1] = run_syncs(engine, [_api(upstream)])
    assert day1.ok and (_count(session, Enterprise), _count(session, DishonestRecord)) == (6, 2)
    assert session.scalars(select(DishonestRecord.link_status)).all() == ["code", "code"]

    # Day 2: the article's case — two collectors revoked for violent collection — and a court
    # deletes a 失信 record once it ended.
    revoked = upstream.scenario("violent-collection", today="2026-11-26")
    assert len(revoked["changes"]) == 2
    ended = dishonest_row(3)
    upstream.change({"dataset": "enforcement.dishonest", "op": "delete",
                     "record": {"案号": ended["案号"], "被执行人姓名/名称": ended["被执行人姓名/名称"]},
                     "ended_on": "2026-11-26", "reason": "已履行完毕"})  # fmt: skip
    [day2] = run_syncs(engine, [_api(upstream)])
    counts = {run.layout: run.counts for run in day2.runs}
    assert counts["registry.enterprises"].rows_read == 2  # only what changed since the cursor
    assert counts["registry.enterprises"].updated == 2
    assert counts["enforcement.dishonest"].closed == 1

    session.expire_all()
    statuses = dict(session.execute(select(Enterprise.name, Enterprise.status)).all())
    assert (
        statuses["连云港金鼎盛国际要账有限公司"] == statuses["连云港德律讨债服务有限公司"] == "吊销"
    )
    closed = session.scalars(
        select(DishonestRecord).where(DishonestRecord.ended_on.is_not(None))
    ).one()
    assert (str(closed.ended_on), closed.end_reason) == ("2026-11-26", "已履行完毕")
    proposals = session.scalars(
        select(Alert.credit_code).where(Alert.kind == "propose_blacklist")
    ).all()
    assert sorted(proposals) == sorted([credit_code(1), credit_code(2)])

    [day3] = run_syncs(engine, [_api(upstream)])  # nothing new upstream: nothing changes
    assert all(run.counts.rows_read == 0 for run in day3.runs)


def test_rate_limits_and_server_errors_are_retried(tmp_path, engine, session, fake_upstream):
    upstream = fake_upstream(_drop(tmp_path / "drop"), rate=3, fail_every=3)
    [result] = run_syncs(engine, [_api(upstream, page_size=1)])
    assert result.ok
    assert (_count(session, Enterprise), _count(session, DishonestRecord)) == (6, 2)


def test_a_wrong_token_fails_the_sync_with_a_clear_reason(tmp_path, engine, session, fake_upstream):
    upstream = fake_upstream(_drop(tmp_path / "drop"), rate=0)
    cfg = _api(upstream)
    cfg.token = "wrong"
    [result] = run_syncs(engine, [cfg])
    assert (
        not result.ok and "令牌" in result.error.message_zh and "token" in result.error.message_en
    )
    assert session.scalars(select(SyncRun.status)).all() == ["failed", "failed"]


def test_a_killed_sync_resumes_from_its_last_checkpoint(
    tmp_path, database_url, engine, session, fake_upstream
):
    upstream = fake_upstream(_drop(tmp_path / "drop", n=60), rate=0)
    (tmp_path / "sources.yaml").write_text(
        f"""sources:
  upstream:
    title_zh: 上游
    title_en: upstream
    transport: api
    url: {upstream.url}
    token: {upstream.token}
    layouts: [registry.enterprises]
    page_size: 5
    max_requests_per_second: 4
""",
        encoding="utf-8",
    )
    env = dict(
        os.environ,
        XINYONG_DATABASE_URL=database_url,
        XINYONG_SOURCES_FILE=str(tmp_path / "sources.yaml"),
        # Far longer than any process start-up, however busy the machine: the lease's end is
        # brought forward below instead of waited for.
        XINYONG_SYNC_LEASE_SECONDS="600",
    )
    command = [sys.executable, "-m", "xinyong", "sync", "upstream"]
    killed = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 30
    while (
        time.monotonic() < deadline
        and session.scalar(select(func.count()).select_from(Enterprise)) < 15
    ):
        time.sleep(0.1)
    killed.kill()
    killed.wait()
    landed = _count(session, Enterprise)
    assert 15 <= landed < 60

    refused = subprocess.run(command, env=env, capture_output=True, timeout=60)
    assert refused.returncode == 1 and "another process" in refused.stderr.decode()
    # Ten minutes pass: the dead process's lease runs out.
    session.execute(update(Lease).values(expires_at=utcnow() - timedelta(seconds=1)))
    session.commit()

    finished = subprocess.run(command, env=env, capture_output=True, timeout=60)
    assert finished.returncode == 0, finished.stderr.decode()
    session.expire_all()
    assert _count(session, Enterprise) == 60
    runs = session.scalars(select(SyncRun).order_by(SyncRun.id)).all()
    assert [r.status for r in runs] == [
        "failed",
        "succeeded",
    ]  # the killed run is marked interrupted
    assert "interrupted" in runs[0].error
    assert runs[1].rows_read <= 60 - landed + 5  # resumed, not restarted: at most one page re-read
