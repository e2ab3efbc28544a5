"""Full rating recompute at scale: every enterprise scored and written, whole process timed.

    python bench/rating_bench.py --db /work/benchdata/x.db --drop DIR   # copy an existing store
    python bench/rating_bench.py --enterprises 1000000                 # or build one first

With --db the store is copied into the work folder (never modified) and migrated there. Without
it, the demo data set is generated and synced through the real connectors, as import_bench.py
does. Then, each step a whole `xinyong` process under /usr/bin/time -v:
the first full pass (every grade new), a second full pass (nothing changed: read, score, compare),
the incremental pass (nothing changed in the feed), and the back-test report on the demo manifest.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

from import_bench import timed  # same directory: /usr/bin/time -v around one process


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path, help="an existing SQLite store to copy")
    parser.add_argument("--drop", type=Path, help="the demo drop folder with manifest.json")
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/xinyong-rating-bench"))
    args = parser.parse_args()
    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    db = work / "x.db"
    env = dict(
        os.environ,
        XINYONG_DATA_DIR=str(work / "data"),
        XINYONG_DATABASE_URL=f"sqlite:///{db}",
        COLUMNS="200",
    )
    xinyong = [sys.executable, "-m", "xinyong"]
    drop = args.drop or work / "data" / "demo"
    if args.db:
        for suffix in ("", "-wal", "-shm"):
            src = Path(f"{args.db}{suffix}")
            if src.exists():
                shutil.copyfile(src, f"{db}{suffix}")
    else:
        db.unlink(missing_ok=True)
        gen = ["demo-data", "--out", str(drop), "--enterprises", str(args.enterprises)]
        subprocess.run([*xinyong, *gen], env=env, check=True, capture_output=True)
        subprocess.run([*xinyong, "db", "upgrade"], env=env, check=True, capture_output=True)
        for source in ("gsxt", "zxgk", "penalties", "agencies"):
            subprocess.run([*xinyong, "sync", source], env=env, check=True, capture_output=True)
    subprocess.run([*xinyong, "db", "upgrade"], env=env, check=True, capture_output=True)
    with sqlite3.connect(db) as conn:
        enterprises = conn.execute("SELECT count(*) FROM enterprise").fetchone()[0]
        conn.execute("DELETE FROM rating_history")
        conn.execute("DELETE FROM rating")
        conn.execute("DELETE FROM rating_state")

    rows = []
    for name, command in (
        ("full pass, first (every grade new)", ["rating", "recompute", "--all"]),
        ("full pass, again (nothing changed)", ["rating", "recompute", "--all"]),
        ("incremental pass (feed unchanged)", ["rating", "recompute"]),
    ):
        result = timed([*xinyong, *command], env)
        rows.append((name, result))
        print(f"{name}: {result}", file=sys.stderr, flush=True)
    with sqlite3.connect(db) as conn:
        rated = conn.execute("SELECT count(*) FROM rating").fetchone()[0]
        history = conn.execute("SELECT count(*) FROM rating_history").fetchone()[0]

    print(f"enterprises: {enterprises:,}; rated: {rated:,}; history rows: {history:,}\n")
    print("| step | seconds | enterprises/s | peak RSS MB |")
    print("| --- | ---: | ---: | ---: |")
    for name, r in rows:
        print(
            f"| {name} | {r['seconds']:.1f} | {enterprises / r['seconds']:,.0f} | {r['rss_mb']:.0f} |"
        )

    report = subprocess.run(
        [*xinyong, "rating", "report", "--data", str(drop), "--json"],
        env=env,
        capture_output=True,
        text=True,
    )
    if report.stdout.strip().startswith("{"):
        data = json.loads(report.stdout)
        print(f"\nback-test (model version {data['model_version']}): ok={data['ok']}")
        print("| grade | " + " | ".join(data["grades"]) + " |")
        print("| --- |" + " ---: |" * len(data["grades"]))
        print("| count | " + " | ".join(f"{n:,}" for n in data["grades"].values()) + " |")
        print("colours: " + ", ".join(f"{c} {n:,}" for c, n in data["colours"].items()))
        for check in data["checks"]:
            grades = sorted({s["grade"] or "-" for s in check["subjects"]})
            print(
                f"- {check['name_en']} (expected {check['expected']}): "
                f"{len(check['subjects'])} subjects, grades {', '.join(grades)}, ok={check['ok']}"
            )
    else:
        print(f"\nback-test: {report.stderr.strip()}")


if __name__ == "__main__":
    main()
