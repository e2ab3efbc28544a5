"""A busy server's rate limits: they still refuse and forgive on time, their expired windows are
still freed, but not by a new thread after nearly every request."""

from __future__ import annotations

import time

from limits import parse
from limits.strategies import MovingWindowRateLimiter

from xinyong.accounts.limit_storage import SweptMemoryStorage


def test_a_burst_of_requests_starts_one_sweep_not_one_per_request():
    storage = SweptMemoryStorage()
    limiter = MovingWindowRateLimiter(storage)
    per_ip = parse("100000/second")
    started = time.monotonic()
    for i in range(1000):
        assert limiter.hit(per_ip, "ip", f"10.0.0.{i % 50}")
    # The library's own scheduler starts a 10 ms timer thread whenever the last one finished:
    # dozens in this loop.
    assert time.monotonic() - started < SweptMemoryStorage.SWEEP_SECONDS
    assert storage.sweeps <= 1


def test_a_limit_still_refuses_past_its_rate_and_forgives_after_its_window():
    limiter = MovingWindowRateLimiter(SweptMemoryStorage())
    item = parse("5/second")
    assert all(limiter.hit(item, "ip", "203.0.113.9") for _ in range(5))
    assert not limiter.hit(item, "ip", "203.0.113.9")
    assert limiter.hit(item, "ip", "203.0.113.10")  # another caller has its own window
    time.sleep(1.1)
    assert limiter.hit(item, "ip", "203.0.113.9")


def test_expired_windows_are_freed_by_the_next_sweep():
    storage = SweptMemoryStorage()
    limiter = MovingWindowRateLimiter(storage)
    item = parse("3/second")
    for _ in range(3):
        limiter.hit(item, "ip", "198.51.100.1")
    assert any("198.51.100.1" in key for key in storage.events)
    sweeps = storage.sweeps
    time.sleep(SweptMemoryStorage.SWEEP_SECONDS + 0.1)
    limiter.hit(item, "ip", "198.51.100.2")  # a later request starts the next sweep
    storage.timer.join(2)
    assert storage.sweeps == sweeps + 1
    # (the library keeps the key, with no entries left)
    assert not any(events for key, events in storage.events.items() if "198.51.100.1" in key)
