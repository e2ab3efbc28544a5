"""What storing a batch of verification records costs a server thread, alone and beside busy ones.

    python bench/record_writes.py --workdir /tmp/xinyong-record-bench
    PYTHONPATH=/tmp/wt-old/src python bench/record_writes.py --workdir ...   # another version
    python bench/record_writes.py --workdir ... --switch-ms 5,1,0.5   # shorter switch intervals

In a server worker the record writer (api/group_commit.py) shares one GIL with the event loop
and the request threads. Each database call lets the GIL go, and a thread that wants it back
waits while the others run — up to a switch interval each time (5 ms by default). So a batch's
time beside busy threads grows with the number of calls it makes, not only with its own work.
This measures `record_verifications` (the writer's function: one write turn, the ledger leaves,
one commit) on batches of prepared answers, with 0, 1 and 3 threads beside it that only compute
Python, and prints the median and p90 milliseconds a batch. Answers are prepared outside the
timed part, and with each batch time the loops the busy threads completed a second: what a
shorter switch interval gives the writer it may take from them. The demo data set is made and
synced through the real connectors on the first run.
"""

from __future__ import annotations

import argparse
import csv
import random
import statistics
import sys
import threading
import time
from pathlib import Path

from xinyong import wiring
from xinyong.db import make_engine, session_factory, upgrade
from xinyong.demo import generate
from xinyong.sources.config import DEFAULT_FILE, load_sources
from xinyong.sources.scheduler import run_syncs
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import prepare_verification, record_verifications


def busy(stop: threading.Event, loops: list[int], slot: int) -> None:
    """Pure Python work, as a request thread ranking a page or a loop serialising one."""
    n = 0
    while not stop.is_set():
        for i in range(2_000):
            n += i * i % 7
        loops[slot] += 1


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=20_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/xinyong-record-bench"))
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--batches", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=5)
    parser.add_argument("--busy", default="0,1,3", help="busy threads beside the writer, per pass")
    parser.add_argument(
        "--switch-ms",
        default="5",
        help="switch intervals to measure, in ms (sys.setswitchinterval; Python's own is 5)",
    )
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    drop = args.workdir / "drop"
    url = args.database_url or f"sqlite:///{args.workdir / 'records.db'}"
    fresh = not (drop / "manifest.json").exists()
    if fresh:
        generate(drop, enterprises=args.enterprises, seed=args.seed)
    upgrade(url)
    engine = make_engine(url)
    wiring.connect()  # the ledger anchors each record, as in the server
    if fresh or args.database_url:
        sources = [c.model_copy(update={"path": drop}) for c in load_sources(DEFAULT_FILE).values()]
        results = run_syncs(engine, sources)
        assert all(r.ok for r in results), results

    with (drop / "enterprises.csv").open(encoding="utf-8", newline="") as fh:
        codes = [r["统一社会信用代码"] for r in csv.DictReader(fh)]
    rng = random.Random(args.seed)
    sessions = session_factory(engine)

    def batch() -> list:
        picked = rng.sample(codes, args.batch_size)
        with sessions() as session:
            return [
                (req, prepare_verification(session, req)[0])
                for req in (VerificationRequest(code=c) for c in picked)
            ]

    def write(answers: list) -> float:
        t = time.perf_counter()
        with sessions() as session:
            record_verifications(session, answers)
        return (time.perf_counter() - t) * 1000

    for _ in range(10):  # warm-up: statements prepared, pages read
        write(batch())
    levels = [int(b) for b in args.busy.split(",")]
    intervals = [float(ms) for ms in args.switch_ms.split(",")]
    # Every answer is prepared before the timed passes, so busy threads slow only the writes.
    prepared = {
        (ms, beside): [batch() for _ in range(args.batches)]
        for ms in intervals
        for beside in levels
    }
    print(
        f"{'switch ms':>9} {'busy threads':>12} {'batches':>8} {'p50 ms':>8} {'p90 ms':>8} "
        f"{'mean ms':>8} {'busy loops/s':>12}"
    )
    python_own = sys.getswitchinterval()
    for ms, beside in prepared:
        sys.setswitchinterval(ms / 1000)
        stop = threading.Event()
        loops = [0] * beside
        threads = [
            threading.Thread(target=busy, args=(stop, loops, i), daemon=True) for i in range(beside)
        ]
        for t in threads:
            t.start()
        started = time.perf_counter()
        try:
            times = [write(answers) for answers in prepared[ms, beside]]
        finally:
            stop.set()
            for t in threads:
                t.join()
        # What the busy threads got done meanwhile: a shorter interval must not starve them.
        rate = sum(loops) / (time.perf_counter() - started)
        print(
            f"{ms:9g} {beside:12d} {len(times):8d} {statistics.median(times):8.1f} "
            f"{statistics.quantiles(times, n=10)[-1]:8.1f} {statistics.fmean(times):8.1f} "
            f"{rate:12.0f}"
        )
    sys.setswitchinterval(python_own)


if __name__ == "__main__":
    main()
