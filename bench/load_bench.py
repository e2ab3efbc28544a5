"""The load benchmark: our server under 5,000 connections and the realistic mix, with Datasette and
a constant-JSON baseline driven the same way in the same run.

    python bench/load_bench.py --enterprises 1000000 --workdir /tmp/xinyong-load
    python bench/load_bench.py --db /tmp/xinyong-load/x.db --reuse        # an existing build
    python bench/load_bench.py --database-url postgresql://127.0.0.1:5432/test?options=-csearch_path%3Dload --reuse

Steps (each whole process, measured from outside):
1. build the data set through the real connectors (`xinyong demo-data`, `xinyong sync --all`)
   and make the nightly rating pass (`xinyong rating recompute --all`), unless --reuse finds one,
   which `xinyong db upgrade` then brings to this code's schema;
2. draw varied queries from the data (xinyong.search.evaluation: names, prefixes, traditional,
   pinyin, initials, 字号, one and two characters, legal representatives, typos, former names,
   codes), enterprise codes for profiles and verifications, agencies for fee quotes;
3. `xinyong serve` in its production configuration, then with wrk (Debian):
   a. name-search throughput, closed loop (--search-connections), every query sent once;
   b. the mix (60% search / 25% profile / 10% verification / 5% fee quote) from --connections
      connections, each with an exponential think time so that together they offer --rate req/s;
      with --court-syncs-every, new court records synced by `xinyong sync` meanwhile
      (bench/court_syncs.py), as a court feed brings them through the day;
   server memory (RSS of the process tree) sampled throughout;
4. Datasette on the same SQLite file (an FTS5 trigram table on names): the same search queries
   (SQLite only: with --database-url on PostgreSQL there is no file for Datasette to serve);
5. the baseline (bench/load/baseline_app.py: FastAPI on uvicorn, same options and HTTP protocol as
   `xinyong serve` unless --baseline-http httptools, constant JSON; bench/load/baseline_serve.py):
   the same throughput and mix runs.
Prints a Markdown report and writes report.json in the work folder; each run's server logs and
its report are kept in runs/<start time>/ there.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import httpx
import server_view
from court_syncs import CourtSyncs
from import_bench import timed
from sqlalchemy import text

HERE = Path(__file__).resolve().parent
LUA = HERE / "load" / "mix.lua"
MIX = {"search": 60, "profile": 25, "verification": 10, "quote": 5}
# Per-IP rate limit of our server during the run: every wrk connection comes from 127.0.0.1, so
# the production default (300/minute per IP) would refuse nearly everything. The limiter still
# runs on every request; it just does not refuse.
# A per-second window keeps the moving window's list short, as a real per-client limit would.
RATE_LIMIT_IP = "100000/second"
# The operator token the run reads the server's /metrics with (bench/server_view.py).
METRICS_TOKEN = f"load-bench-{os.getpid()}"
WRK_THREADS = 2


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the data set --------------------------------------------------------------------------


def build(work: Path, url: str, enterprises: int, seed: int) -> list[dict]:
    drop = work / "data" / "demo"
    env = _env(work, url)
    xinyong = [sys.executable, "-m", "xinyong"]
    steps = []
    log(f"demo-data: {enterprises:,} enterprises")
    steps.append(
        (
            "demo-data",
            timed(
                [
                    *xinyong,
                    "demo-data",
                    "--out",
                    str(drop),
                    "--enterprises",
                    str(enterprises),
                    "--seed",
                    str(seed),
                ],
                env,
            ),
        )
    )
    subprocess.run([*xinyong, "db", "upgrade"], env=env, check=True, capture_output=True)
    log("sync --all (registry, courts, penalties, agencies, search index)")
    steps.append(("sync --all", timed([*xinyong, "sync", "--all"], env)))
    # A running deployment has made its hourly list rules' pass over what the syncs brought
    # (on the 1M set, some 15,000 proposals): without it, the first run of a server that
    # schedules its jobs met that pass, and a rating of every firm it touched, at :20.
    log("lists propose (the hourly rules' pass)")
    steps.append(("lists propose", timed([*xinyong, "lists", "propose"], env)))
    # A running deployment has made its nightly full rating pass: profiles read grades, they
    # do not compute them (a never-rated firm is rated on its first request, then kept).
    log("rating recompute --all (the nightly pass)")
    steps.append(("rating recompute --all", timed([*xinyong, "rating", "recompute", "--all"], env)))
    return [{"step": s, **r} for s, r in steps]


def upgraded(work: Path, url: str) -> None:
    """A reused data set brought to this code's schema, as a deployment upgrades before it
    serves; one upgraded by newer code is at a revision this code does not know, and its
    server would refuse to start: say so here, with what to do."""
    done = subprocess.run(
        [sys.executable, "-m", "xinyong", "db", "upgrade"],
        env=_env(work, url),
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(
            f"xinyong db upgrade failed on {url}:\n{(done.stdout + done.stderr)[-1500:]}\n"
            "A data set upgraded by newer code is at a revision this code does not know: give "
            "this code's worktree the newer migration files (src/xinyong/migrations/versions/) "
            "when they only add what this code does not read, or build the set again."
        )


def _env(work: Path, url: str, **extra: str) -> dict[str, str]:
    # `extra` may name another database (search_ab.py --env LABEL:XINYONG_DATABASE_URL=…).
    env = dict(os.environ, XINYONG_DATA_DIR=str(work / "data"), XINYONG_DATABASE_URL=url)
    return env | extra


def _enterprises(url: str) -> int:
    """How many enterprises the database holds (0 when it is empty or not there yet)."""
    from sqlalchemy.exc import SQLAlchemyError

    from xinyong.db import make_engine

    if url.startswith("sqlite:///") and not Path(url.removeprefix("sqlite:///")).exists():
        return 0
    engine = make_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text("SELECT count(*) FROM enterprise")).scalar_one()
    except SQLAlchemyError:  # no schema yet
        return 0
    finally:
        engine.dispose()


def draw_requests(url: str, per_kind: int, seed: int) -> dict[str, list[tuple[str, str, str]]]:
    """Varied requests drawn from the data: (method, path, JSON body or '')."""
    from xinyong.agencies.service import get_agency
    from xinyong.db import make_engine, session_factory
    from xinyong.search.evaluation import labelled_queries, sample_rows

    engine = make_engine(url)
    rng = random.Random(seed)
    with session_factory(engine)() as session:
        rows = sample_rows(session, per_kind * 2, seed=seed)
        searches = [q.query for q in labelled_queries(rows, per_kind, seed=seed)]
        others = sample_rows(session, per_kind * 4, seed=seed + 1)
        # Quotes are asked of agencies with a fee schedule in force, as the calculator offers
        # them: an agency without one answers 404, which the mix would count as an error.
        agencies = [
            code
            for code in session.execute(
                text("SELECT credit_code FROM agency ORDER BY credit_code")
            ).scalars()
            if get_agency(session, code).schedule is not None
        ]
    engine.dispose()
    rng.shuffle(searches)
    profile = [("GET", f"/api/v1/enterprises/{r.credit_code}", "") for r in others]
    verification = []
    for r in others:
        body = {"code": r.credit_code} if rng.random() < 0.7 else {"name": r.name}
        verification.append(("POST", "/api/v1/verifications", json.dumps(body, ensure_ascii=False)))
    quotes = []
    for code in agencies:
        for amount in (8_000, 45_000, 120_000, 600_000):
            body = {"agency": code, "debt_amount": str(amount + rng.randrange(1000))}
            quotes.append(("POST", "/api/v1/fees/quote", json.dumps(body)))
    return {
        "search": [("GET", "/api/v1/enterprises?" + urlencode({"q": q}), "") for q in searches],
        "search_queries": [("", q, "") for q in searches],
        "profile": profile,
        "verification": verification,
        "quote": quotes,
    }


def mix_lines(
    pools: dict[str, list], total: int, seed: int, zipf: float
) -> list[tuple[str, str, str]]:
    """`total` requests in the MIX proportions. Within a kind, a request is drawn from its pool
    with Zipf popularity (weight 1/rank**zipf, as query logs and page views are distributed);
    zipf=0 draws uniformly. Either way every query of the pool can occur."""
    rng = random.Random(seed)
    kinds = [k for k, share in MIX.items() if k in pools for _ in range(share)]
    weights = {
        kind: list(itertools.accumulate(1 / (rank + 1) ** zipf for rank in range(len(pool))))
        for kind, pool in pools.items()
        if kind in MIX
    }
    out = []
    for _ in range(total):
        kind = rng.choice(kinds)
        out.append(rng.choices(pools[kind], cum_weights=weights[kind])[0])
    return out


def write_lines(path: Path, lines: list[tuple[str, str, str]]) -> Path:
    path.write_text("".join(f"{m}\t{p}\t{b}\n" for m, p, b in lines), "utf-8")
    return path


def mix_files(
    work: Path, name: str, pools: dict[str, list], args: argparse.Namespace
) -> tuple[Path | None, Path, int]:
    """The mix's warm-up and measured requests (files `name`-warmup.tsv and `name`.tsv), and
    how many lines they hold. Each run gets draws of its own from the same popularity: a wrk
    run starts its threads at the same places of its file, so with one file for both, the
    measured run began by sending again what the warm-up had sent — three quarters of the
    measured minute were the warm-up's own requests, every one already answered and kept.
    Twice the offered rate per second of run: no thread comes to the end of its share."""
    per_second = args.rate * 2
    drawn = mix_lines(
        pools, max(per_second * (args.warmup + args.duration), 10_000), args.seed, args.zipf
    )
    split = per_second * args.warmup
    warm = write_lines(work / f"{name}-warmup.tsv", drawn[:split]) if args.warmup else None
    return warm, write_lines(work / f"{name}.tsv", drawn[split:]), len(drawn)


# --- servers -------------------------------------------------------------------------------


class Server:
    """A server process group, its readiness, and the RSS of its process tree."""

    def __init__(self, name: str, command: list[str], env: dict, port: int, log_path: Path):
        self.name, self.port = name, port
        # A server left behind by an interrupted run still answers on the port: this one would
        # fail to bind, and the run would measure the other one, of whatever version it was.
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) == 0:
                sys.exit(f"{name}: port {port} is taken (a server left from an earlier run?)")
        self.log = log_path.open("w")
        self.proc = subprocess.Popen(
            command, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.peak_rss = 0.0
        self.peak_pss = 0.0
        # Which processes made the peak (pid, command, RSS MB): the peak alone could not say
        # whether a worker, the master or a helper grew (bench/RESULTS.md, load).
        self.peak_processes: list[tuple[int, str, float]] = []
        self._sampling = threading.Event()

    def wait_ready(self, path: str = "/healthz", timeout: float = 600, times: int = 1) -> None:
        """Until `path` answers (status < 500) `times` times in a row, each on a new connection."""
        deadline = time.time() + timeout
        in_a_row = 0
        while time.time() < deadline:
            if self.proc.poll() is not None:
                sys.exit(f"{self.name} exited: see {self.log.name}")
            try:
                ok = httpx.get(f"http://127.0.0.1:{self.port}{path}", timeout=5).status_code < 500
            except httpx.HTTPError:
                ok = False
            in_a_row = in_a_row + 1 if ok else 0
            if in_a_row >= times:
                return
            time.sleep(0.1 if ok else 0.5)
        sys.exit(f"{self.name} did not answer within {timeout} s")

    def wait_ours_ready(self) -> None:
        """Ours takes load once its workers say they are ready (/readyz: the start-up scan done),
        as a load balancer would send it: ten answers in a row, on new connections that any
        worker may take. Taking load during the scan shared the cores with it (3-5 s of a core
        per worker at 1M) over the first seconds of a run (bench/RESULTS.md, load). A version
        without /readyz answers 404 at once and is measured as it always was."""
        self.wait_ready("/readyz", times=10)

    def memory_mb(self) -> tuple[float, float]:
        """RSS and PSS of the process and all its descendants, from /proc. RSS counts pages
        shared between the workers once per process (an upper bound); PSS splits them."""
        rss, pss, _ = self._memory()
        return rss, pss

    def _tree(self) -> list[int]:
        """The pids of the server process and all its descendants."""
        children: dict[int, list[int]] = {}
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(ppid, []).append(int(entry.name))
        tree, todo = [], [self.proc.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo += children.get(pid, [])
        return tree

    def _memory(self) -> tuple[float, float, list[tuple[int, str, float]]]:
        rss = pss = 0
        processes = []
        for pid in self._tree():
            try:
                own = 0
                for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                    if line.startswith("Rss:"):
                        own = int(line.split()[1])
                    elif line.startswith("Pss:"):
                        pss += int(line.split()[1])
                rss += own
                command = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                processes.append((pid, command.decode(errors="replace")[:120], own / 1024))
            except OSError:
                pass
        return rss / 1024, pss / 1024, processes

    def rss_mb(self) -> float:
        return self.memory_mb()[0]

    def cpu_seconds(self) -> float:
        """User and system CPU time so far of the process and its descendants alive now (the
        workers live as long as the server), from /proc."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self._tree():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
        return total / tick

    def sample(self) -> None:
        def loop() -> None:
            while not self._sampling.wait(0.5):
                rss, pss, processes = self._memory()
                if rss > self.peak_rss:
                    self.peak_rss, self.peak_processes = rss, processes
                self.peak_pss = max(self.peak_pss, pss)

        threading.Thread(target=loop, daemon=True).start()

    def stop(self) -> None:
        self._sampling.set()
        try:
            os.killpg(self.proc.pid, signal.SIGTERM)
            self.proc.wait(30)
        except (ProcessLookupError, subprocess.TimeoutExpired):
            try:
                os.killpg(self.proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.log.close()


def wrk(port: int, lines_file: Path, connections: int, seconds: int, think_ms: float = 0) -> dict:
    """One wrk run (2 threads); its JSON summary with load average and derived rates."""
    env = dict(
        os.environ,
        LOAD_REQUESTS=str(lines_file),
        LOAD_THINK_MS=str(think_ms),
        LOAD_THREADS=str(WRK_THREADS),
    )
    load_before = os.getloadavg()[0]
    result = subprocess.run(
        [
            "wrk",
            f"-t{WRK_THREADS}",
            f"-c{connections}",
            f"-d{seconds}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            f"http://127.0.0.1:{port}",
        ],
        env=env,
        capture_output=True,
        text=True,
    )
    found = [ln for ln in result.stdout.splitlines() if ln.startswith("LOADJSON ")]
    if not found:
        sys.exit(f"wrk failed:\n{result.stdout}\n{result.stderr}")
    out = json.loads(found[-1][len("LOADJSON ") :])
    secs = out["duration_us"] / 1e6
    # Answered: below 400 (the API answers 200; a page's form answers with a 303 redirect).
    ok = sum(n for s, n in out["statuses"].items() if int(s) < 400)
    out.update(
        rps=out["requests"] / secs,
        ok_rps=ok / secs,
        requests_ok=ok,
        errors_total=sum(out["errors"].values()),
        failed_status=out["requests"] - ok,
        load_before=load_before,
        load_after=os.getloadavg()[0],
        connections=connections,
    )
    return out


def datasette_lines(db: Path, queries: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    """The same name searches through Datasette's table search (FTS5), a page of 20."""
    return [
        ("GET", f"/{db.stem}/enterprise.json?_search={quote(q)}&_size=20", "")
        for _, q, _ in queries
    ]


def warm_search(port: int, lines: Path, args: argparse.Namespace) -> None:
    """The name searches for --search-warmup seconds, not counted."""
    if args.search_warmup:
        wrk(port, lines, args.search_connections, args.search_warmup)


def serve_command(port: int, workers: int) -> list[str]:
    """`xinyong serve` as the benchmark runs it: the production configuration, no access log,
    no scheduled jobs. A run's figures must not depend on the hour it starts at: the server's
    scheduler runs the daily syncs at 02:00-05:00 and the full rating pass at 02:30 (Asia/
    Shanghai, 18:00-21:00 UTC), the list rules at :20 and the rating of what changed every
    quarter hour, and a run that met one measured the job with it (bench/RESULTS.md, load).
    What a job costs the requests beside it is measured by bench/job_writes.py."""
    return [
        sys.executable,
        "-m",
        "xinyong",
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--keep-alive",
        "75",
        "--no-access-log",
        "--no-scheduler",
    ]


def datasette_command(db: Path, meta: Path, port: int) -> list[str]:
    datasette = shutil.which("datasette", path=str(Path(sys.executable).parent)) or "datasette"
    return [
        datasette,
        "serve",
        str(db),
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--metadata",
        str(meta),
        # An API answer has no use for facet suggestions (a dozen queries each).
        "--setting",
        "suggest_facets",
        "off",
    ]


def datasette_ready(db: Path, work: Path) -> Path:
    """An FTS5 trigram table on enterprise names in the same file, and Datasette's metadata."""
    conn = sqlite3.connect(db)
    exists = conn.execute(
        "SELECT 1 FROM sqlite_master WHERE name = 'bench_enterprise_name_fts'"
    ).fetchone()
    if not exists:
        log("building the FTS5 trigram table on names for Datasette")
        conn.executescript(
            "CREATE VIRTUAL TABLE bench_enterprise_name_fts USING fts5(name, "
            "content='enterprise', content_rowid='id', tokenize='trigram');"
            "INSERT INTO bench_enterprise_name_fts(bench_enterprise_name_fts) VALUES('rebuild');"
        )
        conn.commit()
    conn.close()
    meta = work / "datasette-metadata.json"
    meta.write_text(
        json.dumps(
            {
                "databases": {
                    db.stem: {
                        "tables": {
                            "enterprise": {"fts_table": "bench_enterprise_name_fts", "fts_pk": "id"}
                        }
                    }
                }
            }
        )
    )
    return meta


# --- the run -------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=1_000_000)
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/xinyong-load"))
    parser.add_argument("--db", type=Path, help="the SQLite file (default WORKDIR/x.db)")
    parser.add_argument(
        "--database-url",
        help="serve ours from this database instead of the SQLite file (PostgreSQL: built there "
        "through the same connectors unless --reuse finds enterprises; Datasette is skipped)",
    )
    parser.add_argument("--reuse", action="store_true", help="use --db as it is if it exists")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--connections", type=int, default=5000)
    parser.add_argument("--rate", type=int, default=1000, help="offered req/s of the mix")
    parser.add_argument("--duration", type=int, default=60, help="seconds of the mix run")
    parser.add_argument(
        "--warmup", type=int, default=30, help="seconds of the mix before the measured run"
    )
    parser.add_argument("--search-connections", type=int, default=50)
    parser.add_argument("--search-duration", type=int, default=20)
    parser.add_argument(
        "--search-warmup",
        type=int,
        default=5,
        help="seconds of the same searches, not counted, before ours (cache off) and Datasette",
    )
    parser.add_argument("--per-kind", type=int, default=400, help="queries per search kind")
    parser.add_argument(
        "--zipf", type=float, default=1.0, help="popularity skew of the mix (0 = uniform)"
    )
    parser.add_argument(
        "--court-syncs-every",
        type=float,
        default=0,
        help="seconds from one sync of new court records to the start of the next, during the "
        "mix (0 = none; bench/court_syncs.py)",
    )
    parser.add_argument(
        "--court-sync-records", type=int, default=50, help="new 失信 records in each such sync"
    )
    parser.add_argument("--port", type=int, default=18000)
    parser.add_argument("--skip-peers", action="store_true", help="ours only")
    parser.add_argument(
        "--baseline-http",
        choices=("write-once", "httptools"),
        default="write-once",
        help="the baseline's HTTP protocol: ours (write-once, as `xinyong serve`) or uvicorn's own",
    )
    args = parser.parse_args()

    work = args.workdir
    work.mkdir(parents=True, exist_ok=True)
    db = args.db or work / "x.db"
    url = args.database_url or f"sqlite:///{db}"
    on_sqlite = url.startswith("sqlite")
    report: dict = {"args": {k: str(v) for k, v in vars(args).items()}, "build": []}
    report["commit"] = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=HERE
    ).stdout.strip()
    built = _enterprises(url)
    if not (args.reuse and built):
        if built:
            sys.exit(f"{url} holds enterprises: pass --reuse to use them, or remove them")
        report["build"] = build(work, url, args.enterprises, args.seed)
    else:
        upgraded(work, url)
    enterprises = _enterprises(url)
    report["enterprises"] = enterprises
    report["database"] = "sqlite" if on_sqlite else url.split(":", 1)[0]
    size = f" ({db.stat().st_size / 2**20:,.0f} MB)" if on_sqlite else ""
    log(f"data set: {enterprises:,} enterprises in {db if on_sqlite else url}{size}")

    # Each run keeps its servers' logs: a later run must not overwrite what explains an earlier one.
    logs = work / "runs" / time.strftime("%Y%m%d-%H%M%S")
    logs.mkdir(parents=True, exist_ok=True)
    log(f"server logs in {logs}")

    # Two pools, so the mix does not start on answers the throughput run already cached.
    throughput_pools = draw_requests(url, args.per_kind, args.seed + 100)
    mix_pools = draw_requests(url, args.per_kind, args.seed + 200)
    search_file = write_lines(work / "search.tsv", throughput_pools["search"])
    # The production server's searches are warmed with a draw of their own: warmed with
    # search.tsv it would begin the measured run on answers it already kept (the replay the
    # mix had until the thirty-first session); not warmed at all, it began cold and ran slower
    # than the uncached server, which is warmed (bench/RESULTS.md, thirty-third session).
    search_warm_file = write_lines(
        work / "search-warmup.tsv", draw_requests(url, args.per_kind, args.seed + 300)["search"]
    )
    warm_file, mix_file, mix_total = mix_files(work, "mix", mix_pools, args)
    think_ms = args.connections / args.rate * 1000
    report["distinct"] = {k: len(set(v)) for k, v in mix_pools.items() if k in MIX}
    log(f"{len(throughput_pools['search']):,} search queries; mix of {mix_total:,} requests")

    ours_cmd = serve_command(args.port, args.workers)
    report["ours_command"] = " ".join(ours_cmd[1:])
    report["rate_limit_ip"] = RATE_LIMIT_IP
    # Name-search throughput with the answer cache off: every query computed, whatever repeats.
    cold = Server(
        "xinyong serve (cache off)",
        ours_cmd,
        _env(work, url, XINYONG_RATE_LIMIT_IP=RATE_LIMIT_IP, XINYONG_CACHE_MB="0"),
        args.port,
        logs / "serve-cold.log",
    )
    try:
        cold.wait_ours_ready()
        # Both servers are measured on a file whose pages are in memory: the first run after
        # a build or another database's run otherwise read it from disk while Datasette, run
        # later, found it cached (p99 0.26 s against 0.09 s on the same code).
        warm_search(args.port, search_file, args)
        log("ours, answer cache off: name-search throughput")
        report["ours_search_cold"] = wrk(
            args.port, search_file, args.search_connections, args.search_duration
        )
    finally:
        cold.stop()
    ours = Server(
        "xinyong serve",
        ours_cmd,
        _env(work, url, XINYONG_RATE_LIMIT_IP=RATE_LIMIT_IP, XINYONG_OPERATOR_TOKEN=METRICS_TOKEN),
        args.port,
        logs / "serve.log",
    )
    scrapes = server_view.Scrapes(args.port, METRICS_TOKEN)
    try:
        ours.wait_ours_ready()
        report["ours_rss_idle_mb"] = ours.rss_mb()
        ours.sample()
        warm_search(args.port, search_warm_file, args)
        scrapes.start()
        log("ours: name-search throughput (answer cache on, the same queries)")
        report["ours_search"] = wrk(
            args.port, search_file, args.search_connections, args.search_duration
        )
        scrapes.take()
        mix_start = time.time()
        syncs = None
        if args.court_syncs_every:
            # From the warm-up on: the measured minute meets syncs already under way.
            syncs = CourtSyncs(
                work, _env(work, url), args.court_syncs_every, args.court_sync_records, args.seed
            )
            syncs.start()
        if args.warmup:
            # A running server has been answering for a while: its caches hold what people
            # ask often. This run fills them and is reported apart, not counted in the mix.
            log(f"ours: the mix, warm-up of {args.warmup} s")
            report["ours_mix_warmup"] = wrk(
                args.port, warm_file, args.connections, args.warmup, think_ms
            )
        scrapes.take()
        measured = time.time()
        log(f"ours: the mix, {args.connections} connections offering {args.rate} req/s")
        report["ours_mix"] = wrk(args.port, mix_file, args.connections, args.duration, think_ms)
        if syncs is not None:
            syncs.stop()
            report["court_syncs"] = syncs.summary(measured, time.time())
        scrapes.stop()
        report["ours_mix_server_view"] = {
            "warm-up": server_view.windows(scrapes, mix_start, measured),
            "measured": server_view.windows(scrapes, measured, time.time()),
        }
        report["ours_scrapes_failed"] = scrapes.failed
        report["ours_rss_end_mb"] = ours.rss_mb()
        report["ours_rss_peak_mb"] = max(ours.peak_rss, report["ours_rss_end_mb"])
        report["ours_pss_peak_mb"] = ours.peak_pss
        report["ours_peak_processes"] = ours.peak_processes
    finally:
        scrapes.stop()
        ours.stop()

    if not args.skip_peers and not on_sqlite:
        log("Datasette serves SQLite files only: skipped on this database")
    if not args.skip_peers and on_sqlite:
        meta = datasette_ready(db, work)
        ds_file = write_lines(
            work / "datasette.tsv", datasette_lines(db, throughput_pools["search_queries"])
        )
        ds_cmd = datasette_command(db, meta, args.port + 1)
        report["datasette_command"] = " ".join(ds_cmd)
        ds = Server("datasette", ds_cmd, dict(os.environ), args.port + 1, logs / "datasette.log")
        try:
            ds.wait_ready("/-/versions.json")
            ds.sample()
            warm_search(args.port + 1, ds_file, args)
            log("datasette: name-search throughput")
            report["datasette_search"] = wrk(
                args.port + 1, ds_file, args.search_connections, args.search_duration
            )
            report["datasette_rss_peak_mb"] = max(ds.peak_rss, ds.rss_mb())
        finally:
            ds.stop()

    if not args.skip_peers:
        base_cmd = [
            sys.executable,
            str(HERE / "load" / "baseline_serve.py"),
            "--port",
            str(args.port + 2),
            "--workers",
            str(args.workers),
            "--http",
            args.baseline_http,
        ]
        report["baseline_command"] = " ".join(base_cmd[1:])
        base = Server("baseline", base_cmd, dict(os.environ), args.port + 2, logs / "baseline.log")
        try:
            base.wait_ready()
            log("baseline: constant JSON throughput")
            report["baseline_search"] = wrk(
                args.port + 2, search_file, args.search_connections, args.search_duration
            )
            log("baseline: the mix's connections and rate")
            report["baseline_mix"] = wrk(
                args.port + 2, search_file, args.connections, args.duration, think_ms
            )
        finally:
            base.stop()

    for folder in (work, logs):
        (folder / "report.json").write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(markdown(report))


def markdown(r: dict) -> str:
    def row(name: str, m: dict | None) -> str:
        if not m:
            return f"| {name} | — | — | — | — | — | — |"
        lat = m["latency_us"]
        ms = "{:.1f} / {:.1f} / {:.1f} / {:.0f}".format(
            lat["p50"] / 1000, lat["p95"] / 1000, lat["p99"] / 1000, lat["max"] / 1000
        )
        errors = f"{m['errors_total']} / {m['failed_status']}"
        cache = (
            f"{m['cache_hits'] / (m['cache_hits'] + m['cache_misses']):.0%}"
            if m["cache_hits"] + m["cache_misses"]
            else "—"
        )
        return (
            f"| {name} | {m['connections']:,} | {m['requests']:,} | {m['ok_rps']:,.0f} | {ms} | "
            f"{errors} | {cache} | {m['load_before']:.1f} |"
        )

    lines = [
        f"commit {r['commit']}, {r['enterprises']:,} enterprises",
        "",
        "| run | connections | requests | ok req/s | p50 / p95 / p99 / max ms | socket errors / "
        "status ≥ 400 | cache hits | load before |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
        row("ours: name search, answer cache off", r.get("ours_search_cold")),
        row("ours: name search, cache on (production)", r.get("ours_search")),
        row("Datasette: same name searches", r.get("datasette_search")),
        row("baseline: constant JSON", r.get("baseline_search")),
        row("ours: the mix, warm-up (not counted)", r.get("ours_mix_warmup")),
        row("ours: the mix (open, think time)", r.get("ours_mix")),
        row("baseline: constant JSON at the mix's rate", r.get("baseline_mix")),
        "",
    ]
    for label, run in (("cache off", "ours_search_cold"), ("cache on", "ours_search")):
        ours = r.get(run, {}).get("ok_rps")
        if ours and r.get("datasette_search"):
            ratio = ours / r["datasette_search"]["ok_rps"]
            lines.append(f"name search ({label}) ours / Datasette: {ratio:.2f}×")
        if ours and r.get("baseline_search"):
            ratio = ours / r["baseline_search"]["ok_rps"]
            lines.append(f"name search ({label}) ours / baseline: {ratio:.2f}")
    base_mix = r.get("baseline_mix")
    if base_mix:
        # The constant answer at the mix's connections and rate is the most this machine and
        # load generator can show: if it misses the latency goal, so must any server measured
        # here, and the mix's figures say nothing about ours (bench/RESULTS.md, load).
        p99 = base_mix["latency_us"]["p99"] / 1000
        failed = base_mix["errors_total"] + base_mix["failed_status"]
        if p99 >= 100 or failed:
            lines.append(
                f"this machine cannot show the mix's latency goal: the constant answer itself had "
                f"a p99 of {p99:,.1f} ms and {failed:,} failed requests at the mix's rate"
            )
    lines.append(
        f"server RSS (process tree): idle {r.get('ours_rss_idle_mb', 0):.0f} MB, peak "
        f"{r.get('ours_rss_peak_mb', 0):.0f} MB (PSS peak {r.get('ours_pss_peak_mb', 0):.0f} MB); "
        "Datasette peak "
        f"{r.get('datasette_rss_peak_mb', 0):.0f} MB"
    )
    if r.get("ours_peak_processes"):
        lines.append(
            "at the peak: "
            + "; ".join(
                f"{_role(command)} {pid} {mb:.0f} MB"
                for pid, command, mb in r["ours_peak_processes"]
            )
        )
    if r.get("distinct"):
        lines.append(
            "mix pools (distinct requests): "
            + ", ".join(f"{k} {n:,}" for k, n in r["distinct"].items())
            + f"; popularity Zipf s={r['args']['zipf']}"
        )
    if r.get("court_syncs"):
        c = r["court_syncs"]
        taken = sorted(c["seconds"])
        lines.append(
            f"court syncs in the measured minute: {c['syncs']} of {c['records_each']} new records "
            f"each {c['every_s']:g} s after the last, {c['failed']} failed"
            + (f", median {taken[len(taken) // 2]:.1f} s each" if taken else "")
        )
    if r.get("ours_mix_server_view"):
        lines += [
            "",
            server_view.markdown(
                r["ours_mix_server_view"],
                "the mix, each part timed from its start",
            ),
            "",
        ]
    for step in r.get("build", []):
        lines.append(f"build {step['step']}: {step['seconds']:.0f} s, peak {step['rss_mb']:.0f} MB")
    return "\n".join(lines)


def _role(command: str) -> str:
    """What a process of the server's tree is, from its command line."""
    if "resource_tracker" in command:
        return "resource tracker"
    if "spawn_main" in command or "multiprocessing" in command:
        return "worker"
    return "master"


if __name__ == "__main__":
    main()
