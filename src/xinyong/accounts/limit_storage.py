"""In-process rate-limit windows (the `limits` memory storage), their expired entries swept once a
second instead of after nearly every hit."""

from __future__ import annotations

import threading
import time

from limits.storage import MemoryStorage


class SweptMemoryStorage(MemoryStorage):
    """`limits`' memory storage with a paced sweep.

    The library schedules its sweep of expired windows on every hit: a `threading.Timer` of
    10 ms, started again whenever the last one has finished. Under load that is a new thread
    about every 10 ms per process, and `Thread.start()` blocks the event loop until the new
    thread has run — behind the request threads for the GIL (bench/RESULTS.md, load). Expired
    entries decide nothing (a moving window compares the times of the entries it reads, a
    counter checks its own expiry on each read): the sweep only frees their memory, so once a
    second is enough.
    """

    SWEEP_SECONDS = 1.0

    def __init__(self, uri: str | None = None, **options) -> None:
        self._next_sweep = 0.0
        self.sweeps = 0
        super().__init__(uri, **options)

    # Overrides the library's private scheduler (name-mangled `__schedule_expiry` of
    # MemoryStorage); tests/accounts/test_limit_storage.py holds it to the library's behaviour.
    def _MemoryStorage__schedule_expiry(self) -> None:
        now = time.monotonic()
        if now < self._next_sweep or self.timer.is_alive():
            return
        self._next_sweep = now + self.SWEEP_SECONDS
        self.sweeps += 1
        self.timer = threading.Timer(0.01, self._MemoryStorage__expire_events)
        self.timer.daemon = True
        self.timer.start()
