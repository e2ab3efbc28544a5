"""Group commit: records that concurrent requests hand in are written together, one transaction a turn."""

from __future__ import annotations

import asyncio
import queue
import threading
import time
from collections.abc import Callable
from typing import Generic, TypeVar

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
        # One writing thread of its own, fed through a queue: a batch never waits for a request
        # thread, and the hand-over costs a third of anyio's thread call (58 against 158 µs of
        # CPU, bench/RESULTS.md, load), which a batch of one record paid in full.
        self._batches: queue.SimpleQueue = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._name = name
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
                await self._written([item for item, _ in batch])
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

    async def _written(self, items: list[T]) -> None:
        """`items` written by the writing thread (started with the first batch)."""
        if self._thread is None:
            self._thread = threading.Thread(
                target=self._write_batches, name=f"{self._name}-writer", daemon=True
            )
            self._thread.start()
        loop = asyncio.get_running_loop()
        written: asyncio.Future[None] = loop.create_future()
        self._batches.put((items, written, loop))
        await written

    def _write_batches(self) -> None:
        while (job := self._batches.get()) is not None:
            items, written, loop = job
            try:
                self.write_many(items)
            except Exception as exc:
                failed: Exception | None = exc
            else:
                failed = None
            try:
                loop.call_soon_threadsafe(_settle, written, failed)
            except RuntimeError:  # the loop has closed: nobody waits for this batch any more
                pass

    def close(self) -> None:
        """The writing thread ends once the batches handed to it are written."""
        if self._thread is not None:
            self._batches.put(None)
            self._thread = None


def _settle(future: asyncio.Future[None], exc: Exception | None) -> None:
    if future.done():  # the waiting task was cancelled (the server is stopping)
        return
    if exc is None:
        future.set_result(None)
    else:
        future.set_exception(exc)
