"""What a kept generation read costs the event loop, alone and beside busy threads (SQLite).

    python bench/generation_reads.py --db /work/benchdata/load1m/x.db
    PYTHONPATH=/tmp/wt-old/src python bench/generation_reads.py --db ...   # another version

Every request a worker answers from its answer cache first asks the process's GenerationReader
whether the data moved on (api/cache.py). On SQLite that was `PRAGMA data_version`: a call into
SQLite, which lets the GIL go, so the event loop may then wait for it behind the request
threads; since wal_index.py it is a read of the WAL index's header from memory. This times
--reads reads of a kept row with 0, 1 and 3 threads beside the reader that only compute Python,
at the server's switch interval (1 ms), in --passes passes, and prints the median, p90 and p99
microseconds of a read per pass and number of busy threads.

With --forced every read asks the database, as the first read after a commit does: each kind of
generation alone (a search's, a profile's, the agency pages'), and all three in one statement.
The time is mostly not SQLite's (3-26 µs alone) but the wait to take the GIL back after the call
let it go, which grows with the call's length.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import threading
import time
from pathlib import Path

from xinyong.api.cache import (
    AGENCY_DATA,
    PUBLIC_DATA,
    REGISTRY_DATA,
    Generation,
    GenerationReader,
)
from xinyong.db import make_engine


def busy(stop: threading.Event) -> None:
    """Pure Python work, as a request thread ranking a page or rendering one."""
    n = 0
    while not stop.is_set():
        for i in range(2_000):
            n += i * i % 7


# The kinds as the reader reads them, and the three in one statement.
KINDS = {"registry": REGISTRY_DATA, "public": PUBLIC_DATA, "agency": AGENCY_DATA}
KINDS["all three"] = Generation(
    "SELECT * FROM "
    + " CROSS JOIN ".join(f"({kind.sql}) AS g{i}" for i, kind in enumerate(KINDS.values())),
    tuple,
    timed=True,
)


def timed_reads(
    reader: GenerationReader,
    reads: int,
    beside: int,
    of: Generation = PUBLIC_DATA,
    forced: bool = False,
) -> list[float]:
    stop = threading.Event()
    threads = [threading.Thread(target=busy, args=(stop,)) for _ in range(beside)]
    for thread in threads:
        thread.start()
    time.sleep(0.05)  # the busy threads are running
    took = []
    try:
        for _ in range(reads):
            if forced:
                reader._rows.clear()  # what a moved WAL header does to every kept row
            started = time.perf_counter()
            reader.read(of)
            took.append((time.perf_counter() - started) * 1e6)
    finally:
        stop.set()
        for thread in threads:
            thread.join()
    return took


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a SQLite file (load_bench's)")
    parser.add_argument("--reads", type=int, default=2_000)
    parser.add_argument("--passes", type=int, default=3)
    parser.add_argument("--busy", default="0,1,3", help="busy threads beside the reader")
    parser.add_argument(
        "--forced", action="store_true", help="every read asks the database, per kind"
    )
    args = parser.parse_args()

    sys.setswitchinterval(0.001)  # the server's (xinyong.serving)
    engine = make_engine(f"sqlite:///{args.db.resolve()}")
    reader = GenerationReader(engine)
    reader.read(PUBLIC_DATA)  # kept from here on: nothing writes to the file
    kinds = KINDS if args.forced else {"public (kept)": PUBLIC_DATA}
    print("| pass | read | busy threads | median µs | mean µs | p90 µs | p99 µs | statements |")
    print("| ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for number in range(1, args.passes + 1):
        for beside in (int(b) for b in args.busy.split(",")):
            for name, of in kinds.items():
                sent = reader.reads
                took = sorted(timed_reads(reader, args.reads, beside, of, args.forced))
                p90, p99 = took[int(0.9 * len(took))], took[int(0.99 * len(took))]
                print(
                    f"| {number} | {name} | {beside} | {statistics.median(took):.1f} | "
                    f"{statistics.mean(took):.1f} | {p90:.1f} | {p99:.1f} | "
                    f"{reader.reads - sent} |"
                )
    reader.close()
    engine.dispose()


if __name__ == "__main__":
    main()
