"""Three-step verification latency, in-process, over a demo data set synced by the real connectors.

    python bench/verify_bench.py --enterprises 100000 --workdir /tmp/xinyong-verify-bench
    python bench/verify_bench.py --database-url postgresql://127.0.0.1:5432/bench ...

Each sample is one `verify()` (all three steps, stored, committed) on a fresh session; reported
per kind of query: p50/p95/p99 in milliseconds. Kinds: the debt-service sector by code (these
have the court records, penalties and people findings), ordinary enterprises by code, and by
name. A warm-up pass runs first so page caches are not what is measured.
"""

from __future__ import annotations

import argparse
import csv
import json
import random
import statistics
import time
from pathlib import Path

from xinyong.db import make_engine, session_factory, upgrade
from xinyong.demo import generate
from xinyong.sources.config import DEFAULT_FILE, load_sources
from xinyong.sources.scheduler import run_syncs
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import verify


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--enterprises", type=int, default=100_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/xinyong-verify-bench"))
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--samples", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    drop = args.workdir / "drop"
    manifest_file = drop / "manifest.json"
    if not manifest_file.exists():
        t = time.perf_counter()
        generate(drop, enterprises=args.enterprises, seed=args.seed)
        print(f"generated {args.enterprises} enterprises in {time.perf_counter() - t:.1f}s")
    manifest = json.loads(manifest_file.read_text("utf-8"))
    url = args.database_url or f"sqlite:///{args.workdir / 'bench.db'}"
    upgrade(url)
    engine = make_engine(url)
    sources = [c.model_copy(update={"path": drop}) for c in load_sources(DEFAULT_FILE).values()]
    t = time.perf_counter()
    results = run_syncs(engine, sources)
    assert all(r.ok for r in results), results
    print(f"synced in {time.perf_counter() - t:.1f}s")

    rng = random.Random(args.seed)
    with (drop / "enterprises.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    ordinary = rng.sample(rows[len(manifest["sector"]) :], args.samples)
    kinds = {
        "sector_code": [VerificationRequest(code=m["credit_code"]) for m in manifest["sector"]],
        "code": [VerificationRequest(code=r["统一社会信用代码"]) for r in ordinary],
        "code_and_name": [
            VerificationRequest(code=r["统一社会信用代码"], name=r["企业名称"]) for r in ordinary
        ],
        "name": [VerificationRequest(name=r["企业名称"]) for r in ordinary],
    }
    sessions = session_factory(engine)
    for requests in kinds.values():  # warm-up
        for request in requests[:20]:
            with sessions() as s:
                verify(s, request)
                s.rollback()
    print(f"{'kind':14} {'n':>5} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'mean ms':>8}")
    for kind, requests in kinds.items():
        times = []
        for request in requests:
            with sessions() as s:
                t = time.perf_counter()
                verify(s, request)
                s.commit()
                times.append((time.perf_counter() - t) * 1000)
        print(
            f"{kind:14} {len(times):5d} {_percentile(times, 0.5):8.1f} "
            f"{_percentile(times, 0.95):8.1f} {_percentile(times, 0.99):8.1f} "
            f"{statistics.fmean(times):8.1f}"
        )


if __name__ == "__main__":
    main()
