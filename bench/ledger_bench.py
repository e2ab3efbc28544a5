"""Ledger throughput and proof latency at a million leaves, on SQLite or PostgreSQL.

    python bench/ledger_bench.py --leaves 1000000 --workdir /tmp/xinyong-ledger-bench
    python bench/ledger_bench.py --database-url postgresql://127.0.0.1:5432/bench ...

Fills a fresh, migrated database through the ledger service (append_many, one transaction per
batch), then at full size measures single appends (one transaction and commit each, as a case
update does), inclusion proofs looked up by leaf hash, consistency proofs and checkpoint signing.
Latencies are per call, wall clock, in milliseconds (p50/p95/p99). Prints Markdown and JSON.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import statistics
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

from sqlalchemy import create_engine, text

from xinyong.db import make_engine, normalise_url, session_factory, upgrade
from xinyong.ledger import merkle, service
from xinyong.ledger.config import LedgerSettings


def percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)
    pick = lambda q: ordered[min(len(ordered) - 1, int(q * len(ordered)))]  # noqa: E731
    return {
        "p50_ms": round(pick(0.50) * 1000, 3),
        "p95_ms": round(pick(0.95) * 1000, 3),
        "p99_ms": round(pick(0.99) * 1000, 3),
        "mean_ms": round(statistics.fmean(ordered) * 1000, 3),
    }


def fresh_database(args) -> tuple[str, callable]:
    if not args.database_url:
        return f"sqlite:///{args.workdir / 'ledger.db'}", lambda: None
    schema = f"bench_{uuid.uuid4().hex[:10]}"
    admin = create_engine(normalise_url(args.database_url), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in args.database_url else "?"
    url = f"{args.database_url}{sep}options={quote(f'-csearch_path={schema}')}"

    def drop() -> None:
        if not args.keep:
            with admin.connect() as conn:
                conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return url, drop


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--leaves", type=int, default=1_000_000)
    parser.add_argument("--batch", type=int, default=5_000, help="leaves per fill transaction")
    parser.add_argument("--samples", type=int, default=2_000, help="timed calls per measure")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/xinyong-ledger-bench"))
    parser.add_argument("--database-url", help="PostgreSQL URL (default: SQLite in workdir)")
    parser.add_argument("--keep", action="store_true", help="keep the PostgreSQL schema")
    args = parser.parse_args()
    shutil.rmtree(args.workdir, ignore_errors=True)
    args.workdir.mkdir(parents=True)
    settings = LedgerSettings(
        origin="bench.example/ledger",
        key_dir=args.workdir / "keys",
        evidence_dir=args.workdir / "evidence",
    )
    url, drop = fresh_database(args)
    upgrade(url)
    engine = make_engine(url)
    sessions = session_factory(engine)
    rng = random.Random(20261128)
    results: dict = {"database": engine.dialect.name, "leaves": args.leaves}
    try:
        # 1. Fill: batches of typical access-audit entries.
        started = time.perf_counter()
        done = 0
        while done < args.leaves:
            n = min(args.batch, args.leaves - done)
            entries = [
                service.Entry(
                    "access_audit_batch",
                    {
                        "seq": done + i,
                        "user": f"u{(done + i) % 997}",
                        "path": "/api/v1/enterprises",
                    },
                )
                for i in range(n)
            ]
            with sessions() as session:
                service.append_many(session, entries, settings=settings)
                session.commit()
            done += n
            if done % (args.batch * 20) == 0 or done == args.leaves:
                rate = done / (time.perf_counter() - started)
                print(f"filled {done:,} leaves, {rate:,.0f}/s", file=sys.stderr)
        fill_seconds = time.perf_counter() - started
        results["fill"] = {
            "seconds": round(fill_seconds, 1),
            "leaves_per_second": round(args.leaves / fill_seconds),
            "batch": args.batch,
        }

        # 2. Single appends at full size, each its own transaction (what a case update does).
        times = []
        for i in range(args.samples):
            t = time.perf_counter()
            with sessions() as session:
                service.append(session, "verification", {"bench": i}, settings=settings)
                session.commit()
            times.append(time.perf_counter() - t)
        results["single_append"] = {
            "appends_per_second": round(len(times) / sum(times)),
            **percentiles(times),
        }
        # The same with an evidence file (4 KiB) stored content-addressed.
        times = []
        for i in range(args.samples // 4):
            blob = rng.randbytes(4096)
            t = time.perf_counter()
            with sessions() as session:
                service.append(session, "evidence", {"bench": i}, blob, settings=settings)
                session.commit()
            times.append(time.perf_counter() - t)
        results["evidence_append"] = {
            "appends_per_second": round(len(times) / sum(times)),
            **percentiles(times),
        }

        with sessions() as session:
            size = service.tree_size(session)
            t = time.perf_counter()
            cp = service.checkpoint(session, settings=settings)
            session.commit()
            results["checkpoint_sign_ms"] = round((time.perf_counter() - t) * 1000, 3)
            root = cp.root_hash

            # 3. Inclusion proofs by leaf hash (index lookup + O(log n) node reads), verified.
            picks = [rng.randrange(size) for _ in range(args.samples)]
            hashes = {
                i: h
                for i, h in session.execute(
                    text(
                        "SELECT leaf_index, leaf_hash FROM ledger_leaf WHERE leaf_index IN :ids"
                    ).bindparams(__import__("sqlalchemy").bindparam("ids", expanding=True)),
                    {"ids": sorted(set(picks))},
                )
            }
            times = []
            for i in picks:
                t = time.perf_counter()
                proof = service.inclusion(session, size, leaf_hash=hashes[i])
                times.append(time.perf_counter() - t)
                merkle.verify_inclusion(proof.leaf_index, size, hashes[i], proof.proof, root)
            results["inclusion_proof"] = percentiles(times)

            # 4. Consistency proofs from a random earlier size to the current one.
            firsts = [rng.randrange(1, size) for _ in range(args.samples)]
            times = []
            for first in firsts:
                t = time.perf_counter()
                service.consistency(session, first, size)
                times.append(time.perf_counter() - t)
            results["consistency_proof"] = percentiles(times)
            check = firsts[0]
            merkle.verify_consistency(
                check,
                size,
                service.consistency(session, check, size),
                service.root_hash(session, check),
                root,
            )
            results["tree_size"] = size
    finally:
        engine.dispose()
        drop()

    print(f"\n### Ledger at {results['tree_size']:,} leaves ({results['database']})\n")
    print("| measure | figure |\n| --- | --- |")
    print(
        f"| fill, append_many of {args.batch:,} per transaction | {results['fill']['leaves_per_second']:,} leaves/s ({results['fill']['seconds']} s) |"
    )
    for key in ("single_append", "evidence_append"):
        r = results[key]
        print(
            f"| {key.replace('_', ' ')}, one commit each | {r['appends_per_second']:,}/s (p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms) |"
        )
    for key in ("inclusion_proof", "consistency_proof"):
        r = results[key]
        print(
            f"| {key.replace('_', ' ')} | p50 {r['p50_ms']} ms, p95 {r['p95_ms']} ms, p99 {r['p99_ms']} ms |"
        )
    print(f"| checkpoint signing | {results['checkpoint_sign_ms']} ms |")
    print("\n" + json.dumps(results))


if __name__ == "__main__":
    main()
