"""What stands between a client and the data: a per-client rate limit and injected failures."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field


@dataclass
class _Bucket:
    tokens: float
    stamp: float


@dataclass
class RateLimit:
    """Token bucket per client: bursts of up to `rate` requests, refilled at `rate` per second.

    A bucket rather than fixed one-second windows, so a client cannot double its rate by
    straddling a window boundary. `rate` <= 0 switches the limit off.
    """

    rate: float
    _buckets: dict[str, _Bucket] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def retry_after(self, client: str, now: float | None = None) -> int | None:
        """None when the request may go ahead; else whole seconds to wait (at least 1)."""
        if self.rate <= 0:
            return None
        now = time.monotonic() if now is None else now
        capacity = max(self.rate, 1.0)
        with self._lock:
            bucket = self._buckets.get(client)
            if bucket is None:
                bucket = self._buckets[client] = _Bucket(capacity, now)
            bucket.tokens = min(capacity, bucket.tokens + (now - bucket.stamp) * self.rate)
            bucket.stamp = now
            if bucket.tokens >= 1:
                bucket.tokens -= 1
                return None
            return max(1, math.ceil((1 - bucket.tokens) / self.rate))


@dataclass
class FailEvery:
    """Every Nth data request fails with 503, so clients can prove their retries."""

    every: int | None
    _count: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def should_fail(self) -> bool:
        if not self.every or self.every <= 0:
            return False
        with self._lock:
            self._count += 1
            return self._count % self.every == 0
