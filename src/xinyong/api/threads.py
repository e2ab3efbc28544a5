"""Request work on worker threads: refused when stale or abandoned, shared when already in flight."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

from fastapi import Request
from fastapi.concurrency import run_in_threadpool

from xinyong.api.deps import refuse_if_stale
from xinyong.api.metrics import REFUSED
from xinyong.errors import ClientGone, Overloaded

T = TypeVar("T")


async def in_request_thread(request: Request, work: Callable[[], T]) -> T:
    """`work()` on one of the process's few request threads, once one is free.

    A request waits for a thread in a queue. When its turn comes it is refused unanswered if
    it waited too long (deps.refuse_if_stale) or if its caller has gone meanwhile (a closed
    tab, a client or balancer that timed out): computing an answer nobody will read spends
    the thread the requests behind it are waiting for. After a burst, the queue left behind
    by departed callers was what new callers waited behind (bench/RESULTS.md, load).
    """
    gone = threading.Event()

    async def watch() -> None:
        # A request whose body has been read is told of its caller leaving by the next
        # message of its ASGI channel (the first may still be the empty body of a GET).
        while (await request.receive())["type"] != "http.disconnect":
            pass
        gone.set()

    def turn() -> T:
        refuse_if_stale(request)
        if gone.is_set():
            REFUSED.labels("client_gone").inc()
            raise ClientGone(
                "请求方已断开，未处理", "the caller disconnected before the request was handled"
            )
        return work()

    watcher = asyncio.ensure_future(watch())
    try:
        return await run_in_threadpool(turn)
    finally:
        watcher.cancel()


# What a waiter does not take from the request it waited on: that request's caller left, or
# it waited too long. The waiter's own caller is still there; it computes the answer itself.
_NOT_SHARED = (ClientGone, Overloaded)


class _LeaderCancelled(Exception):
    """The request computing a shared answer was cancelled before it had one."""


class Flights(Generic[T]):
    """Identical work in flight in this process, done once for every request that asks.

    A popular question asked again while its first answer is still being computed (or still
    queued for a thread, which under a burst takes longest) waits for that answer instead of
    queueing a second computation; each extra copy would lengthen the queue that made the
    first one slow (bench/RESULTS.md, load). Keys must say everything the answer depends on.
    """

    def __init__(self) -> None:
        self._pending: dict[str, asyncio.Future[T]] = {}

    async def run(self, key: str, compute: Callable[[], Awaitable[T]]) -> tuple[T, bool]:
        """The answer for `key`, and whether it was shared from another request."""
        pending = self._pending.get(key)
        if pending is not None:
            try:
                return await asyncio.shield(pending), True
            except (*_NOT_SHARED, _LeaderCancelled):
                pass
        done: asyncio.Future[T] = asyncio.get_running_loop().create_future()
        self._pending[key] = done
        try:
            value = await compute()
        except Exception as exc:
            done.set_exception(exc)
            raise
        except BaseException:
            done.set_exception(_LeaderCancelled())
            raise
        else:
            done.set_result(value)
            return value, False
        finally:
            if self._pending.get(key) is done:
                del self._pending[key]
            # Marks a failure as retrieved: with nobody waiting, asyncio would log it as lost.
            done.exception()

    def __len__(self) -> int:
        return len(self._pending)
