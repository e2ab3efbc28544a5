"""From the shell: `xinyong verify` on one agency or on a file, with a progress bar and a result file."""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys


def _xinyong(*args: str, database_url: str, cwd) -> subprocess.CompletedProcess:
    env = dict(os.environ, XINYONG_DATABASE_URL=database_url, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "xinyong", *args], env=env, capture_output=True, text=True, cwd=cwd
    )


def test_verify_one_by_code_or_name_and_a_file(demo, database_url, tmp_path):
    firm = demo.member("江苏田湾律师事务所")
    ok = _xinyong("verify", firm["credit_code"], database_url=database_url, cwd=tmp_path)
    assert ok.returncode == 0, ok.stderr
    assert "核验结论 通过" in ok.stdout and "第二步 资质核验" in ok.stdout

    agency = demo.story("dishonest_agency")
    bad = _xinyong("verify", agency["name"], "--json", database_url=database_url, cwd=tmp_path)
    assert bad.returncode == 1
    body = json.loads(bad.stdout)
    assert (
        body["verdict"] == "不通过" and body["enterprise"]["credit_code"] == agency["credit_code"]
    )

    listing = tmp_path / "codes.csv"
    listing.write_text(
        f"统一社会信用代码\n{firm['credit_code']}\n123\n{agency['credit_code']}\n", encoding="utf-8"
    )
    batch = _xinyong(
        "verify", "--file", str(listing), "--out", "result.csv",
        database_url=database_url, cwd=tmp_path,
    )  # fmt: skip
    assert batch.returncode == 0, batch.stderr
    assert "通过 1" in batch.stdout and "不通过 1" in batch.stdout and "第3行" in batch.stdout
    with (tmp_path / "result.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["核验结论 verdict"] for r in rows] == ["通过", "", "不通过"]
