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

With --answers it times nothing: it hashes each engine's reports of every distinct question of
`mix.tsv` and `mix-warmup.tsv` (without id, time and digest, as of one fixed time), so two
versions of the code run in turn (`PYTHONPATH=<version>/src`) show whether they answer the same.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import statistics
import time
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import event

from xinyong import wiring
from xinyong.db import make_engine, session_factory
from xinyong.verification.rules import default_rules
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import run_verification


def questions(mixes: list[Path], limit: int | None) -> list[VerificationRequest]:
    bodies: dict[str, None] = {}
    for mix in mixes:
        for line in mix.read_text("utf-8").splitlines():
            _, path, body = line.split("\t")
            if path == "/api/v1/verifications":
                bodies.setdefault(body)
                if limit is not None and len(bodies) >= limit:
                    return [VerificationRequest(**json.loads(b)) for b in bodies]
    return [VerificationRequest(**json.loads(b)) for b in bodies]


# What makes one record of an answer and not another: left out when answers are compared.
_PER_RECORD = {"id", "created_at", "digest", "url"}


def answers_digest(sessions, asked: list[VerificationRequest], rules) -> str:
    """SHA-256 over the reports of these questions, without what differs per record, all as of
    one fixed time: the same for two versions of the code that give the same answers."""
    now = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)
    digest = hashlib.sha256()
    for request in asked:
        with sessions() as session:
            out = run_verification(session, request, rules=rules, now=now)
        report = out.model_dump(mode="json", exclude=_PER_RECORD)
        digest.update(json.dumps(report, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("engines", nargs="+", help="label=DATABASE_URL")
    parser.add_argument("--workdir", type=Path, default=Path("/work/benchdata/load1m"))
    parser.add_argument("--limit", type=int, default=600, help="verifications per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--answers",
        action="store_true",
        help="instead of timing, hash each engine's reports of every distinct question of "
        "mix.tsv and mix-warmup.tsv (to show two versions answer the same)",
    )
    args = parser.parse_args()

    mixes = [args.workdir / "mix.tsv", args.workdir / "mix-warmup.tsv"]
    asked = questions(mixes, None) if args.answers else questions(mixes[:1], args.limit)
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
        if args.answers:
            digest = answers_digest(engines[label][1], asked, rules)
            print(f"{label}: {len(asked)} questions, answers {digest}")
            continue
        for request in asked[:50]:  # connections made, statements prepared, pages read
            with engines[label][1]() as session:
                run_verification(session, request, rules=rules)
    if args.answers:
        return
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
