"""A regulator back-tests the scorecard on the demo data: revoked violent collectors and the 失信
agency fall to C/CC, every 讨债-named firm is flagged, and lawful, clean agencies rank high."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.rating.conftest import RATED_AT
from xinyong.rating.report import back_test
from xinyong.rating.service import recompute_all


def test_the_known_bad_actors_fall_and_clean_agencies_rank_high(engine, session, demo):
    done = recompute_all(engine, RATED_AT)
    assert done.rated == done.changed == done.history == 200

    report = back_test(session, demo.folder)
    assert report.ok, [(c.name_en, s) for c in report.checks for s in c.subjects if not s["ok"]]
    assert report.rated == 200 and report.model_version == "2"
    assert sum(report.grades.values()) == 200 and sum(report.colours.values()) == 200
    revoked, dishonest, named, beyond_scope, clean = report.checks
    assert {s["grade"] for s in revoked.subjects} == {"C"}
    assert len(revoked.subjects) == 2
    assert [s["name"] for s in dishonest.subjects] == ["江苏诚泰信用管理有限公司"]
    assert dishonest.subjects[0]["grade"] == "CC" and dishonest.subjects[0]["colour"] == "red"
    assert len(named.subjects) == 5
    # A consulting firm fined for collecting debts beyond its scope: a small fine, yet no longer
    # AAA (scorecard version 2).
    [consultant] = beyond_scope.subjects
    assert consultant["name"] == "连云港信达商务咨询有限公司" and consultant["colour"] == "red"
    assert consultant["grade"] in ("B", "CCC", "CC", "C")
    assert len(clean.subjects) >= 30
    assert all(s["grade"] in ("AAA", "AA", "A") for s in clean.subjects)


def test_the_report_command_prints_the_distribution_and_fails_without_ratings(
    database_url, engine, demo
):
    env = dict(os.environ, XINYONG_DATABASE_URL=database_url, COLUMNS="200")

    def run(*args):
        return subprocess.run(
            [sys.executable, "-m", "xinyong", "rating", *args],
            env=env,
            capture_output=True,
            text=True,
        )

    # Nothing rated yet: the known actors have no grade, so the back-test fails, and says why.
    before = run("report", "--data", str(demo.folder))
    assert before.returncode == 1 and "✘" in before.stdout

    assert run("recompute", "--all").returncode == 0
    after = run("report", "--data", str(demo.folder), "--json")
    assert after.returncode == 0, after.stdout + after.stderr
    data = json.loads(after.stdout)
    assert data["ok"] and data["rated"] == 200 and set(data["grades"]) >= {"AAA", "C"}

    missing = run("report", "--data", str(demo.folder / "nowhere"))
    assert missing.returncode == 1 and "manifest" in missing.stderr
