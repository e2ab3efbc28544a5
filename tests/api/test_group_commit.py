"""Records handed in while a write is under way are written together; a failed batch fails its callers."""

from __future__ import annotations

import asyncio
import threading

import pytest

from xinyong.api.group_commit import GroupWriter


def test_records_arriving_during_a_write_go_in_the_next_batch_and_each_caller_waits_for_its_own():
    first_started, release = threading.Event(), threading.Event()
    written: list[list[int]] = []

    def write_many(items: list[int]) -> None:
        if not written:
            first_started.set()
            release.wait(10)
        written.append(items)

    async def story() -> list[int]:
        writer = GroupWriter(write_many)
        first = asyncio.create_task(writer.write(0))
        await asyncio.to_thread(first_started.wait, 10)
        rest = [asyncio.create_task(writer.write(i)) for i in range(1, 10)]
        await asyncio.sleep(0.05)
        # Nobody returns before the record is written.
        assert not any(t.done() for t in [first, *rest])
        release.set()
        await asyncio.gather(first, *rest)
        return [writer.batches, writer.records]

    assert asyncio.run(story()) == [2, 10]
    assert written == [[0], list(range(1, 10))]


def test_a_failed_batch_fails_every_caller_in_it_and_the_next_batch_is_written():
    written: list[list[str]] = []

    def write_many(items: list[str]) -> None:
        if "bad" in items:
            raise RuntimeError("disk full")
        written.append(items)

    async def story() -> None:
        writer = GroupWriter(write_many, max_batch=2)
        results = await asyncio.gather(
            writer.write("a"), writer.write("bad"), writer.write("c"), return_exceptions=True
        )
        # "a" and "bad" were waiting together when the writer took its first batch of two.
        assert [type(r) for r in results] == [RuntimeError, RuntimeError, type(None)]
        await writer.write("d")

    asyncio.run(story())
    assert written == [["c"], ["d"]]


@pytest.mark.parametrize("size", [1, 3])
def test_batches_are_bounded(size):
    sizes: list[int] = []

    async def story() -> None:
        writer = GroupWriter(lambda items: sizes.append(len(items)), max_batch=size)
        await asyncio.gather(*(writer.write(i) for i in range(7)))

    asyncio.run(story())
    assert sum(sizes) == 7 and max(sizes) <= size


def test_the_writing_thread_is_one_per_writer_and_ends_when_the_writer_is_closed():
    threads: set[str] = set()

    def write_many(items: list[int]) -> None:
        threads.add(threading.current_thread().name)

    async def story() -> GroupWriter:
        writer = GroupWriter(write_many, name="records-under-test")
        for i in range(5):
            await writer.write(i)
        writer.close()
        return writer

    writer = asyncio.run(story())
    assert writer.batches == 5 and threads == {"records-under-test-writer"}
    named = [t for t in threading.enumerate() if t.name == "records-under-test-writer"]
    for t in named:
        t.join(5)
    assert not any(t.is_alive() for t in named)
