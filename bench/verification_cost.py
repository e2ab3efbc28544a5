"""What a verification's three steps, or a profile, cost on each engine: the app's CPU, the wall time, the statements sent.

    python bench/verification_cost.py sqlite=sqlite:////work/benchdata/load1m/x.db \
        postgresql="postgresql://127.0.0.1:5432/test?options=-csearch_path%3Dload1m"

In one process and one thread, the load benchmark's verification questions (the distinct
bodies of `mix.tsv`, written by load_bench.py, in --workdir) are answered by the steps the
server runs for a verification it has not answered before (`run_verification`, without storing
the record), on each engine in turn, round after round; prints the app's CPU (this process:
SQLAlchemy, the driver, the steps' own Python, and SQLite's execution, which runs in it), the
wall time (PostgreSQL's own work, in its server process, is the difference), and the statements
and result columns per verification. With --kind profile, the same for the mix's profiles (the
distinct enterprise paths, answered as the route answers a miss); with --kind search, the
mix's name searches. Both databases must hold the
same data set (load_bench.py's build, same seed).

With --statements it times nothing either: per engine it lists the statements a question
sends, most sent first, with how many times per question and the time from sending it to
its result (where the round trips go; on SQLite the rows are stepped through after that, so
there it shows little of a statement's cost).

With --busy N the timed rounds run beside N threads that only compute Python, as a server
worker's event loop does under load, at the server's switch interval (XINYONG_SWITCH_INTERVAL_MS):
every database call lets the GIL go and waits to get it back, so this shows what the calls'
number costs a miss in a busy worker. "app CPU" is then the measuring thread's own.

With --answers it times nothing: it hashes each engine's answers to every distinct question of
`mix.tsv` and `mix-warmup.tsv` (verifications without id, time and digest, as of one fixed
time; profiles as of today), so two versions of the code run in turn
(`PYTHONPATH=<version>/src`) show whether they answer the same.
"""

from __future__ import annotations

import argparse
import hashlib
import inspect
import json
import statistics
import sys
import threading
import time
from collections import Counter
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

from record_writes import busy
from sqlalchemy import event

from xinyong import wiring
from xinyong.db import make_engine, session_factory
from xinyong.profile.service import enterprise_profile
from xinyong.search.service import search
from xinyong.settings import get_settings
from xinyong.verification.rules import default_rules
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import run_verification

# What makes one record of an answer and not another: left out when answers are compared.
_PER_RECORD = {"id", "created_at", "digest", "url"}
# The fixed time verifications are answered as of when answers are compared.
_AS_OF = datetime(2026, 12, 1, 4, 0, tzinfo=UTC)


def _verification(session, body: str, rules, now: datetime | None) -> dict:
    out = run_verification(session, VerificationRequest(**json.loads(body)), rules=rules, now=now)
    return out.model_dump(mode="json", exclude=_PER_RECORD)


def _profile(session, path: str, rules, now: datetime | None) -> dict:
    # A profile is today's view: compared answers must be made on the same day.
    return enterprise_profile(session, path.rsplit("/", 1)[1]).model_dump(mode="json")


def _search(session, path: str, rules, now: datetime | None) -> dict:
    # As the route passes the query string on (search/api.py); a search is today's view too.
    params = dict(parse_qsl(urlsplit(path).query, keep_blank_values=True))
    page = search(
        session,
        params.pop("q"),
        division=params.get("division"),
        status=params.get("status"),
        industry=params.get("industry"),
        agencies_only=params.get("agencies") in ("true", "1"),
        page=int(params.get("page", 1)),
        size=int(params.get("size", 20)),
    )
    return page.model_dump(mode="json")


# Per kind: which requests of the mix it answers, and how the server's route answers a miss.
KINDS = {
    "verification": (lambda path: path == "/api/v1/verifications", _verification),
    "profile": (lambda path: path.startswith("/api/v1/enterprises/"), _profile),
    "search": (lambda path: path.startswith("/api/v1/enterprises?"), _search),
}


def questions(mixes: list[Path], kind: str, limit: int | None) -> list[str]:
    """The distinct questions of this kind in the mix files, in order: the body of a
    verification, the path of a profile."""
    wanted, _ = KINDS[kind]
    asked: dict[str, None] = {}
    for mix in mixes:
        for line in mix.read_text("utf-8").splitlines():
            _, path, body = line.split("\t")
            if wanted(path):
                asked.setdefault(body or path)
                if limit is not None and len(asked) >= limit:
                    return list(asked)
    return list(asked)


def answers_digest(sessions, kind: str, asked: list[str], rules) -> str:
    """SHA-256 over the answers to these questions, without what differs per record, all as of
    one fixed time: the same for two versions of the code that give the same answers."""
    _, answer = KINDS[kind]
    digest = hashlib.sha256()
    for question in asked:
        with sessions() as session:
            report = answer(session, question, rules, _AS_OF)
        digest.update(json.dumps(report, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def print_statements(label: str, engine, sessions, kind: str, asked: list[str], rules) -> None:
    """Per distinct statement the questions send: how many times per question, the wall time
    from sending it to its result (the driver's and the database's part), and its start."""
    _, answer = KINDS[kind]
    texts: Counter[str] = Counter()
    spent: Counter[str] = Counter()
    started: list[float] = []

    def before(_conn, _cursor, text, *_) -> None:
        started.append(time.perf_counter())

    def after(_conn, _cursor, text, *_) -> None:
        key = " ".join(text.split())
        texts[key] += 1
        spent[key] += time.perf_counter() - started.pop()

    event.listen(engine, "before_cursor_execute", before)
    event.listen(engine, "after_cursor_execute", after)
    for question in asked:
        with sessions() as session:
            answer(session, question, rules, None)
    n = len(asked)
    print(
        f"{label}: {sum(texts.values()) / n:.2f} statements per {kind}, "
        f"{sum(spent.values()) / n * 1000:.2f} ms in them, {n} {kind}s"
    )
    for text, times in texts.most_common():
        print(f"  {times / n:6.2f}  {spent[text] / n * 1000:6.2f} ms  {text[:140]}")


def _read_sessions(engine):
    """Read-only sessions, as the server's steps take them (db.session_factory); plain ones
    where the version measured has none (an older one, run side by side)."""
    if "reads" in inspect.signature(session_factory).parameters:
        return session_factory(engine, reads=True)
    return session_factory(engine)


def _columns(cursor) -> int:
    result = getattr(cursor, "pgresult", False)
    if result is False:
        return len(cursor.description or ())
    return result.nfields if result is not None else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("engines", nargs="+", help="label=DATABASE_URL")
    parser.add_argument("--workdir", type=Path, default=Path("/work/benchdata/load1m"))
    parser.add_argument("--kind", choices=sorted(KINDS), default="verification")
    parser.add_argument("--limit", type=int, default=600, help="questions per round")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument(
        "--answers",
        action="store_true",
        help="instead of timing, hash each engine's reports of every distinct question of "
        "mix.tsv and mix-warmup.tsv (to show two versions answer the same)",
    )
    parser.add_argument(
        "--statements",
        action="store_true",
        help="instead of timing, list the statements the questions send, most sent first",
    )
    parser.add_argument(
        "--busy", type=int, default=0, help="threads computing Python beside the timed rounds"
    )
    args = parser.parse_args()

    mixes = [args.workdir / "mix.tsv", args.workdir / "mix-warmup.tsv"]
    if args.answers:
        asked = questions(mixes, args.kind, None)
    else:
        asked = questions(mixes[:1], args.kind, args.limit)
    _, answer = KINDS[args.kind]
    wiring.connect()
    rules = default_rules()
    engines = {}
    for given in args.engines:
        label, _, url = given.partition("=")
        engine = make_engine(url)
        # Per statement sent, the columns its result is described with (the driver builds a
        # description of every column of every result, rows or none). Counted from psycopg's
        # result itself: asking for the description again would build it twice and add to the
        # app's CPU measured (sqlite3 keeps its description; reading it costs nothing).
        sent: list[int] = []
        event.listen(
            engine,
            "after_cursor_execute",
            lambda _c, cursor, *_, sent=sent: sent.append(_columns(cursor)),
        )
        engines[label] = (engine, _read_sessions(engine), sent)
        if args.statements:
            print_statements(label, engine, engines[label][1], args.kind, asked, rules)
            continue
        if args.answers:
            digest = answers_digest(engines[label][1], args.kind, asked, rules)
            print(f"{label}: {len(asked)} questions, answers {digest}")
            continue
        for question in asked[:50]:  # connections made, statements prepared, pages read
            with engines[label][1]() as session:
                answer(session, question, rules, None)
    if args.answers or args.statements:
        return
    figures: dict[str, list[tuple[float, ...]]] = {label: [] for label in engines}
    if args.busy:
        sys.setswitchinterval(get_settings().switch_interval_ms / 1000 or sys.getswitchinterval())
    clock = time.thread_time if args.busy else time.process_time
    for round_no in range(args.rounds):
        for label, (_, sessions, sent) in engines.items():
            sent.clear()
            stop, loops = threading.Event(), [0] * args.busy
            beside = [
                threading.Thread(target=busy, args=(stop, loops, i), daemon=True)
                for i in range(args.busy)
            ]
            for thread in beside:
                thread.start()
            cpu, wall = clock(), time.perf_counter()
            try:
                for question in asked:
                    with sessions() as session:
                        answer(session, question, rules, None)
            finally:
                stop.set()
                for thread in beside:
                    thread.join()
            n = len(asked)
            row = (
                (clock() - cpu) / n * 1000,
                (time.perf_counter() - wall) / n * 1000,
                len(sent) / n,
                sum(sent) / n,
            )
            figures[label].append(row)
            print(
                f"round {round_no + 1} {label}: app CPU {row[0]:.2f} ms, wall {row[1]:.2f} ms, "
                f"{row[2]:.1f} statements and {row[3]:.0f} result columns per {args.kind}"
            )
    for label, rows in figures.items():
        cpu, wall = (statistics.median(r[i] for r in rows) for i in (0, 1))
        print(
            f"{label}: {len(asked)} {args.kind}s, medians app CPU {cpu:.2f} ms, wall {wall:.2f} ms"
        )
    for engine, _, _ in engines.values():
        engine.dispose()


if __name__ == "__main__":
    main()
