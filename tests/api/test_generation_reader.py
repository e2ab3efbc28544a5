"""A server learns that the data moved on without asking the database on every cached read."""

from __future__ import annotations

import asyncio
import time

import pytest
from sqlalchemy import text

from tests.conftest import _fresh_database
from xinyong.api.cache import PUBLIC_SQL, GenerationReader
from xinyong.db import make_engine, upgrade
from xinyong.settings import get_settings
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
    # A table no trigger watches: on PostgreSQL the commit's own connection heard nothing, so
    # the row is kept; SQLite's file moved on, and the reader asks once.
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE scratch_of_this_test (x integer)"))
        conn.execute(text("INSERT INTO scratch_of_this_test (x) VALUES (1)"))
    assert reader.read(FEED_SQL) == before
    on_postgres = engine.dialect.name == "postgresql"
    assert reader.reads == sent + (0 if on_postgres else 1)
    sent = reader.reads
    # And once asked, the row is kept again until the next change.
    assert reader.read(FEED_SQL) == before and reader.reads == sent
    # A change to a generation table is seen by the very next read, signal or not.
    with engine.begin() as conn:
        allocate_seq(conn, 2)
    assert reader.read(FEED_SQL) == (before[0] + 2,)


def _what_the_follower_tells(engine, monkeypatch) -> list[str]:
    """A reader whose follower's word is noted (its own signal aside), after a first commit
    that only creates a table no trigger watches."""
    reader = GenerationReader(engine)
    reader.read(FEED_SQL)
    told: list[str] = []
    monkeypatch.setattr(reader, "_notified", lambda *_: told.append("moved"))
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE scratch_of_this_test (x integer)"))
    return told


def test_a_commit_tells_the_reader_by_the_time_its_connection_is_returned_only_if_it_moved_a_generation(
    engine, monkeypatch
):
    """What the follower says, apart from the reader's own signal, which may come before or
    after: on PostgreSQL exactly the commits that changed a generation table (the committing
    connection hears its own notification with the COMMIT's result); on SQLite every commit."""
    told = _what_the_follower_tells(engine, monkeypatch)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO scratch_of_this_test (x) VALUES (1)"))
    assert told == ([] if engine.dialect.name == "postgresql" else ["moved", "moved"])
    told.clear()
    with engine.begin() as conn:
        allocate_seq(conn, 1)
    assert told == ["moved"]  # when `begin()` returned, before any signal was read
    told.clear()
    # Rolled back: nothing was committed, nothing heard.
    with engine.connect() as conn:
        allocate_seq(conn, 1)
        conn.rollback()
    assert told == []


def test_behind_a_proxy_that_drops_notifications_every_commit_counts_as_a_change(
    engine, monkeypatch
):
    # PgBouncer's transaction pooling passes no notification on: told so, the process takes
    # any commit of its own for a change, as it cannot hear which ones moved a generation.
    monkeypatch.setenv("XINYONG_DATABASE_NOTIFIES", "false")
    get_settings.cache_clear()
    told = _what_the_follower_tells(engine, monkeypatch)
    assert told == ["moved"]


def _on_postgresql(engine) -> None:
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite has no notifications: its reader asks the file on every read")


def test_a_change_announces_the_schema_it_was_made_in(engine, database_url):
    """The channel is database-wide; the payload says whose tables moved."""
    _on_postgresql(engine)
    listener = make_engine(database_url)
    try:
        conn = listener.raw_connection()
        driver = conn.driver_connection
        driver.rollback()
        driver.autocommit = True
        schema = driver.execute("SELECT current_schema()").fetchone()[0]
        driver.execute("LISTEN xinyong_generation")
        with engine.begin() as writer:
            allocate_seq(writer, 1)
        heard = [n.payload for n in driver.notifies(timeout=5, stop_after=1)]
        conn.invalidate()
        assert heard == [schema]
    finally:
        listener.dispose()


def test_a_deployment_in_another_schema_of_the_same_database_costs_no_read(
    engine, database_url, monkeypatch
):
    """Staging beside production, a city per schema, the CI suites beside each other: each
    server takes only its own schema's notifications (CI saw a scale-out test in another schema
    cost three generation reads of a test that expected none)."""
    _on_postgresql(engine)
    monkeypatch.setattr(GenerationReader, "KEPT_SECONDS", 600.0)
    reader = GenerationReader(engine)
    elsewhere = make_engine(database_url)
    try:
        before = reader.read(FEED_SQL)
        sent = reader.reads
        # A deployment at the head names its schema; one being created, whose migrations run
        # under the trigger from before migration 0030, names none.
        with elsewhere.begin() as conn:
            conn.execute(text("SELECT pg_notify('xinyong_generation', 'another_city')"))
            conn.execute(text("SELECT pg_notify('xinyong_generation', '')"))
        time.sleep(0.3)
        assert reader.read(FEED_SQL) == before and reader.reads == sent
        # Its own schema's change is still heard from the other engine, as from any process.
        with elsewhere.begin() as conn:
            allocate_seq(conn, 2)
        assert _eventually(lambda: reader.read(FEED_SQL), (before[0] + 2,)) == (before[0] + 2,)
    finally:
        reader.close()
        elsewhere.dispose()


def test_a_schema_created_beside_costs_no_read(engine, tmp_path, monkeypatch):
    """Each test of the PostgreSQL suite makes its own schema, as a new city's deployment would:
    its migrations write the counters' first rows under the trigger from before migration 0030,
    and those notifications, naming no schema, arrive at the upgrade's commit. CI saw them cost
    a test beside it three generation reads."""
    _on_postgresql(engine)
    monkeypatch.setattr(GenerationReader, "KEPT_SECONDS", 600.0)
    reader = GenerationReader(engine)
    url, drop = _fresh_database(tmp_path)
    try:
        before = reader.read(FEED_SQL)
        sent = reader.reads
        upgrade(url)
        time.sleep(0.3)
        assert reader.read(FEED_SQL) == before and reader.reads == sent
    finally:
        reader.close()
        drop()


def test_a_commit_that_only_hears_another_schema_tells_the_reader_nothing(engine, monkeypatch):
    _on_postgresql(engine)
    told = _what_the_follower_tells(engine, monkeypatch)
    with engine.begin() as conn:
        conn.execute(text("SELECT pg_notify('xinyong_generation', 'another_city')"))
        conn.execute(text("SELECT pg_notify('xinyong_generation', '')"))
    assert told == []
    with engine.begin() as conn:
        allocate_seq(conn, 1)
    assert told == ["moved"]


def _in_a_server(engine, database_url, monkeypatch, story) -> None:
    """`story(reader, elsewhere)` in a running event loop, as a server reads generations, with
    an engine of another process beside it (no commit of it is followed)."""
    _on_postgresql(engine)
    monkeypatch.setattr(GenerationReader, "KEPT_SECONDS", 600.0)
    elsewhere = make_engine(database_url)
    reader = GenerationReader(engine)
    try:
        asyncio.run(story(reader, elsewhere))
    finally:
        reader.close()
        elsewhere.dispose()


def test_in_a_server_the_event_loop_takes_the_notifications_and_a_read_only_looks_at_a_flag(
    engine, database_url, monkeypatch
):
    """Looking at the connection on every read let the GIL go and took it back, a wait behind
    the request threads each time: in a running event loop the loop's own poll watches the
    socket, and a read between two turns of the loop trusts what the loop last took."""

    async def story(reader, elsewhere) -> None:
        before = reader.read(FEED_SQL)
        sent = reader.reads
        with elsewhere.begin() as conn:
            allocate_seq(conn, 4)
        time.sleep(0.3)  # the notification is on the socket now, but the loop has not run
        assert reader.read(FEED_SQL) == before and reader.reads == sent
        deadline = time.monotonic() + 5
        while reader.read(FEED_SQL) == before and time.monotonic() < deadline:
            await asyncio.sleep(0.01)  # the loop's turn: it polls the socket
        assert reader.read(FEED_SQL) == (before[0] + 4,)
        assert reader.reads == sent + 1

    _in_a_server(engine, database_url, monkeypatch, story)


def test_a_watched_connection_that_breaks_is_replaced_at_the_next_read(
    engine, database_url, monkeypatch
):
    # A database restart closes the socket the loop watches: it must not be reported readable
    # for ever, and the next read reconnects.
    async def story(reader, elsewhere) -> None:
        before = reader.read(FEED_SQL)
        pid = reader._conn.driver_connection.info.backend_pid
        with elsewhere.connect() as conn:
            conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        for _ in range(20):
            await asyncio.sleep(0.01)
        with elsewhere.begin() as conn:
            allocate_seq(conn, 1)
        assert reader.read(FEED_SQL) == (before[0] + 1,)
        assert reader._conn.driver_connection.info.backend_pid != pid

    _in_a_server(engine, database_url, monkeypatch, story)


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


def test_on_sqlite_a_kept_read_makes_no_call_into_sqlite(engine, monkeypatch):
    """Each call into SQLite lets the GIL go, and the event loop then waits for it behind the
    request threads: a kept row is checked against the WAL index's header instead."""
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite's WAL index")
    monkeypatch.setattr(GenerationReader, "KEPT_SECONDS", 600.0)
    reader = GenerationReader(engine)
    before = reader.read(FEED_SQL)
    asked: list[str] = []
    reader._conn.driver_connection.set_trace_callback(asked.append)
    for _ in range(20):
        assert reader.read(FEED_SQL) == before
    assert asked == []

    with engine.begin() as conn:
        allocate_seq(conn, 2)
    assert reader.read(FEED_SQL) == (before[0] + 2,)
    assert any("feed_counter" in statement for statement in asked)

    reader.close()
    assert reader._wal is None  # unmapped with its connection
