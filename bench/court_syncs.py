"""Court records arriving while the mix runs: a small 失信 drop synced every few seconds through
the real connector (`xinyong sync`), as a court feed polled through the day would bring them.

Each sync's records are rows of the data set's own dishonest.csv, for the same enterprises, under
new case numbers (a record is keyed by its case number and party): new records, each taking a
change-feed number, which is what moves the answer cache's generations.
"""

from __future__ import annotations

import csv
import random
import subprocess
import sys
import threading
import time
from pathlib import Path

SOURCE = "courts-live"


class CourtSyncs:
    """`records` new dishonest records synced by a `xinyong sync` process, `every` seconds after
    the last such sync ended (one at a time, as a scheduler runs a source's syncs)."""

    def __init__(self, work: Path, env: dict[str, str], every: float, records: int, seed: int):
        self.every = every
        self.records = records
        self.folder = work / "data" / SOURCE
        self.folder.mkdir(parents=True, exist_ok=True)
        # A sources file of this one source (the server does not read it: no scheduler there).
        sources = work / "sources-live.yaml"
        sources.write_text(
            "sources:\n"
            f"  {SOURCE}:\n"
            "    title_zh: 法院失信被执行人（日间推送）\n"
            "    title_en: Court dishonest-debtor records (pushed through the day)\n"
            "    transport: files\n"
            f"    path: {SOURCE}\n"
            "    layouts: [enforcement.dishonest]\n"
            "    schedule: null\n",
            "utf-8",
        )
        self.env = dict(env, XINYONG_SOURCES_FILE=str(sources))
        with (work / "data" / "demo" / "dishonest.csv").open(encoding="utf-8", newline="") as fh:
            rows = list(csv.reader(fh))
        self.header, self.rows = rows[0], rows[1:]
        self.case = self.header.index("案号")
        self.updated = self.header.index("更新日期")
        self.rng = random.Random(seed)
        self.runs: list[dict] = []
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def _drop(self, n: int) -> Path:
        path = self.folder / "dishonest.csv"
        today = time.strftime("%Y-%m-%d")
        stamp = time.strftime("%H%M%S")
        with path.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(self.header)
            for i, row in enumerate(self.rng.sample(self.rows, self.records)):
                row = list(row)
                row[self.case] = f"（2026）苏0706执恢{stamp}{n:03d}{i:03d}号"
                row[self.updated] = today
                writer.writerow(row)
        return path

    def _sync(self, n: int) -> None:
        self._drop(n)
        start = time.monotonic()
        done = subprocess.run(
            [sys.executable, "-m", "xinyong", "sync", SOURCE],
            env=self.env,
            capture_output=True,
            text=True,
        )
        self.runs.append(
            {
                "at": time.time(),
                "seconds": round(time.monotonic() - start, 2),
                "ok": done.returncode == 0,
                "error": done.stderr[-500:] if done.returncode else "",
            }
        )

    def start(self) -> None:
        def loop() -> None:
            n = 0
            while not self._stop.wait(self.every):
                self._sync(n)
                n += 1

        self._thread = threading.Thread(target=loop, name="court-syncs", daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def summary(self, since: float, until: float) -> dict:
        """The syncs that ended between `since` and `until` (wall-clock seconds)."""
        runs = [r for r in self.runs if since <= r["at"] <= until]
        return {
            "every_s": self.every,
            "records_each": self.records,
            "syncs": len(runs),
            "failed": sum(not r["ok"] for r in runs),
            "seconds": [r["seconds"] for r in runs],
            "errors": [r["error"] for r in runs if r["error"]][:2],
        }
