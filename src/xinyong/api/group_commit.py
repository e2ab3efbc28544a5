"""Group commit: records that concurrent requests hand in are written together, one transaction a turn."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Generic, TypeVar

import anyio

from xinyong.api.metrics import BATCH_RECORDS, BATCH_SECONDS

T = TypeVar("T")


class GroupWriter(Generic[T]):
    """Collects what requests want written and writes it in batches from one thread.

    While a batch is being written, the records that arrive wait; the next turn writes all of
    them in one transaction. On SQLite every transaction costs a write turn shared with the
    other processes (db.one_writer) and a ledger append; at ~100 verifications/s one turn per
    record was the bottleneck (bench/RESULTS.md, load), one turn per batch is not. A request
    returns only after its record is committed, and sees the batch's error if the write failed.
    """

    def __init__(
        self, write_many: Callable[[list[T]], None], max_batch: int = 200, name: str = "records"
    ) -> None:
        self.write_many = write_many
        self.max_batch = max_batch
        # What /metrics reports its batches under (api/metrics.py).
        self._seconds = BATCH_SECONDS.labels(name)
        self._sizes = BATCH_RECORDS.labels(name)
        self._pending: list[tuple[T, asyncio.Future[None]]] = []
        self._task: asyncio.Task[None] | None = None
        # One writing thread of its own: a batch never waits for a request thread.
        self._thread = anyio.CapacityLimiter(1)
        self.batches = 0
        self.records = 0

    async def write(self, item: T) -> None:
        done: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        self._pending.append((item, done))
        if self._task is None or self._task.done():
            self._task = asyncio.create_task(self._drain())
        # Shielded: a caller that goes away does not cancel the batch its record is in.
        await asyncio.shield(done)

    async def _drain(self) -> None:
        while self._pending:
            batch = self._pending[: self.max_batch]
            del self._pending[: self.max_batch]
            start = time.perf_counter()
            try:
                await anyio.to_thread.run_sync(
                    self.write_many, [item for item, _ in batch], limiter=self._thread
                )
            except Exception as exc:  # every waiter of the batch gets the error
                for _, done in batch:
                    if not done.done():
                        done.set_exception(exc)
            else:
                self._seconds.observe(time.perf_counter() - start)
                self._sizes.observe(len(batch))
                self.batches += 1
                self.records += len(batch)
                for _, done in batch:
                    if not done.done():
                        done.set_result(None)
