"""Import throughput and memory: `xinyong demo-data` then `xinyong sync` of each source, side by
side with SQLite's own CSV loader on the same files (the raw write ceiling of this machine).

    python bench/import_bench.py --enterprises 1000000 --workdir /tmp/xinyong-bench

Prints a Markdown table; every figure is a whole process measured by /usr/bin/time -v.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

SOURCES = {
    "gsxt": ["enterprises", "shareholders", "licences", "abnormal"],
    "zxgk": ["debtors", "dishonest"],
    "penalties": ["penalties"],
}


def timed(command: list[str], env: dict[str, str] | None = None, cwd: Path | None = None) -> dict:
    """Run under /usr/bin/time -v; wall seconds and peak RSS (MB) of the whole process."""
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command], env=env, cwd=cwd, capture_output=True, text=True
    )
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{result.stderr[-3000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time.*: (?:(\d+):)?(\d+):([\d.]+)", result.stderr)
    hours, minutes, seconds = (float(g) if g else 0.0 for g in wall.groups())
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return {"seconds": hours * 3600 + minutes * 60 + seconds, "rss_mb": rss / 1024}


def sqlite_import(db: Path, files: list[Path]) -> list[str]:
    """The baseline: sqlite3's .import of the same CSVs into bare tables, no checks."""
    # sqlite3 runs each argument as one SQL statement or dot-command, in order.
    commands = ["PRAGMA journal_mode=WAL;"]
    for f in files:
        header = f.open(encoding="utf-8").readline().strip().split(",")
        cols = ", ".join(f'"c{i}" TEXT' for i in range(len(header)))
        commands += [f"CREATE TABLE t_{f.stem} ({cols});", f".import --csv --skip 1 {f} t_{f.stem}"]
    return ["sqlite3", str(db), *commands]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/xinyong-bench"))
    args = parser.parse_args()
    work = args.workdir
    shutil.rmtree(work, ignore_errors=True)
    work.mkdir(parents=True)
    drop = work / "data" / "demo"
    env = dict(
        os.environ,
        XINYONG_DATA_DIR=str(work / "data"),
        XINYONG_DATABASE_URL=f"sqlite:///{work / 'x.db'}",
    )
    xinyong = [sys.executable, "-m", "xinyong"]

    rows = []
    gen = timed(
        [*xinyong, "demo-data", "--out", str(drop), "--enterprises", str(args.enterprises)], env
    )
    manifest = json.loads((drop / "manifest.json").read_text("utf-8"))
    total = sum(manifest["files"].values())
    rows.append(("demo-data (all files)", total, gen, None))
    subprocess.run([*xinyong, "db", "upgrade"], env=env, check=True, capture_output=True)
    for source, stems in SOURCES.items():
        count = sum(manifest["files"][f"{s}.csv"] for s in stems)
        ours = timed([*xinyong, "sync", source], env)
        base_db = work / f"baseline-{source}.db"
        base = timed(sqlite_import(base_db, [drop / f"{s}.csv" for s in stems]))
        rows.append((f"sync {source} ({', '.join(stems)})", count, ours, base))
        print(f"{source}: {count} rows, ours {ours}, sqlite3 {base}", file=sys.stderr, flush=True)

    print(f"enterprises: {args.enterprises:,}\n")
    print(
        "| step | rows | seconds | rows/s | peak RSS MB | sqlite3 .import s | ours / .import time |"
    )
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for name, count, ours, base in rows:
        ratio = f"{ours['seconds'] / base['seconds']:.1f}×" if base else "—"
        base_s = f"{base['seconds']:.1f}" if base else "—"
        print(
            f"| {name} | {count:,} | {ours['seconds']:.1f} | {count / ours['seconds']:,.0f} | "
            f"{ours['rss_mb']:.0f} | {base_s} | {ratio} |"
        )


if __name__ == "__main__":
    main()
