"""Prometheus metrics of a server: request times by route and cache state, the wait for a worker
thread, batch writes, refused requests, generation reads and each source's last good sync, summed over the workers
of a `serve`."""

from __future__ import annotations

import asyncio
import os
import time

from fastapi import APIRouter, Depends, Request, Response
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Histogram,
    generate_latest,
    multiprocess,
)
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Engine
from sqlalchemy.orm import Session
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from xinyong.api.operator import require_operator
from xinyong.sources.freshness import last_runs

# Set by `xinyong serve --workers N` before the workers start (cli._metrics_dir): each worker
# writes its values to files there, and whichever worker answers /metrics sums them all.
MULTIPROCESS_DIR = "PROMETHEUS_MULTIPROC_DIR"
# Scope key: the route template of a public read answered before routing (api/cache.py).
ROUTE = "xinyong.route"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})
# From a cache hit (a fraction of a millisecond) to the refusal of a request queued too long
# (XINYONG_QUEUE_SECONDS, 5 s): the load goal is read at 100 ms.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

REQUEST_SECONDS = Histogram(
    "xinyong_http_request_duration_seconds",
    "Time from a request's arrival to the end of its answer / 请求自到达至应答完毕的时间",
    ["method", "route", "status", "cache"],
    buckets=BUCKETS,
)
QUEUE_SECONDS = Histogram(
    "xinyong_request_queue_seconds",
    "Time a request waited for a worker thread / 请求等待工作线程的时间",
    buckets=BUCKETS,
)
BATCH_SECONDS = Histogram(
    "xinyong_batch_write_seconds",
    "Time to write one batch of records, the wait for the write turn included "
    "/ 写入一批记录的时间（含等待写入权）",
    ["writer"],
    buckets=BUCKETS,
)
BATCH_RECORDS = Histogram(
    "xinyong_batch_write_records",
    "Records per batch written / 每批写入的记录数",
    ["writer"],
    buckets=(1, 2, 5, 10, 20, 50, 100, 200),
)
GENERATION_READS = Counter(
    "xinyong_generation_reads_total",
    "Data generation rows read from the database by the event loop; a row kept since the last "
    "change costs none / 事件循环从数据库读取数据代次的次数",
)
REFUSED = Counter(
    "xinyong_requests_refused_total",
    "Requests dropped unanswered: waited too long (overloaded) or their caller left "
    "(client_gone) / 未处理即放弃的请求",
    ["reason"],
)


def observe_queue(scope: Scope, arrived: float) -> None:
    """A request's wait for a worker thread, once per request (a route may check it twice)."""
    if not scope.get("xinyong.queued"):
        scope["xinyong.queued"] = True
        QUEUE_SECONDS.observe(time.monotonic() - arrived)


class MetricsMiddleware:
    """Times every HTTP request to the end of its answer, labelled by route template (never the
    path itself: a million profiles would be a million series), status and X-Cache state."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self._series: dict[tuple[str, str, int, str], object] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        start = time.perf_counter()
        status, cache = 500, "none"

        async def watched(message: Message) -> None:
            nonlocal status, cache
            if message["type"] == "http.response.start":
                status = message["status"]
                for name, value in message.get("headers", ()):
                    if name == b"x-cache":
                        cache = value.decode("latin-1")
                        break
            await send(message)

        try:
            await self.app(scope, receive, watched)
        finally:
            self._series_of(scope, status, cache).observe(time.perf_counter() - start)

    def _series_of(self, scope: Scope, status: int, cache: str):
        route = scope.get(ROUTE)
        if route is None:
            matched = scope.get("route")
            route = getattr(matched, "path", None) or "unmatched"
        method = scope["method"] if scope["method"] in METHODS else "other"
        key = (method, route, status, cache)
        series = self._series.get(key)
        if series is None:  # labels() costs a lock and a tuple per call: once per series
            series = self._series[key] = REQUEST_SECONDS.labels(method, route, str(status), cache)
        return series


class SourceFreshness(Collector):
    """Per source, when its last good sync finished and whether its latest run failed: what an
    operator alerts on when an upstream stops delivering (sources.freshness.last_runs). Read
    from the database at each scrape, so every worker reports the same."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def collect(self):
        succeeded = GaugeMetricFamily(
            "xinyong_source_last_success_timestamp_seconds",
            "When the source's last successful sync finished (Unix time) / 数据源最近一次成功同步的完成时间",
            labels=["source"],
        )
        failing = GaugeMetricFamily(
            "xinyong_source_last_run_failed",
            "1 when the source's latest finished run failed or was refused / 最近一次同步失败为 1",
            labels=["source"],
        )
        with Session(self.engine) as session:
            runs = last_runs(session)
        for source, (finished, failed) in sorted(runs.items()):
            if finished is not None:
                succeeded.add_metric([source], finished.timestamp())
            failing.add_metric([source], 1.0 if failed else 0.0)
        yield succeeded
        yield failing


def registry(engine: Engine) -> CollectorRegistry:
    """What /metrics reports: every worker's values when the server runs several, else this
    process's; the sources' freshness from the database either way."""
    if os.environ.get(MULTIPROCESS_DIR):
        found = CollectorRegistry()
        multiprocess.MultiProcessCollector(found)
    else:
        found = CollectorRegistry()
        for collector in (
            REQUEST_SECONDS,
            QUEUE_SECONDS,
            BATCH_SECONDS,
            BATCH_RECORDS,
            REFUSED,
            GENERATION_READS,
        ):
            found.register(collector)
    found.register(SourceFreshness(engine))
    return found


router = APIRouter(tags=["ops"])


@router.get(
    "/metrics",
    summary="运行指标（Prometheus）/ Metrics for Prometheus",
    dependencies=[Depends(require_operator)],
    response_class=Response,
)
async def metrics(request: Request) -> Response:
    found = getattr(request.app.state, "metrics_registry", None)
    if found is None:
        found = request.app.state.metrics_registry = registry(request.app.state.engine)
    # Off the request threads: a scrape must not queue behind the misses it is there to count
    # (nor block the event loop with its file and database reads).
    body = await asyncio.to_thread(generate_latest, found)
    return Response(body, media_type=CONTENT_TYPE_LATEST)
