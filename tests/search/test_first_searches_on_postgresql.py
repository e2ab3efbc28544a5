"""A new server on PostgreSQL: its first searches share one trigram estimate and find a vacuumed index."""

from __future__ import annotations

import threading

import pytest
from sqlalchemy import text

from tests.search.conftest import load
from tests.support.registry_files import enterprise_row
from xinyong.search import backends
from xinyong.search.backends import PostgresTrgm
from xinyong.search.index import rebuild


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


def test_a_rebuilt_index_is_vacuumed_so_its_entries_are_read_from_the_index_alone(engine, tmp_path):
    if engine.dialect.name != "postgresql":
        pytest.skip("visibility maps are PostgreSQL's")
    load(engine, tmp_path / "drop", [enterprise_row(1 + i) for i in range(30)], hook=False)
    rebuild(engine)
    # Pages marked all-visible: the planner can cost (and use) an index-only scan of the text
    # index, which reads a prefix in order and stops at the search's cap.
    with engine.connect() as conn:
        visible = dict(
            conn.execute(
                text(
                    "SELECT relname, relallvisible FROM pg_class WHERE relname IN "
                    "('search_entry', 'search_gram') AND relnamespace = "
                    "(SELECT oid FROM pg_namespace WHERE nspname = current_schema())"
                )
            ).all()
        )
    assert visible["search_entry"] > 0 and visible["search_gram"] > 0


def test_a_starting_server_takes_the_estimate_before_its_first_search(engine, monkeypatch):
    if engine.dialect.name != "postgresql":
        pytest.skip("the trigram estimate is PostgreSQL's")
    from fastapi.testclient import TestClient

    from xinyong.api.app import create_app

    monkeypatch.setattr(backends, "_SAMPLES", {})  # a process that has not searched yet
    with TestClient(create_app(engine)):
        # Started, no request served: the first searcher finds the estimate ready.
        assert list(backends._SAMPLES) == [engine.url.render_as_string(hide_password=True)]
