"""The load benchmark's mix through the portal's pages, two or more code versions taking turns.

    git worktree add /tmp/xinyong-old <commit>
    python bench/pages_ab.py --db /work/benchdata/load1m/x.db old=/tmp/xinyong-old/src new=src
    python bench/pages_ab.py --database-url postgresql://…/test --workdir /tmp/pg old=… new=src

load_bench.py drives the JSON API. Visitors of a credit portal use its pages: this drives the
same mix (same seed, same Zipf popularity) as a browser asks for it — a name search is the
search page (`/search?q=`), a profile the enterprise page (`/e/{code}`), a verification the
form's POST (answered with a redirect to the stored record, which is followed: a GET of the
result page, as a browser does, without a think time), a fee quote
the calculator page for one agency (`/fees?agency=…&debt=…`). Each version's `xinyong serve`
(production configuration, answer cache on) gets a warm-up and a measured run from
--connections connections offering --rate req/s, then stops; round after round; each version's
medians are printed. An answer is counted as answered when its status is below 400.
With --api the same harness sends load_bench's API requests instead, for the same kinds: the
pages' cost against the API's, on one machine, side by side.

With --capacity N each version serves with the answer cache off, and N connections ask the mix's
requests back to back (no think time, no warm-up): every answer is computed, so the answered
req/s is what the server can compute of the mix — the capacity that decides how soon it is
through a cold start. It does not swing between a run that caught up and one that did not, as
the p99 of the open mix does on a slow machine.
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from urllib.parse import parse_qs, urlencode, urlsplit

import load_bench as lb
import server_view


def as_pages(pools: dict[str, list]) -> dict[str, list]:
    """The mix's API requests as the portal's page requests for the same questions."""
    pages: dict[str, list] = {}
    pages["search"] = [
        ("GET", "/search?" + urlencode({"q": parse_qs(urlsplit(p).query)["q"][0]}), "")
        for _, p, _ in pools["search"]
    ]
    pages["profile"] = [("GET", "/e/" + p.rsplit("/", 1)[1], "") for _, p, _ in pools["profile"]]
    pages["verification"] = []
    for _, _, body in pools["verification"]:
        asked = json.loads(body)
        form = urlencode({"query": asked.get("code") or asked["name"]})
        pages["verification"].append(("POST", "/verifications", form))
    pages["quote"] = []
    for _, _, body in pools["quote"]:
        asked = json.loads(body)
        query = urlencode({"agency": asked["agency"], "debt": asked["debt_amount"]})
        pages["quote"].append(("GET", "/fees?" + query, ""))
    return pages


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("versions", nargs="+", help="label=SRC (the folder holding xinyong/)")
    parser.add_argument("--db", type=Path, help="a SQLite file built by load_bench")
    parser.add_argument("--database-url", help="serve this database instead of --db")
    parser.add_argument("--workdir", type=Path, help="default: the database's folder")
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--connections", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=1000, help="offered req/s")
    parser.add_argument("--duration", type=int, default=40, help="measured seconds, per run")
    parser.add_argument("--warmup", type=int, default=30, help="seconds before each measured run")
    parser.add_argument("--per-kind", type=int, default=400, help="queries per search kind")
    parser.add_argument("--zipf", type=float, default=1.0)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--kinds",
        default=",".join(lb.MIX),
        help="only these kinds of the mix, in their proportions (to see what a kind costs)",
    )
    parser.add_argument(
        "--api", action="store_true", help="the API's requests for the same questions, not pages"
    )
    parser.add_argument("--port", type=int, default=18200)
    parser.add_argument(
        "--capacity",
        type=int,
        default=0,
        metavar="N",
        help="answer cache off, N connections back to back: what the server computes per second",
    )
    args = parser.parse_args()

    if not args.db and not args.database_url:
        parser.error("--db or --database-url is needed")
    db = args.db.resolve() if args.db else None
    work = args.workdir or (db.parent if db else Path("."))
    url = args.database_url or f"sqlite:///{db}"
    # load_bench's mix pool (same seed), so these pages ask what its API mix asks.
    drawn = lb.draw_requests(url, args.per_kind, args.seed + 200)
    pools = drawn if args.api else as_pages(drawn)
    pools = {k: v for k, v in pools.items() if k in args.kinds.split(",")}
    warm_lines, lines, _ = lb.mix_files(work, "pages", pools, args)
    think_ms = args.connections / args.rate * 1000
    connections = args.connections
    extra = {}
    if args.capacity:
        think_ms, connections, args.warmup = 0, args.capacity, 0
        extra = {"XINYONG_CACHE_MB": "0"}
    turns = [tuple(v.split("=", 1)) for v in args.versions]
    results: dict[str, list[dict]] = {}
    for round_no in range(args.rounds):
        for label, src in turns:
            env = lb._env(
                work,
                url,
                PYTHONPATH=str(Path(src).resolve()),
                XINYONG_RATE_LIMIT_IP=lb.RATE_LIMIT_IP,
                XINYONG_OPERATOR_TOKEN=lb.METRICS_TOKEN,
                **extra,
            )
            command = lb.serve_command(args.port, workers=2)
            server = lb.Server(label, command, env, args.port, work / f"pages-{label}.log")
            try:
                server.wait_ours_ready()
                server.sample()
                if args.warmup:
                    lb.wrk(args.port, warm_lines, connections, args.warmup, think_ms)
                cpu = server.cpu_seconds()
                # The server's own times during the measured run, where it has /metrics (a
                # version older than it reports none).
                scrapes = server_view.Scrapes(args.port, lb.METRICS_TOKEN).start()
                started = time.time()
                out = lb.wrk(args.port, lines, connections, args.duration, think_ms)
                scrapes.stop()
                view = server_view.windows(scrapes, started, time.time())
                # CPU per answer: what a request costs the server, whether or not it kept up.
                out["cpu_ms"] = (server.cpu_seconds() - cpu) * 1000 / max(out["requests_ok"], 1)
                out["rss_peak_mb"] = max(server.peak_rss, server.rss_mb())
            finally:
                server.stop()
            results.setdefault(label, []).append(out)
            if view:
                print(server_view.markdown({f"{label} {round_no + 1}": view}, "measured run"))
            ms = {k: v / 1000 for k, v in out["latency_us"].items()}
            lb.log(
                f"round {round_no + 1} {label}: {out['ok_rps']:,.0f} answered req/s, "
                f"p50 / p99 / max {ms['p50']:,.1f} / {ms['p99']:,.1f} / {ms['max']:,.0f} ms, "
                f"errors {out['errors_total']} socket / {out['failed_status']} status ≥ 400, "
                f"statuses {out['statuses']}, "
                f"cache hits {out['cache_hits']:,} / misses {out['cache_misses']:,}, "
                f"server CPU {out['cpu_ms']:.2f} ms per answer, "
                f"peak RSS {out['rss_peak_mb']:,.0f} MB, load before {out['load_before']:.1f}"
            )
    for label, runs in results.items():
        p99 = statistics.median(r["latency_us"]["p99"] / 1000 for r in runs)
        rps = statistics.median(r["ok_rps"] for r in runs)
        cpu = statistics.median(r["cpu_ms"] for r in runs)
        print(
            f"{label}: median {rps:,.0f} answered req/s, median p99 {p99:,.1f} ms, "
            f"median server CPU {cpu:.2f} ms per answer"
        )


if __name__ == "__main__":
    main()
