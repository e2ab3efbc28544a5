"""Search latency and quality on a large registry: p50/p95/p99 per query kind, in-process.

    python bench/search_bench.py --database-url sqlite:////tmp/xinyong-bench/x.db --per-kind 200

The database must hold a synced registry with its search index (e.g. the one
`import_bench.py` leaves behind). Queries are made from enterprises sampled over the whole
registry (xinyong.search.evaluation), so they are the same on SQLite and PostgreSQL given the
same data and seed. A warm-up pass runs first; the figures are from the second pass.
"""

from __future__ import annotations

import argparse

from xinyong.db import make_engine, session_factory
from xinyong.search.evaluation import evaluate, labelled_queries, sample_rows, slowest, table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--per-kind", type=int, default=200)
    parser.add_argument("--seed", type=int, default=5)
    parser.add_argument("--kinds", default="", help="comma-separated kinds to run (default all)")
    parser.add_argument(
        "--slowest", type=int, default=10, help="list this many of the slowest queries (0: none)"
    )
    args = parser.parse_args()
    engine = make_engine(args.database_url)
    with session_factory(engine)() as session:
        rows = sample_rows(session, args.per_kind * 2, seed=args.seed)
        queries = labelled_queries(rows, args.per_kind, seed=args.seed)
        if args.kinds:
            wanted = set(args.kinds.split(","))
            queries = [q for q in queries if q.kind in wanted]
        evaluate(session, queries)  # warm the caches, as a running server would be
        scores = evaluate(session, queries)
    print(f"{engine.dialect.name}: {len(queries)} queries")
    print(table(scores))
    if args.slowest:
        # A handful of queries can cost more than a whole kind (bench/RESULTS.md, load: two
        # bracketed names at 285 ms each were 11% of a pool's time): name them.
        print(f"\nslowest {args.slowest}:")
        for ms, kind, query in slowest(scores, args.slowest):
            print(f"  {ms:8.1f} ms  {kind:12}  {query}")


if __name__ == "__main__":
    main()
