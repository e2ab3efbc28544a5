"""The README's first command: `xinyong demo` loads demo data through the real connectors and serves the site."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys

import httpx

from tests.support.node_process import free_port, wait_until_healthy


def test_the_one_command_demo_serves_the_api_and_the_pages(tmp_path):
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("XINYONG_")}
    proc = subprocess.Popen(
        [sys.executable, "-m", "xinyong", "demo", "--enterprises", "400", "--port", str(port)],
        cwd=tmp_path,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(proc, base, 120)

        manifest = json.loads((tmp_path / "data" / "demo" / "manifest.json").read_text("utf-8"))
        law_firm = next(s for s in manifest["sector"] if s["name"] == "江苏田湾律师事务所")
        body = httpx.get(f"{base}/api/v1/enterprises/{law_firm['credit_code']}").json()
        assert body["enterprise"]["name"] == "江苏田湾律师事务所"
        assert body["enterprise"]["provenance"]["demo"] is True
        assert body["enterprise"]["provenance"]["source"] == "gsxt"

        home = httpx.get(base, params={"code": law_firm["credit_code"]}).text
        assert "代码有效" in home and "律师执业机构" in home and "演示数据" in home
        assert httpx.get(f"{base}/docs").status_code == 200

        # The article's case: the sync flagged the two companies revoked for violent collection.
        alerts = httpx.get(f"{base}/api/v1/alerts", params={"kind": "propose_blacklist"}).json()
        assert len(alerts) == 2 and all("暴力" in a["message_zh"] for a in alerts)
        sources = {s["name"]: s for s in httpx.get(f"{base}/api/v1/sources").json()}
        assert all(sources[name]["fresh"] for name in ("gsxt", "zxgk", "penalties"))
        assert (tmp_path / "xinyong.db").exists()
        # A demo operator decided the list rules' proposals of four weeks before the data's
        # day: the public black list shows them, each with its whole history signed by that
        # operator; nothing was published before the party's notice period was over.
        with sqlite3.connect(tmp_path / "xinyong.db") as db:
            states = dict(db.execute("SELECT state, count(*) FROM list_entry GROUP BY state"))
            history = db.execute(
                "SELECT e.id, v.action, v.actor, v.at FROM list_entry e "
                "JOIN list_event v ON v.entry_id = e.id WHERE e.state = 'published' "
                "ORDER BY e.id, v.id"
            ).fetchall()
        public = httpx.get(f"{base}/api/v1/lists", params={"limit": 500}).json()["items"]
        assert states["published"] == len(public) > 0
        first = [row for row in history if row[0] == history[0][0]]
        assert [action for _, action, _, _ in first] == [
            "proposed",
            "approved",
            "notified",
            "published",
        ]
        assert {actor for _, action, actor, _ in first if action in ("approved", "published")} == {
            "演示操作员 demo operator"
        }
        assert first[3][3][:10] > first[1][3][:10]  # published on a later day than approved
        # The violent collectors of the article's case are among them.
        assert {x["credit_code"] for x in public if x["publicity_class"] == "serious"} == {
            a["credit_code"] for a in alerts
        }
    finally:
        proc.terminate()
        proc.wait(timeout=20)
