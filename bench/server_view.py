"""The server's own view of a load run, read from its /metrics every few seconds: per window, what
it answered, how many answers took over 100 ms and which routes and cache states they were, how
many requests waited that long for a worker thread, how many batches of records (the
verifications' group commits) took that long to write, and how many times the event loop read a
data generation from the database.

The server times a request from the moment the app sees it to the end of its answer; wrk times it
from the send to the last byte read. What wrk sees beyond the server's own times was spent
before the app (the kernel's queues, an event loop busy with other work) or after it.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

import httpx
from prometheus_client.parser import text_string_to_metric_families

REQUESTS = "xinyong_http_request_duration_seconds"
QUEUE = "xinyong_request_queue_seconds"
BATCHES = "xinyong_batch_write_seconds"
GENERATION_READS = "xinyong_generation_reads_total"
SLOW = "0.1"  # the load goal's p99, one of the histogram's bucket bounds


class Scrapes:
    """/metrics read every `every` seconds in a thread, each scrape kept with its time."""

    def __init__(self, port: int, token: str, every: float = 5.0) -> None:
        self.url = f"http://127.0.0.1:{port}/metrics"
        self.headers = {"authorization": f"Bearer {token}"}
        self.every = every
        self.taken: list[tuple[float, dict]] = []
        self.failed = 0
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def take(self) -> None:
        try:
            answer = httpx.get(self.url, headers=self.headers, timeout=10)
            answer.raise_for_status()
        except httpx.HTTPError:
            self.failed += 1
            return
        self.taken.append((time.time(), _counts(answer.text)))

    def start(self) -> Scrapes:
        def loop() -> None:
            self.take()
            while not self._stop.wait(self.every):
                self.take()

        self._thread = threading.Thread(target=loop, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._stop.is_set():
            return
        self._stop.set()
        if self._thread:
            self._thread.join()
        self.take()


def _counts(text: str) -> dict:
    """Per request series (method, route, status, cache): answers and answers within 100 ms;
    and the queue's waits, in all and within 100 ms."""
    counts: dict = {}
    for family in text_string_to_metric_families(text):
        for s in family.samples:
            if s.name == f"{REQUESTS}_count":
                key = (s.labels["method"], s.labels["route"], s.labels["status"], s.labels["cache"])
                counts.setdefault(key, [0.0, 0.0])[0] = s.value
            elif s.name == f"{REQUESTS}_bucket" and s.labels["le"] == SLOW:
                key = (s.labels["method"], s.labels["route"], s.labels["status"], s.labels["cache"])
                counts.setdefault(key, [0.0, 0.0])[1] = s.value
            elif s.name == f"{QUEUE}_count":
                counts.setdefault("queue", [0.0, 0.0])[0] = s.value
            elif s.name == f"{QUEUE}_bucket" and s.labels["le"] == SLOW:
                counts.setdefault("queue", [0.0, 0.0])[1] = s.value
            elif s.name == f"{BATCHES}_count":
                counts.setdefault("batches", [0.0, 0.0])[0] += s.value
            elif s.name == f"{BATCHES}_bucket" and s.labels["le"] == SLOW:
                counts.setdefault("batches", [0.0, 0.0])[1] += s.value
            elif s.name == GENERATION_READS:
                counts["generations"] = [s.value, 0.0]
    return counts


def windows(scrapes: Scrapes, since: float, until: float, seconds: float = 10.0) -> list[dict]:
    """Consecutive windows of about `seconds` between `since` and `until`: answers, answers over
    100 ms by (route, cache state), and waits for a thread over 100 ms."""
    taken = sorted((t, c) for t, c in scrapes.taken if since - 0.5 <= t <= until + 0.5)
    rows = []
    start = 0
    for i in range(1, len(taken)):
        if taken[i][0] - taken[start][0] < seconds and i < len(taken) - 1:
            continue
        (t0, before), (t1, after) = taken[start], taken[i]
        answered, slow = 0, Counter()
        for key, (n, fast) in after.items():
            if (
                key in ("queue", "batches", "generations") or key[1] == "/metrics"
            ):  # scrapes are not the load
                continue
            was_n, was_fast = before.get(key, (0.0, 0.0))
            answered += n - was_n
            late = (n - fast) - (was_n - was_fast)
            if late:
                method, route, status, cache = key
                slow[f"{method} {route} {status} {cache}"] += late
        queued = after.get("queue", (0.0, 0.0))
        was = before.get("queue", (0.0, 0.0))
        batches = after.get("batches", (0.0, 0.0))
        was_batches = before.get("batches", (0.0, 0.0))
        reads = after.get("generations", (0.0, 0.0))[0] - before.get("generations", (0.0, 0.0))[0]
        rows.append(
            {
                "from_s": round(t0 - since, 1),
                "to_s": round(t1 - since, 1),
                "answered": int(answered),
                "over_100ms": int(sum(slow.values())),
                "slow_by_kind": dict(slow.most_common(4)),
                "queued": int(queued[0] - was[0]),
                "queued_over_100ms": int((queued[0] - queued[1]) - (was[0] - was[1])),
                "batches": int(batches[0] - was_batches[0]),
                "batches_over_100ms": int(
                    (batches[0] - batches[1]) - (was_batches[0] - was_batches[1])
                ),
                "generation_reads": int(reads),
            }
        )
        start = i
    return rows


def markdown(phases: dict[str, list[dict]], title: str) -> str:
    """`phases`: the windows of each part of a run, by its name, in order."""
    lines = [
        f"{title} — the server's own times (/metrics), per window:",
        "",
        "| part | seconds | answered | over 100 ms | the slow ones, by route and cache state "
        "| thread waits (over 100 ms) | record batches (over 100 ms) | generation reads |",
        "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: |",
    ]
    for phase, rows in phases.items():
        lines += [_row(phase, r) for r in rows]
    return "\n".join(lines)


def _row(phase: str, r: dict) -> str:
    kinds = ", ".join(f"{k}: {int(v)}" for k, v in r["slow_by_kind"].items()) or "—"
    return (
        f"| {phase} | {r['from_s']:.0f}–{r['to_s']:.0f} | {r['answered']:,} "
        f"| {r['over_100ms']:,} | {kinds} | {r['queued']:,} ({r['queued_over_100ms']:,}) "
        f"| {r.get('batches', 0):,} ({r.get('batches_over_100ms', 0):,}) "
        f"| {r.get('generation_reads', 0):,} |"
    )
