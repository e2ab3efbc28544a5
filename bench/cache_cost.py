"""What keeping answers costs a stream of misses: the answer cache's work per answer against the answer's own.

    python bench/cache_cost.py --db /work/benchdata/load1m/x.db --rounds 3

A miss with the production answer cache on (api/cache.py) is looked up twice — before routing
(the fast path) and by the route — in this process's memory and in the shared store (the
machine's disk cache, as `xinyong serve --workers 2` sets it up), then computed and kept in
both. This measures, in one process and one thread, the CPU of that cache work for the load
benchmark's name searches (`search.tsv` in the database's folder, written by load_bench.py or
search_ab.py) against the CPU of computing the same answers (the route's work: the search and
its JSON), in alternating rounds, and prints each round and the medians. Waiting for the disk
cache's write lock, which several processes contend for, is not CPU and is not counted here.
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from xinyong.api.cache import DiskCache, MemoryCache, ReadCache, TieredCache
from xinyong.db import make_engine, session_factory
from xinyong.search.service import search


def queries(path: Path, limit: int) -> list[tuple[str, tuple]]:
    """(q, the request's key parts) of the benchmark's distinct name searches, in file order."""
    out: dict[tuple, str] = {}
    for line in path.read_text("utf-8").splitlines():
        address = urlsplit(line.split("\t")[1])
        params = tuple(sorted(parse_qsl(address.query, keep_blank_values=True)))
        out.setdefault((address.path, params), dict(params)["q"])
    return [(q, parts) for parts, q in out.items()][:limit]


def compute_round(sessions, asked: list[tuple[str, tuple]]) -> tuple[float, list[bytes]]:
    """CPU seconds to compute every answer, as the route does, and the answers."""
    bodies = []
    start = time.process_time()
    for q, _ in asked:
        with sessions() as session:
            bodies.append(search(session, q).model_dump_json().encode())
    return time.process_time() - start, bodies


def cache_round(
    folder: Path, asked: list[tuple[str, tuple]], bodies: list[bytes], generation: int
) -> float:
    """CPU seconds of the cache's work for every answer as a miss: two look-ups, one keeping."""
    store = TieredCache(MemoryCache(64 * 2**20), DiskCache(folder, 256 * 2**20))
    cache = ReadCache(store, "bench:cache:x")
    start = time.process_time()
    for (_, parts), body in zip(asked, bodies, strict=True):
        for _ in range(2):  # the fast path's look-up, then the route's
            key, _ = cache.key(generation, parts)
            assert store.get(key) is None
        store.set(key, body)
    return time.process_time() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, required=True, help="a SQLite file built by load_bench")
    parser.add_argument("--queries", type=Path, help="default: search.tsv beside the database")
    parser.add_argument("--limit", type=int, default=2000, help="searches per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    asked = queries(args.queries or args.db.parent / "search.tsv", args.limit)
    engine = make_engine(f"sqlite:///{args.db.resolve()}")
    sessions = session_factory(engine)
    compute_round(sessions, asked[:100])  # the file's first pages, the statements' cache
    computed, kept = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for round_no in range(args.rounds):
            cpu, bodies = compute_round(sessions, asked)
            # A fresh generation each round: every key is new to the store, as after a sync.
            spent = cache_round(Path(tmp), asked, bodies, generation=round_no + 1)
            n = len(asked)
            computed.append(cpu / n * 1e6)
            kept.append(spent / n * 1e6)
            print(
                f"round {round_no + 1}: answer {computed[-1]:,.0f} µs of CPU, cache work "
                f"{kept[-1]:,.1f} µs ({kept[-1] / computed[-1]:.1%}); answers "
                f"{statistics.mean(len(b) for b in bodies):,.0f} bytes on average"
            )
    engine.dispose()
    c, k = statistics.median(computed), statistics.median(kept)
    print(
        f"{len(asked):,} searches per round, medians: answer {c:,.0f} µs, cache work "
        f"{k:,.1f} µs per miss = {k / c:.1%} of the answer's own CPU"
    )


if __name__ == "__main__":
    main()
