"""A server learns that the data moved on without asking the database on every cached read."""

from __future__ import annotations

import time

from sqlalchemy import text

from xinyong.api.cache import PUBLIC_SQL, GenerationReader
from xinyong.sources.provenance import allocate_seq

# The change feed's counter: every sync's write takes numbers from it.
FEED_SQL = "SELECT value FROM feed_counter WHERE name = 'changes'"


def _eventually(read, expected, seconds: float = 5.0):
    deadline = time.monotonic() + seconds
    while True:
        got = read()
        if got == expected or time.monotonic() > deadline:
            return got
        time.sleep(0.01)


def test_reads_in_a_row_cost_one_statement_until_another_process_commits_a_change(
    engine, monkeypatch
):
    # Long enough that only the database's signal can explain a fresh read.
    monkeypatch.setattr(GenerationReader, "KEPT_SECONDS", 600.0)
    reader = GenerationReader(engine)
    before = reader.read(FEED_SQL)
    public_before = reader.read(PUBLIC_SQL)
    sent = reader.reads
    for _ in range(50):
        assert reader.read(FEED_SQL) == before
        assert reader.read(PUBLIC_SQL) == public_before
    assert reader.reads == sent  # nothing changed, nothing asked

    # A sync elsewhere takes change-feed numbers: the next reads see the new position.
    with engine.begin() as conn:
        allocate_seq(conn, 3)
    after = _eventually(lambda: reader.read(FEED_SQL), (before[0] + 3,))
    assert after == (before[0] + 3,)
    # A grade moved by a rating pass changes what a profile depends on as well.
    with engine.begin() as conn:
        conn.execute(
            text(
                "INSERT INTO rating_state (name, seq, at) VALUES ('regraded', 7, CURRENT_TIMESTAMP) "
                "ON CONFLICT (name) DO UPDATE SET seq = excluded.seq"
            )
        )
    graded = _eventually(lambda: reader.read(PUBLIC_SQL)[4], 7)
    assert graded == 7


def test_a_transaction_that_rolls_back_changes_nothing_a_reader_sees(engine):
    reader = GenerationReader(engine)
    before = reader.read(FEED_SQL)
    with engine.connect() as conn:
        allocate_seq(conn, 5)
        conn.rollback()
    assert reader.read(FEED_SQL) == before


def test_what_this_process_commits_its_next_read_asks_for_without_waiting_for_a_signal(
    engine, monkeypatch
):
    # The database's signal reaches a listener some time after COMMIT returns; a client that
    # publishes and then asks again of the same process must not be answered from before.
    monkeypatch.setattr(GenerationReader, "KEPT_SECONDS", 600.0)
    reader = GenerationReader(engine)
    before = reader.read(FEED_SQL)
    sent = reader.reads
    assert reader.read(FEED_SQL) == before and reader.reads == sent
    # A table no trigger watches: only the process's own knowledge of its commit can count.
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE scratch_of_this_test (x integer)"))
        conn.execute(text("INSERT INTO scratch_of_this_test (x) VALUES (1)"))
    assert reader.read(FEED_SQL) == before
    assert reader.reads == sent + 1
    # And once asked, the row is kept again until the next change.
    assert reader.read(FEED_SQL) == before and reader.reads == sent + 1
    # A change to a generation table is seen by the very next read, signal or not.
    with engine.begin() as conn:
        allocate_seq(conn, 2)
    assert reader.read(FEED_SQL) == (before[0] + 2,)


def test_a_transaction_this_process_rolls_back_keeps_the_row(engine, monkeypatch):
    monkeypatch.setattr(GenerationReader, "KEPT_SECONDS", 600.0)
    reader = GenerationReader(engine)
    reader.read(FEED_SQL)
    sent = reader.reads
    with engine.connect() as conn:
        conn.execute(text("SELECT 1"))
        conn.rollback()
    reader.read(FEED_SQL)
    assert reader.reads == sent


def test_an_app_that_stops_closes_its_generation_connection(engine):
    from fastapi.testclient import TestClient

    from xinyong.api.app import create_app

    def server_connections() -> int | None:
        if engine.dialect.name != "postgresql":
            return None
        with engine.connect() as conn:
            return conn.execute(
                text("SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend'")
            ).scalar()

    before = server_connections()
    apps = [create_app(engine) for _ in range(3)]
    for app in apps:
        with TestClient(app) as client:
            assert client.get("/api/v1/enterprises?q=金鼎").status_code == 200
            assert app.state.generations.reads >= 1
        # The reader's connection was checked out for its life: the pool cannot close it.
        assert app.state.generations._conn is None
    if before is not None:
        # Others may connect meanwhile (a suite beside this one): no three kept by these apps.
        assert server_connections() < before + 3
