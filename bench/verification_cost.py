"""What a verification's three steps cost on each engine: the app's CPU, the wall time, the statements sent.

    python bench/verification_cost.py sqlite=sqlite:////work/benchdata/load1m/x.db \
        postgresql="postgresql://127.0.0.1:5432/test?options=-csearch_path%3Dload1m"

In one process and one thread, the load benchmark's verification questions (the distinct
bodies of `mix.tsv`, written by load_bench.py, in --workdir) are answered by the steps the
server runs for a verification it has not answered before (`run_verification`, without storing
the record), on each engine in turn, round after round; prints the app's CPU (this process:
SQLAlchemy, the driver, the steps' own Python, and SQLite's execution, which runs in it), the
wall time (PostgreSQL's own work, in its server process, is the difference), and the statements
and result columns per verification. Both databases must hold the same data set (load_bench.py's build, same seed).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

from sqlalchemy import event

from xinyong import wiring
from xinyong.db import make_engine, session_factory
from xinyong.verification.rules import default_rules
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import run_verification


def questions(mix: Path, limit: int) -> list[VerificationRequest]:
    bodies: dict[str, None] = {}
    for line in mix.read_text("utf-8").splitlines():
        _, path, body = line.split("\t")
        if path == "/api/v1/verifications":
            bodies.setdefault(body)
            if len(bodies) >= limit:
                break
    return [VerificationRequest(**json.loads(b)) for b in bodies]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("engines", nargs="+", help="label=DATABASE_URL")
    parser.add_argument("--workdir", type=Path, default=Path("/work/benchdata/load1m"))
    parser.add_argument("--limit", type=int, default=600, help="verifications per round")
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()

    asked = questions(args.workdir / "mix.tsv", args.limit)
    wiring.connect()
    rules = default_rules()
    engines = {}
    for given in args.engines:
        label, _, url = given.partition("=")
        engine = make_engine(url)
        # Per statement sent, the columns its result is described with (the driver builds a
        # description of every column of every result, rows or none).
        sent: list[int] = []
        event.listen(
            engine,
            "after_cursor_execute",
            lambda _c, cursor, *_, sent=sent: sent.append(len(cursor.description or ())),
        )
        engines[label] = (engine, session_factory(engine), sent)
        for request in asked[:50]:  # connections made, statements prepared, pages read
            with engines[label][1]() as session:
                run_verification(session, request, rules=rules)
    figures: dict[str, list[tuple[float, ...]]] = {label: [] for label in engines}
    for round_no in range(args.rounds):
        for label, (_, sessions, sent) in engines.items():
            sent.clear()
            cpu, wall = time.process_time(), time.perf_counter()
            for request in asked:
                with sessions() as session:
                    run_verification(session, request, rules=rules)
            n = len(asked)
            row = (
                (time.process_time() - cpu) / n * 1000,
                (time.perf_counter() - wall) / n * 1000,
                len(sent) / n,
                sum(sent) / n,
            )
            figures[label].append(row)
            print(
                f"round {round_no + 1} {label}: app CPU {row[0]:.2f} ms, wall {row[1]:.2f} ms, "
                f"{row[2]:.1f} statements and {row[3]:.0f} result columns per verification"
            )
    for label, rows in figures.items():
        cpu, wall = (statistics.median(r[i] for r in rows) for i in (0, 1))
        print(
            f"{label}: {len(asked)} verifications, medians app CPU {cpu:.2f} ms, wall {wall:.2f} ms"
        )
    for engine, _, _ in engines.values():
        engine.dispose()


if __name__ == "__main__":
    main()
