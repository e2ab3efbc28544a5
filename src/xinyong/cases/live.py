"""Live case updates: a stream reads events from the database by id; this only wakes it early.

Any process may write an event; a stream in another process sees it on its next poll. Within
one process `notify_all` saves the wait.
"""

from __future__ import annotations

import asyncio
import threading

_lock = threading.Lock()
_waiters: dict[int, set[tuple[asyncio.AbstractEventLoop, asyncio.Event]]] = {}


def subscribe(case_id: int) -> tuple[asyncio.AbstractEventLoop, asyncio.Event]:
    waiter = (asyncio.get_running_loop(), asyncio.Event())
    with _lock:
        _waiters.setdefault(case_id, set()).add(waiter)
    return waiter


def unsubscribe(case_id: int, waiter) -> None:
    with _lock:
        found = _waiters.get(case_id)
        if found:
            found.discard(waiter)
            if not found:
                del _waiters[case_id]


def notify_all(case_id: int) -> None:
    """Called after a commit that added events to the case (from any thread)."""
    with _lock:
        waiters = list(_waiters.get(case_id, ()))
    for loop, event in waiters:
        try:
            loop.call_soon_threadsafe(event.set)
        except RuntimeError:  # the loop closed with its stream
            pass
