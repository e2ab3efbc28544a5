"""What the load mix's misses cost in process: the searches, profiles and verifications of a mix
file computed once each, as a cold server's request threads compute them.

    python bench/miss_reads.py --workdir /work/benchdata/load1m --each 600

Reads the measured mix that bench/load_bench.py wrote (`mix.tsv` in its work folder) and the
SQLite file beside it; takes the first --each distinct requests of each kind, and computes each
once on one session (nothing is stored: a verification's steps, not its record), in turns of the
three kinds; with --passes 2 all of them again on the same connection, its page cache now holding
what they read. Prints CPU milliseconds per request of each kind and pass, median and mean. Run whole, under
a timer from outside, two code versions taking turns (PYTHONPATH), it is the A/B of the miss
path below HTTP (bench/RESULTS.md, load).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from sqlalchemy.orm import Session

from xinyong.db import make_engine
from xinyong.profile.service import enterprise_profile
from xinyong.search.service import search
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import run_verification


def drawn(mix: Path, each: int) -> dict[str, list]:
    """The first `each` distinct requests of each kind in the mix file."""
    kinds: dict[str, dict] = {"search": {}, "profile": {}, "verification": {}}
    for line in mix.read_text(encoding="utf-8").splitlines():
        method, path, body = (line.split("\t") + [""])[:3]
        if method == "GET" and path.startswith("/api/v1/enterprises?"):
            kinds["search"].setdefault(parse_qs(urlsplit(path).query)["q"][0], None)
        elif method == "GET" and path.startswith("/api/v1/enterprises/"):
            kinds["profile"].setdefault(path.rsplit("/", 1)[1], None)
        elif path == "/api/v1/verifications":
            kinds["verification"].setdefault(body, None)
    return {kind: list(asked)[:each] for kind, asked in kinds.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--workdir", type=Path, required=True)
    parser.add_argument("--db", type=Path, help="default: WORKDIR/x.db")
    parser.add_argument("--each", type=int, default=600)
    parser.add_argument("--passes", type=int, default=1)
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.db or args.workdir / 'x.db'}")
    asked = drawn(args.workdir / "mix.tsv", args.each)
    work = {
        "search": lambda s, q: search(s, q),
        "profile": lambda s, code: enterprise_profile(s, code),
        "verification": lambda s, body: run_verification(
            s, VerificationRequest(**json.loads(body))
        ),
    }
    with Session(engine) as session:
        for n in range(1, args.passes + 1):
            spent: dict[str, list[float]] = {kind: [] for kind in work}
            for turn in range(max(len(v) for v in asked.values())):
                for kind, compute in work.items():
                    if turn < len(asked[kind]):
                        start = time.process_time()
                        compute(session, asked[kind][turn])
                        spent[kind].append(time.process_time() - start)
                        session.rollback()
            for kind, times in spent.items():
                print(
                    f"pass {n}, {kind}: {len(times)} requests, CPU per request median "
                    f"{statistics.median(times) * 1e3:.2f} ms, mean "
                    f"{statistics.mean(times) * 1e3:.2f} ms"
                )


if __name__ == "__main__":
    main()
