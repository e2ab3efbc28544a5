"""The site's writes while a long job runs: a job in one process, a writer in another recording
a verification every --every seconds as the server's batch writer does; how long each write
took, and how many failed.

    git worktree add /tmp/xinyong-old <commit>
    python bench/job_writes.py --db /work/benchdata/load1m/x.db old=/tmp/xinyong-old/src new=src

--job rules (the default) is the hourly list rules' pass (`xinyong lists propose`) proposing
every 失信 record's entry from scratch: before each version's run the rules' proposals are
deleted from the data set (the benchmark's copy; it is left as the last run made it).
--job rating is the quarter-hourly rating pass over what changed (`xinyong rating recompute`):
before each run the pass's saved position is put back where it was when this script started,
so each run rates the same firms (after a rules run: the 15,721 whose entries were proposed).
The writer is this checkout's
code, the same in both versions: `record_verifications` in the write turn (db.one_writer), with
the server's 30 s busy timeout.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

from sqlalchemy import select, text


def reset(engine) -> int:
    """Take back every proposal the rules made (and its events): the next pass makes them anew."""
    with engine.begin() as conn:
        rule_made = "SELECT id FROM list_entry WHERE origin = 'rule'"
        n = conn.execute(text(f"SELECT count(*) FROM ({rule_made}) AS t")).scalar_one()
        for table in ("list_event", "list_notification", "list_objection", "list_repair"):
            conn.execute(text(f"DELETE FROM {table} WHERE entry_id IN ({rule_made})"))
        conn.execute(text("DELETE FROM list_entry WHERE origin = 'rule'"))
    return n


def position(engine) -> tuple:
    with engine.connect() as conn:
        return tuple(
            conn.execute(text("SELECT seq, at FROM rating_state WHERE name = 'changes'")).one()
        )


def put_back(engine, saved: tuple) -> int:
    """The rating pass's position as saved: the next pass rates what changed since then."""
    with engine.begin() as conn:
        conn.execute(
            text("UPDATE rating_state SET seq = :seq, at = :at WHERE name = 'changes'"),
            {"seq": saved[0], "at": saved[1]},
        )
    return 0


JOBS = {"rules": ["lists", "propose"], "rating": ["rating", "recompute"]}


def writes_during(job: subprocess.Popen, sessions, answer, every: float) -> list[tuple[float, str]]:
    """(seconds, outcome) of each write made while `job` runs."""
    from xinyong.verification.service import record_verifications

    done: list[tuple[float, str]] = []
    request, out = answer
    while job.poll() is None:
        mine = out.model_copy(update={"id": uuid.uuid4().hex})
        start = time.perf_counter()
        try:
            with sessions() as session:
                record_verifications(session, [(request, mine)])
            outcome = "ok"
        except Exception as exc:  # what a visitor's verification would have met
            outcome = type(exc).__name__ + ": " + str(exc).splitlines()[0][:80]
        done.append((time.perf_counter() - start, outcome))
        time.sleep(every)
    return done


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("versions", nargs="+", help="label=SRC (the folder holding xinyong/)")
    parser.add_argument("--db", type=Path, required=True)
    parser.add_argument("--every", type=float, default=0.05, help="seconds between writes")
    parser.add_argument("--job", choices=sorted(JOBS), default="rules")
    args = parser.parse_args()

    from xinyong.db import make_engine, session_factory
    from xinyong.registry.models import Enterprise
    from xinyong.verification.schemas import VerificationRequest
    from xinyong.verification.service import run_verification

    url = f"sqlite:///{args.db}"
    engine = make_engine(url)
    sessions = session_factory(engine)
    with sessions() as session:
        code = session.scalar(select(Enterprise.credit_code).limit(1))
        request = VerificationRequest(code=code)
        answer = (request, run_verification(session, request))
    results = {}
    saved = position(engine)
    for version in args.versions:
        label, src = version.split("=", 1)
        taken_back = reset(engine) if args.job == "rules" else put_back(engine, saved)
        env = dict(os.environ, PYTHONPATH=str(Path(src).resolve()), XINYONG_DATABASE_URL=url)
        started = time.perf_counter()
        job = subprocess.Popen(
            [sys.executable, "-m", "xinyong", *JOBS[args.job]],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        writes = writes_during(job, sessions, answer, args.every)
        err = job.stderr.read() if job.stderr else ""
        seconds = time.perf_counter() - started
        ok = sorted(s for s, o in writes if o == "ok")
        failed = [o for _, o in writes if o != "ok"]
        results[label] = {
            "job": args.job,
            "job_seconds": round(seconds, 1),
            "job_exit": job.returncode,
            "proposals_taken_back": taken_back,
            "writes": len(writes),
            "failed": len(failed),
            "failures": sorted(set(failed)),
            "ok_p50_ms": round(statistics.median(ok) * 1000, 1) if ok else None,
            "ok_p95_ms": round(ok[int(len(ok) * 0.95)] * 1000, 1) if ok else None,
            "ok_max_ms": round(ok[-1] * 1000, 1) if ok else None,
            "ok_over_100_ms": sum(1 for s in ok if s > 0.1),
        }
        if job.returncode:
            results[label]["job_error"] = err[-500:]
        print(f"{label}: {json.dumps(results[label], ensure_ascii=False)}", flush=True)
    engine.dispose()


if __name__ == "__main__":
    main()
