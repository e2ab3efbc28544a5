"""A day's registry file at scale: `xinyong sync gsxt` of the full enterprise file with a day's
changes in it, on a copy of a built database, for one or more versions taking turns.

    python bench/daily_sync.py --workdir /work/benchdata/load1m --rounds 2 old=/tmp/wt-old/src new=src

The registry's file drop is a full snapshot: a day's file repeats a million enterprises, a few
thousand of them changed. This rewrites WORKDIR/data/demo/enterprises.csv with every 500th
enterprise renamed (its old name kept as a former name) and every 1,000th (offset 250) active
one cancelled, syncs it into a fresh copy of WORKDIR/x.db per run (the other registry files are
unchanged and skipped by their digest), and puts the original file back at the end. Each run is
a whole process timed by /usr/bin/time -v: wall seconds and peak RSS.

With --database-url (PostgreSQL, as built by load_bench.py into WORKDIR), the day's file is
synced into that database itself, once, by one version: there is no file to copy, and the
database keeps the day's changes.

    python bench/daily_sync.py --workdir /work/benchdata/pg1m --rounds 1 \
        --database-url "postgresql://127.0.0.1:5432/test?options=-csearch_path%3Dload1m" new=src
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import sys
from pathlib import Path

from import_bench import timed


def write_day(original: Path, out: Path) -> tuple[int, int]:
    """The snapshot with a day's renames and cancellations; (renamed, cancelled)."""
    renamed = cancelled = 0
    with (
        original.open(newline="", encoding="utf-8") as f,
        out.open("w", newline="", encoding="utf-8") as o,
    ):
        rows, writer = csv.reader(f), csv.writer(o)
        header = next(rows)
        writer.writerow(header)
        at = {
            h: header.index(h)
            for h in ("企业名称", "曾用名", "登记状态", "状态日期", "状态原因", "更新日期")
        }
        for i, row in enumerate(rows):
            if i % 500 == 0 and "有限公司" in row[at["企业名称"]]:
                old = row[at["企业名称"]]
                row[at["曾用名"]] = ";".join(p for p in (row[at["曾用名"]], old) if p)
                row[at["企业名称"]] = old.replace("有限公司", "科技有限公司", 1)
                row[at["更新日期"]] = "2026-11-21"
                renamed += 1
            elif i % 1000 == 250 and row[at["登记状态"]] == "存续":
                row[at["登记状态"]], row[at["状态日期"]] = "注销", "2026-11-21"
                row[at["状态原因"]], row[at["更新日期"]] = "决议解散", "2026-11-21"
                cancelled += 1
            writer.writerow(row)
    return renamed, cancelled


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument(
        "--database-url", help="sync into this database itself (once, one version), not a copy"
    )
    parser.add_argument("versions", nargs="+", help="LABEL=SRC (a checkout's src folder)")
    args = parser.parse_args()
    if args.database_url and (args.rounds != 1 or len(args.versions) != 1):
        parser.error("--database-url syncs into the database itself: one round, one version")
    drop = args.workdir / "data" / "demo" / "enterprises.csv"
    kept = args.workdir / "enterprises.day0.csv"
    shutil.move(drop, kept)
    try:
        renamed, cancelled = write_day(kept, drop)
        print(f"a day's file: {renamed} renamed, {cancelled} cancelled")
        for n in range(args.rounds):
            for label, src in (v.split("=", 1) for v in args.versions):
                url = args.database_url
                if not url:
                    copy = args.workdir / "day.db"
                    for stale in args.workdir.glob("day.db*"):  # a WAL left by the last run
                        stale.unlink()
                    shutil.copyfile(args.workdir / "x.db", copy)
                    url = f"sqlite:///{copy}"
                env = dict(
                    os.environ,
                    PYTHONPATH=str(Path(src).resolve()),
                    XINYONG_DATA_DIR=str(args.workdir / "data"),
                    XINYONG_DATABASE_URL=url,
                )
                run = timed([sys.executable, "-m", "xinyong", "sync", "gsxt"], env=env)
                print(f"round {n + 1} {label}: {run['seconds']:.1f} s, peak {run['rss_mb']:.0f} MB")
    finally:
        shutil.move(kept, drop)
        for stale in args.workdir.glob("day.db*"):
            stale.unlink()


if __name__ == "__main__":
    main()
