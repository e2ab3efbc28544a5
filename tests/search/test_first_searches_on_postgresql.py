"""A new server on PostgreSQL: its request threads' first searches share one trigram estimate."""

from __future__ import annotations

import threading

import pytest

from xinyong.search import backends
from xinyong.search.backends import PostgresTrgm


def test_threads_searching_at_once_wait_for_one_estimate_instead_of_each_taking_it(
    engine, monkeypatch
):
    if engine.dialect.name != "postgresql":
        pytest.skip("the trigram estimate is PostgreSQL's")
    monkeypatch.setattr(backends, "_SAMPLES", {})  # a process that has not searched yet
    start = threading.Barrier(8)
    estimates: list[dict] = []

    def first_search() -> None:
        with engine.connect() as conn:
            start.wait(10)
            estimates.append(PostgresTrgm(conn)._common())

    threads = [threading.Thread(target=first_search) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert len(estimates) == 8
    # One estimate taken, the same object handed to all: no thread sampled on its own.
    assert all(e is estimates[0] for e in estimates)
