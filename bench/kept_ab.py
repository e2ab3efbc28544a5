"""Kept answers only, two or more code versions taking turns: what the server's own machinery
costs per request when no answer has to be computed.

    git worktree add /tmp/xinyong-old <commit>
    python bench/kept_ab.py --db /work/benchdata/load1m/x.db old=/tmp/xinyong-old/src new=src

A few hundred of the mix's searches and profiles (load_bench's pool, same seed) are each asked
once, so every answer is kept; then a closed loop of --connections connections asks them again
for --duration seconds. Per version and round: answered req/s and the server's CPU per answer
(its process tree's user and system time over the answers). A change to what every request goes
through — middleware, the HTTP protocol, the cache look-up — shows here undiluted by misses.
"""

from __future__ import annotations

import argparse
import statistics
from pathlib import Path

import load_bench as lb


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("versions", nargs="+", help="label=SRC (the folder holding xinyong/)")
    parser.add_argument("--db", type=Path, required=True, help="a SQLite file built by load_bench")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=50)
    parser.add_argument("--duration", type=int, default=15, help="measured seconds, per run")
    parser.add_argument("--questions", type=int, default=200, help="distinct requests asked")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--port", type=int, default=18300)
    args = parser.parse_args()

    db = args.db.resolve()
    url = f"sqlite:///{db}"
    pools = lb.draw_requests(url, 400, args.seed + 200)
    half = args.questions // 2
    asked = pools["search"][:half] + pools["profile"][: args.questions - half]
    lines = lb.write_lines(db.parent / "kept.tsv", asked)
    results: dict[str, list[dict]] = {}
    for round_no in range(args.rounds):
        for label, src in (tuple(v.split("=", 1)) for v in args.versions):
            env = lb._env(
                db.parent,
                url,
                PYTHONPATH=str(Path(src).resolve()),
                XINYONG_RATE_LIMIT_IP=lb.RATE_LIMIT_IP,
            )
            server = lb.Server(
                label,
                lb.serve_command(args.port, 2),
                env,
                args.port,
                db.parent / f"kept-{label}.log",
            )
            try:
                server.wait_ours_ready()
                # Each question once per connection's turn until all are kept in both workers.
                lb.wrk(args.port, lines, 4, 5)
                cpu = server.cpu_seconds()
                out = lb.wrk(args.port, lines, args.connections, args.duration)
                out["cpu_ms"] = (server.cpu_seconds() - cpu) * 1000 / max(out["requests_ok"], 1)
            finally:
                server.stop()
            results.setdefault(label, []).append(out)
            lb.log(
                f"round {round_no + 1} {label}: {out['ok_rps']:,.0f} answered req/s, "
                f"cache hits {out['cache_hits']:,} / misses {out['cache_misses']:,}, "
                f"server CPU {out['cpu_ms']:.3f} ms per answer, load before {out['load_before']:.1f}"
            )
    for label, runs in results.items():
        rps = statistics.median(r["ok_rps"] for r in runs)
        cpu = statistics.median(r["cpu_ms"] for r in runs)
        print(f"{label}: median {rps:,.0f} answered req/s, median CPU {cpu:.3f} ms per answer")


if __name__ == "__main__":
    main()
