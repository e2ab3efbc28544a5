"""The FastAPI application: routers, problem details, health check, home page."""

from __future__ import annotations

import gc
import sys
from contextlib import asynccontextmanager

import anyio
from fastapi import Depends, FastAPI
from fastapi.responses import JSONResponse
from sqlalchemy import Engine, text

from xinyong import __version__
from xinyong.accounts import api as accounts_api
from xinyong.accounts import gate
from xinyong.agencies import api as agencies_api
from xinyong.alerts import api as alerts_api
from xinyong.api import changes, codes, enterprises, metrics, problems, sources
from xinyong.api.cache import GenerationReader, ReadCacheMiddleware, make_cache, read_engine
from xinyong.api.threads import Flights
from xinyong.cases import api as cases_api
from xinyong.db import WalCheckpoints, get_engine, session_factory
from xinyong.documents import api as documents_api
from xinyong.ledger import api as ledger_api
from xinyong.lists import api as lists_api
from xinyong.rating import api as rating_api
from xinyong.search import api as search_api
from xinyong.search.backends import take_estimates
from xinyong.search.normalise import warm_up
from xinyong.settings import get_settings
from xinyong.stats import api as stats_api
from xinyong.verification import api as verification_api
from xinyong.verification.collectors import warm as warm_collectors
from xinyong.verification.rules import default_rules as default_verification_rules
from xinyong.watch import api as watch_api
from xinyong.wiring import connect

# Net allocations of tracked objects between two young collections in a server process.
YOUNG_COLLECTION = 50_000


def create_app(engine: Engine | None = None) -> FastAPI:
    engine = engine or get_engine()
    connect()

    @asynccontextmanager
    async def lifespan(app: FastAPI):
        # No more worker threads than kept connections: a sync route never waits for a
        # connection (bench/load: pool timeouts), nor opens one that is closed again after.
        settings = get_settings()
        threads = settings.threads or (4 if engine.dialect.name == "sqlite" else settings.pool_size)
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = max(1, min(threads, settings.pool_size))
        # Verification records, written in batches by one thread per process.
        app.state.verification_writer = verification_api.verification_writer(app.state.sessions)
        warm_up()
        # Work a process does in the background as it starts, by name: /readyz answers 503
        # until it is done. The registry's collectors, which new verifications look up
        # (verification/collectors.py): a scan of every enterprise, 3-5 s of a core at 1M.
        app.state.starting = {
            "collector_firms": warm_collectors(engine, default_verification_rules())
        }
        # On the engine public reads use (a replica where one is set): searches run there.
        with app.state.read_engine.connect() as conn:
            take_estimates(conn)
        scheduler = None
        if get_settings().run_scheduler:
            from xinyong.sources.scheduler import start_scheduler

            scheduler = start_scheduler(engine)
        app.state.scheduler = scheduler
        checkpoints = WalCheckpoints.started(engine)
        # What start-up built (the dictionaries of the name normaliser, the ORM's mappings, the
        # app itself: ~380,000 objects at 1M enterprises) lives as long as the process. Out of
        # the collector's view: a full collection walked them all, 136 ms with the event loop
        # stopped, and every request paid its share (bench/RESULTS.md, load).
        gc.collect()
        gc.freeze()
        # Young collections every YOUNG_COLLECTION net allocations instead of 700: at the
        # default, what lives for the few milliseconds of a request (or the seconds of a
        # queued one) was promoted to the oldest generation, which then filled by a quarter
        # every few seconds and was walked whole, 120-200 ms with the process stopped; those
        # pauses were the p99 of the load benchmark's mix (bench/RESULTS.md, load).
        thresholds = gc.get_threshold()
        gc.set_threshold(YOUNG_COLLECTION, *thresholds[1:])
        interval = sys.getswitchinterval()
        if settings.switch_interval_ms > 0:
            sys.setswitchinterval(settings.switch_interval_ms / 1000)
        yield
        app.state.verification_writer.close()
        app.state.generations.close()
        if checkpoints:
            checkpoints.stop()
        sys.setswitchinterval(interval)
        # An app that ends inside a longer-lived process (the tests start hundreds) hands its
        # objects back to the collector: frozen cycles would never be freed.
        gc.set_threshold(*thresholds)
        gc.unfreeze()
        if scheduler:
            scheduler.shutdown(wait=False)

    app = FastAPI(
        lifespan=lifespan,
        title="xinyong 信用 API",
        version=__version__,
        description="企业信用信息平台接口 / Enterprise credit information platform API",
        # Every route: API keys resolved, held to their quotas and metered (accounts/gate.py).
        dependencies=[Depends(gate.gate)],
        telemetry=None
        if get_settings().opentelemetry
        else {"tracing": False, "metrics": False, "logs": False},
    )
    app.state.engine = engine
    app.state.sessions = session_factory(engine)
    app.state.read_engine = read_engine(engine)
    app.state.read_sessions = session_factory(
        app.state.read_engine,
        writer=None if app.state.read_engine is engine else engine,
        reads=True,
    )
    # A verification's steps only read, on the primary (its record is written by the batch
    # writer): in autocommit on PostgreSQL, as the public reads are (db.session_factory).
    app.state.primary_reads = session_factory(engine, reads=True)
    app.state.read_cache = make_cache(engine)
    # Generation reads made in the event loop (cache look-ups before any worker thread).
    app.state.generations = GenerationReader(app.state.read_engine, writes=engine)
    # Identical answers being computed, shared by the requests that ask meanwhile.
    app.state.flights = Flights()
    # Misses of the public reads answered before routing, routed once while in flight.
    app.state.fast_flights = Flights()
    # The verifications this process recorded last, for the result page that follows the form.
    app.state.just_recorded = verification_api.JustRecorded()
    problems.install(app)
    # Added before the guard, so the guard wraps it: rate limits and headers apply to hits.
    app.add_middleware(ReadCacheMiddleware)
    gate.install(app)
    # Outermost of ours: times every request, the guard's refusals and the cache's hits too.
    app.add_middleware(metrics.MetricsMiddleware)
    # A request is matched against the routes in the order they are added, and FastAPI scans
    # every route of each included router in turn (fastapi/fastapi#16159): a verification
    # used to try a hundred routes before its own (0.4 ms), a page or its stylesheet twice as
    # many. So: the health checks load balancers poll, the routes of the load benchmark's mix,
    # the portal's pages and their static files, then the rest of the API.

    def database_answers() -> None:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))

    @app.get("/healthz", tags=["ops"], summary="健康检查 / Health check")
    def healthz() -> dict[str, str]:
        database_answers()
        # Which process leads the scheduler (docs/deploy.md): leader, standby, or off.
        scheduler = getattr(app.state, "scheduler", None)
        return {
            "status": "ok",
            "version": __version__,
            "database": engine.dialect.name,
            "scheduler": scheduler.role if scheduler else "off",
        }

    @app.get("/readyz", tags=["ops"], summary="就绪检查 / Readiness check")
    def readyz() -> JSONResponse:
        """Whether to send this process traffic: the database answers and the work it does in
        the background as it starts is done. A load balancer or orchestrator polls this
        (docs/deploy.md); a liveness probe polls /healthz, which a process still starting
        passes. A process that took traffic during its start-up scan shared its cores with
        it: at 1M enterprises 3-5 s of a core per process, over the first seconds of load."""
        database_answers()
        starting = getattr(app.state, "starting", {})
        waiting = sorted(name for name, work in starting.items() if work.is_alive())
        if waiting:
            return JSONResponse(
                {
                    "status": "starting",
                    "waiting_for": waiting,
                    "detail": "进程仍在启动：" + "、".join(waiting) + " 未完成"
                    " / the process is still starting: " + ", ".join(waiting) + " not done",
                },
                status_code=503,
                headers={"Retry-After": "1"},
            )
        return JSONResponse({"status": "ready"})

    app.include_router(search_api.router)
    app.include_router(enterprises.router)
    app.include_router(verification_api.router)
    app.include_router(rating_api.router)  # before agencies: /agencies/recommended is not a code
    app.include_router(agencies_api.router)

    from xinyong.accounts import pages as account_pages
    from xinyong.cases import pages as cases_pages
    from xinyong.web import agency_pages, pages, verification_pages, workspace_pages

    app.include_router(pages.router)
    app.include_router(agency_pages.router)
    app.include_router(verification_pages.router)
    app.include_router(cases_pages.router)
    app.include_router(account_pages.router)
    app.include_router(workspace_pages.router)

    app.include_router(codes.router)
    app.include_router(changes.router)
    app.include_router(sources.router)
    app.include_router(alerts_api.router)
    app.include_router(lists_api.router)
    app.include_router(documents_api.router)
    app.include_router(ledger_api.router)
    app.include_router(cases_api.router)
    app.include_router(accounts_api.router)
    app.include_router(watch_api.router)
    app.include_router(stats_api.router)
    app.include_router(metrics.router)
    return app
