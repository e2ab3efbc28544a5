"""Request dependencies: a database session from the app's engine, and refusing stale work."""

import time
from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from xinyong.api.metrics import REFUSED, observe_queue
from xinyong.errors import Overloaded
from xinyong.settings import get_settings

ARRIVED = "xinyong.arrived"  # scope key: when the guard middleware first saw the request


def refuse_if_stale(request: Request) -> None:
    """Refuse, unanswered, a request that waited longer than XINYONG_QUEUE_SECONDS for a worker.

    Behind a burst, a request's caller may have given up by the time a worker thread is free
    (clients and load balancers time out): computing its answer anyway spends the CPU the
    requests still waiting need, and the queue never drains — the collapse the load benchmark
    measured. A quick 503 with Retry-After instead lets the server catch up.
    """
    arrived = request.scope.get(ARRIVED)
    if arrived is None:
        return
    observe_queue(request.scope, arrived)
    limit = get_settings().queue_seconds
    if limit > 0:
        waited = time.monotonic() - arrived
        if waited > limit:
            REFUSED.labels("overloaded").inc()
            raise Overloaded(
                f"服务繁忙：请求排队 {waited:.1f} 秒未得处理，请稍后重试",
                f"the server is busy: the request waited {waited:.1f} s for a worker; retry later",
                waited_seconds=round(waited, 1),
            )


def get_session(request: Request) -> Iterator[Session]:
    refuse_if_stale(request)
    session = request.app.state.sessions()
    try:
        yield session
    finally:
        session.close()


# What routes take. Function-scoped: the session, and the pooled connection it holds, is closed
# as soon as the route returns, before FastAPI validates and sends the answer. Request-scoped,
# a sync route kept its connection while it waited for a worker thread to validate its answer;
# under 5,000 connections every thread waited for a connection held by a finished request, and
# the server never recovered (bench/RESULTS.md, the load benchmark).
DbSession = Depends(get_session, scope="function")
