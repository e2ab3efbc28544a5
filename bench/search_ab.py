"""Uncached throughput of two or more code versions (and Datasette's), taking turns.

    git worktree add /tmp/xinyong-old <commit>
    python bench/search_ab.py --db /tmp/xinyong-load/x.db --rounds 4 --datasette \
        old=/tmp/xinyong-old/src new=src
    python bench/search_ab.py --kind profile --db /tmp/xinyong-load/x.db old=… new=src
    python bench/search_ab.py --database-url postgresql://…/test --workdir /tmp/pg old=… new=src
    python bench/search_ab.py --db … --cache far=src near=src --env near:XINYONG_SHARED_CACHE_MB=0

On a shared two-core machine a single run of each says little: this one starts each version's
`xinyong serve` in turn (answer cache off, as load_bench.py's uncached run; --cache: on, as its
production run), sends it the
load benchmark's name-search queries (or its profile requests) with wrk for a warm-up and a measured period, stops it,
and goes on to the next, round after round, then prints each version's median. The requests
are the ones load_bench.py draws (same seed), written to the work folder on the first run.
With --database-url the versions serve that database (PostgreSQL) instead of the file.
"""

from __future__ import annotations

import argparse
import os
import statistics
from pathlib import Path

import load_bench as lb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("versions", nargs="+", help="label=SRC (the folder holding xinyong/)")
    parser.add_argument("--kind", choices=("search", "profile"), default="search")
    parser.add_argument("--db", type=Path, help="a SQLite file built by load_bench")
    parser.add_argument("--database-url", help="serve this database instead of --db")
    parser.add_argument("--workdir", type=Path, help="default: the database's folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=15, help="measured, per run")
    parser.add_argument("--warmup", type=int, default=5, help="seconds before each measured run")
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--datasette", action="store_true", help="Datasette takes turns too")
    parser.add_argument(
        "--cache",
        action="store_true",
        help="our servers keep answers, as in production (warmed with a draw of their own)",
    )
    parser.add_argument(
        "--env",
        action="append",
        default=[],
        metavar="LABEL:VAR=VALUE",
        help="a setting of one version's server (same code, another configuration side by side)",
    )
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=18100)
    args = parser.parse_args()

    if not args.db and not args.database_url:
        parser.error("--db or --database-url is needed")
    if args.datasette and not args.db:
        parser.error("--datasette serves the SQLite file: --db is needed")
    db = args.db.resolve() if args.db else None
    work = args.workdir or (db.parent if db else Path("."))
    url = args.database_url or f"sqlite:///{db}"
    ours_file, ds_file = work / f"{args.kind}.tsv", work / "datasette.tsv"
    if not ours_file.exists() or (args.datasette and not ds_file.exists()):
        pools = lb.draw_requests(url, 400, args.seed + 100)  # load_bench's throughput pool
        lb.write_lines(ours_file, pools[args.kind])
        if db:
            lb.write_lines(ds_file, lb.datasette_lines(db, pools["search_queries"]))
    # With the answer cache on, a warm-up of the measured requests would be answered from what
    # it kept: the servers are warmed with load_bench's draw of their own (seed + 300).
    warm_file = work / f"{args.kind}-warmup.tsv"
    if args.cache and not warm_file.exists():
        lb.write_lines(warm_file, lb.draw_requests(url, 400, args.seed + 300)[args.kind])
    turns = [tuple(v.split("=", 1)) for v in args.versions]
    settings: dict[str, dict[str, str]] = {}
    for given in args.env:
        label, _, pair = given.partition(":")
        var, _, value = pair.partition("=")
        if label not in dict(turns) or not var:
            parser.error(f"--env {given}: expected LABEL:VAR=VALUE with a version's label")
        settings.setdefault(label, {})[var] = value
    if args.datasette:
        turns.append(("datasette", ""))
    results: dict[str, list[float]] = {}
    for round_no in range(args.rounds):
        for label, src in turns:
            if label == "datasette":
                meta = lb.datasette_ready(db, work)
                command = lb.datasette_command(db, meta, args.port)
                env, ready, lines = dict(os.environ), "/-/versions.json", ds_file
            else:
                command = lb.serve_command(args.port, workers=2)
                env = lb._env(
                    work,
                    url,
                    PYTHONPATH=str(Path(src).resolve()),
                    XINYONG_RATE_LIMIT_IP=lb.RATE_LIMIT_IP,
                    **({} if args.cache else {"XINYONG_CACHE_MB": "0"}),
                    **settings.get(label, {}),
                )
                ready, lines = None, ours_file
            server = lb.Server(label, command, env, args.port, work / f"ab-{label}.log")
            try:
                if ready is not None:  # Datasette
                    server.wait_ready(ready)
                else:
                    server.wait_ours_ready()
                if args.warmup:
                    warm = warm_file if args.cache and label != "datasette" else lines
                    lb.wrk(args.port, warm, args.connections, args.warmup)
                out = lb.wrk(args.port, lines, args.connections, args.seconds)
            finally:
                server.stop()
            results.setdefault(label, []).append(out["ok_rps"])
            lb.log(
                f"round {round_no + 1} {label}: {out['ok_rps']:,.0f} ok req/s "
                f"(status ≥ 400: {out['failed_status']}, socket errors {out['errors_total']}, "
                f"load before {out['load_before']:.1f})"
            )
    medians = {label: statistics.median(v) for label, v in results.items()}
    for label, values in results.items():
        runs = ", ".join(f"{v:,.0f}" for v in values)
        ratio = (
            f" = {medians[label] / medians['datasette']:.2f}× Datasette" if args.datasette else ""
        )
        print(f"{label}: median {medians[label]:,.0f} ok req/s ({runs}){ratio}")


if __name__ == "__main__":
    main()
