"""Looking a list of keys up: the same rows whatever the list, in one statement text; many rows
handed over at once; a server's SQLite write-ahead log checkpointed by a thread of its own."""

from __future__ import annotations

import shutil
import sqlite3
import time

import pytest
from sqlalchemy import (
    Column,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    bindparam,
    cast,
    column,
    create_engine,
    event,
    insert,
    literal_column,
    null,
    select,
    text,
    union_all,
)
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from tests.conftest import PG_URL
from xinyong.db import (
    AtOnce,
    InsertAtOnce,
    Probed,
    WalCheckpoints,
    among,
    known_empty,
    make_engine,
    normalise_url,
    session_factory,
)
from xinyong.ledger.models import LedgerLeaf
from xinyong.registry.models import Enterprise
from xinyong.settings import get_settings
from xinyong.types import utcnow
from xinyong.verification.models import Verification

_E = Enterprise.__table__
_BY_CODES = select(_E.c.name).where(among(_E.c.credit_code, "codes")).order_by(_E.c.name)


def _enterprise(n: int) -> dict:
    return {
        "credit_code": f"91320700MA{n:07d}X",
        "name": f"连云港第{n}商贸有限公司",
        "status": "存续",
        "source": "test",
        "source_record_id": str(n),
        "fetched_at": utcnow(),
        "as_of": utcnow().date(),
        "known_from": utcnow(),
        "content_hash": str(n),
        "change_seq": n,
    }


def test_a_list_of_codes_finds_exactly_those_enterprises_however_long(engine):
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(n) for n in range(1, 6)])
    statements: list[str] = []
    ran: list[tuple] = []

    def record(conn, cursor, statement, parameters, *args):
        statements.append(statement)
        ran.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    with engine.connect() as conn:

        def names(*ns: int) -> list[str]:
            codes = [_enterprise(n)["credit_code"] for n in ns]
            return list(conn.execute(_BY_CODES, {"codes": codes}).scalars())

        assert names() == []
        assert names(2) == ["连云港第2商贸有限公司"]
        assert names(1, 3, 5, 9) == [f"连云港第{n}商贸有限公司" for n in (1, 3, 5)]
    # One text for every length: PostgreSQL prepares it once and stops planning it; SQLite
    # keeps it in its statement cache.
    assert len(set(statements)) == 1
    if engine.dialect.name == "postgresql":
        assert "= ANY (" in statements[0]
    else:
        # …that SQLite answers from the credit-code index, not by reading every enterprise.
        statement, parameters = ran[-1]
        with engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        assert [row[-1].split()[0] for row in plan if "enterprise" in row[-1]] == ["SEARCH"], plan


def test_a_list_given_with_the_statement_is_the_one_it_looks_up(engine):
    # Statements built alike share one compiled form: each must still look up its own list.
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(n) for n in range(1, 6)])
    codes = [_enterprise(n)["credit_code"] for n in range(1, 6)]

    def names(*ns: int) -> list[str]:
        query = select(_E.c.name).where(
            among(_E.c.credit_code, "codes", [codes[n - 1] for n in ns])
        )
        with engine.connect() as conn:
            return list(conn.execute(query.order_by(_E.c.name)).scalars())

    assert names(1, 2) == ["连云港第1商贸有限公司", "连云港第2商贸有限公司"]
    assert names(4) == ["连云港第4商贸有限公司"]
    assert names() == []


def test_a_key_longer_than_the_column_finds_nothing(engine):
    # A credit code with a character too many is another key, not the code it starts with.
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(1)])
    code = _enterprise(1)["credit_code"]
    with engine.connect() as conn:
        assert list(conn.execute(_BY_CODES, {"codes": [code + "X"]}).scalars()) == []
        assert list(conn.execute(_BY_CODES, {"codes": [code]}).scalars()) == [
            "连云港第1商贸有限公司"
        ]


def test_probed_statements_run_only_when_they_find_rows_and_give_what_they_give_alone(engine):
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(n) for n in range(1, 6)])
    by_name = select(_E.c.credit_code).where(_E.c.name == bindparam("name"))
    statements = {
        "listed": _BY_CODES,
        "named": by_name,
        "later": select(_E.c.name)
        .where(_E.c.change_seq > bindparam("seq"))
        .order_by(_E.c.change_seq.desc()),
    }
    probed = Probed(**statements)
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, text, *_: sent.append(text))

    def rows(**params) -> dict[str, list]:
        sent.clear()
        with Session(engine) as session, probed.ahead(session, params):
            found = probed.run(session, params, statements)
        return {k: [tuple(r) for r in v] for k, v in found.items()}

    # Nothing anywhere: one statement asked it all.
    assert rows(codes=["none"], name="none", seq=99) == {"listed": [], "named": [], "later": []}
    assert len(sent) == 1
    # Rows in two of them: those two run as they stand, in their own order.
    params = {"codes": [_enterprise(n)["credit_code"] for n in (4, 2)], "name": "none", "seq": 3}
    found = rows(**params)
    assert len(sent) == 3
    with engine.connect() as conn:
        alone = {k: [tuple(r) for r in conn.execute(s, params)] for k, s in statements.items()}
    assert found == alone
    assert found["listed"] == [("连云港第2商贸有限公司",), ("连云港第4商贸有限公司",)]
    assert found["later"] == [("连云港第5商贸有限公司",), ("连云港第4商贸有限公司",)]


def test_a_probe_ahead_tells_later_code_which_statements_find_nothing_and_only_there(engine):
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(n) for n in range(1, 4)])
    by_name = select(_E.c.credit_code).where(_E.c.name == bindparam("name"))
    probed = Probed(listed=_BY_CODES, named=by_name)
    params = {"codes": [_enterprise(2)["credit_code"]], "name": "无此企业"}
    with Session(engine) as session:
        with probed.ahead(session, params):
            assert known_empty(session, by_name, params)
            assert not known_empty(session, _BY_CODES, params)  # it finds a row
            # Other values are not what the probe asked: nothing is known of them.
            assert not known_empty(session, by_name, {"name": "连云港第1商贸有限公司"})
        assert not known_empty(session, by_name, params)  # the block is over


def test_many_rows_come_at_once_on_sqlite_and_just_as_the_statement_gives_them(engine):
    # Rows of every kind a profile, a search or the ledger reads: text, dates, times, JSON,
    # bytes, NULLs, counts.
    with engine.begin() as conn:
        rows = [_enterprise(n) for n in range(1, 40)]
        rows[0] |= {"status_date": utcnow().date(), "former_names": ["连云港旧名商贸有限公司"]}
        conn.execute(insert(_E), rows[:1])
        conn.execute(insert(_E), rows[1:])
        conn.execute(
            insert(LedgerLeaf.__table__),
            [
                {"leaf_index": i, "leaf_hash": bytes([i]) * 32, "kind": "test", "data": b"{}"}
                for i in range(3)
            ],
        )
    leaves = LedgerLeaf.__table__
    statement = union_all(
        select(
            literal_column("'enterprise'").label("tag"),
            _E.c.credit_code,
            _E.c.status_date,
            _E.c.known_from,
            _E.c.former_names,
            _E.c.change_seq,
            # A union's columns take their types from its first arm: the hashes' are typed here.
            cast(null(), LargeBinary),
        ).where(among(_E.c.credit_code, "codes")),
        select(
            literal_column("'leaf'"),
            leaves.c.kind,
            None,
            leaves.c.created_at,
            None,
            leaves.c.leaf_index,
            leaves.c.leaf_hash,
        ),
    )
    listed = AtOnce(statement)
    # Hand-written SQL (search's) with its columns named, its order kept.
    written = AtOnce(
        text("SELECT name, change_seq FROM enterprise ORDER BY change_seq DESC").columns(
            column("name"), column("change_seq")
        )
    )
    params = {"codes": [r["credit_code"] for r in rows]}
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, text, *_: sent.append(text))
    with engine.connect() as conn:
        found, by_text = listed.rows(conn, params), written.rows(conn, {})
        assert len(sent) == 2
        alone = [tuple(r) for r in conn.execute(statement, params)]
        assert [tuple(r) for r in found] == alone
        assert [tuple(r) for r in by_text] == [tuple(r) for r in conn.execute(written.statement)]
    assert len(found) == 42
    assert [r.change_seq for r in by_text] == list(range(39, 0, -1))
    first = next(r for r in found if r.credit_code == rows[0]["credit_code"])
    assert first.status_date == rows[0]["status_date"]
    assert first.former_names == ["连云港旧名商贸有限公司"]
    assert first.known_from.tzinfo is not None
    assert {r[-1] for r in found if r.tag == "leaf"} == {bytes([i]) * 32 for i in range(3)}
    if engine.dialect.name == "sqlite":
        # One row each, packed: sqlite3 let go of the GIL once, not at every row.
        assert all("json_group_array" in s for s in sent[:2])
    else:  # a PostgreSQL result arrives whole: the statement runs as it stands
        assert "json" not in sent[0]

    # Both asked together, sharing the one list they bind: each gets the rows it gets alone.
    sent.clear()
    with engine.connect() as conn:
        both = AtOnce.together(conn, listed, written, params=params)
    assert [[tuple(r) for r in rs] for rs in both] == [
        [tuple(r) for r in found],
        [tuple(r) for r in by_text],
    ]
    assert both[0][0]._fields == found[0]._fields
    assert len(sent) == (1 if engine.dialect.name == "sqlite" else 2)


def test_a_read_nobody_watches_runs_on_sqlites_own_connection_and_gives_the_same_rows(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL's statements run as they stand")
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(n) | {"change_seq": n} for n in range(1, 9)])
    # Bound values of every kind the reads bind: a list (`among`), a time, a number.
    statement = AtOnce(
        select(_E.c.credit_code, _E.c.known_from, _E.c.change_seq)
        .where(
            among(_E.c.credit_code, "codes"),
            _E.c.known_from <= bindparam("until"),
            _E.c.change_seq > bindparam("after"),
        )
        .order_by(_E.c.change_seq)
    )
    params = {
        "codes": [_enterprise(n)["credit_code"] for n in (2, 3, 5, 7)],
        "until": utcnow(),
        "after": 2,
    }
    probe = Probed(found=select(_E.c.name).where(_E.c.change_seq > bindparam("after")))

    def asked() -> tuple[list, list[str], list[tuple]]:
        with Session(engine) as session:
            conn = session.connection()
            reached: list[str] = []  # what SQLite itself was given
            conn.connection.dbapi_connection.set_trace_callback(reached.append)
            try:
                rows = statement.rows(conn, params)
                both = AtOnce.together(conn, statement, statement, params=params)
                with probe.ahead(session, {"after": 99}):
                    empty = probe.run(session, {"after": 99}, ["found"])
            finally:
                conn.connection.dbapi_connection.set_trace_callback(None)
        return [tuple(r) for r in rows], reached, [both, empty]

    direct, reached, (both, empty) = asked()
    assert [r[0] for r in direct] == [_enterprise(n)["credit_code"] for n in (3, 5, 7)]
    assert all(r[1].tzinfo is not None for r in direct)  # times come back as SQLAlchemy's
    assert [[tuple(r) for r in rows] for rows in both] == [direct, direct]
    assert empty == {"found": []}
    assert len(reached) == 3  # the rows, the two together, the probe: one statement each
    # Watched (tracing, a test counting statements, the engine's log), the same statements go
    # through SQLAlchemy, which every listener sees, with the same rows.
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, text, *_: sent.append(text))
    watched, reached, (both, empty) = asked()
    assert watched == direct
    assert [[tuple(r) for r in rows] for rows in both] == [direct, direct]
    assert empty == {"found": []}
    assert len(sent) == len(reached) == 3


def test_a_direct_read_that_fails_raises_sqlalchemys_error(engine):
    if engine.dialect.name != "sqlite":
        pytest.skip("SQLite only")
    missing = AtOnce(text("SELECT name FROM no_such_table").columns(column("name")))
    with engine.connect() as conn, pytest.raises(OperationalError, match="no_such_table"):
        missing.rows(conn, {})


def _record(n: int) -> dict:
    return {
        "id": f"{n:032x}",
        "created_at": utcnow(),
        "query_code": None if n % 2 else f"91320700MA{n:07d}X",
        "query_name": f"连云港第{n}商贸有限公司",
        "service": "法律事务代理",
        "credit_code": f"91320700MA{n:07d}X",
        "enterprise_name": f"连云港第{n}商贸有限公司",
        "verdict": "通过",
        "rules_version": n,
        "report": {"verdict": "通过", "steps": [{"ok": True, "n": n}], "note": None},
        "digest": "0" * 64,
    }


def test_a_batch_of_records_is_stored_by_one_statement_exactly_as_row_by_row(engine):
    table = Verification.__table__
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, text, *_: sent.append(text))
    with engine.begin() as conn:
        InsertAtOnce(table).run(conn, [_record(n) for n in range(1, 6)])
        packed = list(sent)
        conn.execute(insert(table), [_record(n) for n in range(11, 16)])
    stored = "SELECT * FROM verification ORDER BY rules_version"
    if engine.dialect.name == "sqlite":
        assert len(packed) == 1 and "json_each" in packed[0]
        kinds = ", ".join(f"typeof({c.name})" for c in table.columns)
        stored = f"SELECT *, {kinds} FROM verification ORDER BY rules_version"
    else:  # PostgreSQL: the rows as one JSON document, read back by the table's row type
        assert len(packed) == 1 and "json_populate_recordset" in packed[0]
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.exec_driver_sql(stored)]
        records = conn.execute(select(table).order_by(table.c.rules_version)).all()
    assert len(rows) == 10
    # Stored alike, value for value and type for type, whichever way they went in.
    for one, other in zip(rows[:5], rows[5:], strict=True):
        differ = {c.name for c, a, b in zip(table.columns, one, other, strict=False) if a != b}
        assert differ <= {
            "id",
            "created_at",
            "query_code",
            "credit_code",
            "query_name",
            "enterprise_name",
            "rules_version",
            "report",
        }
        assert one[len(table.columns) :] == other[len(table.columns) :]
    assert records[0].report == _record(1)["report"]
    assert records[0].created_at.tzinfo is not None and records[0].query_code is None


def test_rows_of_bytes_go_in_one_statement_too_and_come_back_byte_for_byte(engine):
    # Hashes, canonical JSON, an empty value, a missing one, every byte value (NUL included).
    table = Table(
        "packed_bytes",
        MetaData(),
        Column("id", Integer, primary_key=True, autoincrement=False),
        Column("label", String(20)),
        Column("payload", LargeBinary, nullable=True),
        Column("digest", LargeBinary(32)),
    )
    table.create(engine)
    values = [b"", None, bytes(range(256)), b"\x00" * 3, '{"名":1}'.encode(), None]
    rows = [
        {"id": n, "label": f"第{n}行", "payload": v, "digest": bytes([n]) * 32}
        for n, v in enumerate(values)
    ]
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, text, *_: sent.append(text))
    with engine.begin() as conn:
        InsertAtOnce(table).run(conn, rows)
        packed = list(sent)
        conn.execute(insert(table), [{**row, "id": row["id"] + 100} for row in rows])
    assert len(packed) == 1
    assert ("json_each" if engine.dialect.name == "sqlite" else "json_populate_recordset") in (
        packed[0]
    )
    with engine.connect() as conn:
        stored = conn.execute(select(table).order_by(table.c.id)).all()
        kinds = None
        if engine.dialect.name == "sqlite":
            kinds = conn.exec_driver_sql(
                "SELECT typeof(payload), typeof(digest) FROM packed_bytes ORDER BY id"
            ).all()
    assert [tuple(r)[1:] for r in stored[:6]] == [tuple(r)[1:] for r in stored[6:]]
    assert [r.payload for r in stored[:6]] == values
    assert [r.digest for r in stored[:6]] == [bytes([n]) * 32 for n in range(6)]
    if kinds is not None:  # stored as blobs (and nulls), as the executemany stores them
        assert kinds[:6] == kinds[6:]
        assert kinds[0] == ("blob", "blob") and kinds[1] == ("null", "blob")


def test_a_single_row_is_stored_as_before(engine):
    sent: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda _c, _k, text, *_: sent.append(text))
    with engine.begin() as conn:
        InsertAtOnce(Verification.__table__).run(conn, [_record(1)])
        assert not any("json_each" in text for text in sent)
        found = conn.execute(select(Verification.__table__.c.query_name)).scalars().all()
    assert found == ["连云港第1商贸有限公司"]


def _rows_in_the_file_alone(database_url: str, tmp_path) -> int:
    """Enterprises a copy of the database file holds without its WAL: what was checkpointed."""
    copy = tmp_path / "file-alone.db"
    shutil.copyfile(database_url.removeprefix("sqlite:///"), copy)
    with sqlite3.connect(copy) as conn:
        return conn.execute("SELECT count(*) FROM enterprise").fetchone()[0]


def test_a_server_checkpoints_its_wal_from_a_thread_and_no_commit_does(
    database_url, monkeypatch, tmp_path
):
    if not database_url.startswith("sqlite"):
        pytest.skip("a SQLite file's write-ahead log")
    monkeypatch.setenv("XINYONG_SQLITE_CHECKPOINT_SECONDS", "0.05")
    get_settings.cache_clear()
    engine = make_engine(database_url)
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 0
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(n) for n in range(1, 51)])
    # Committed, in the WAL, not yet in the file: no commit checkpoints.
    assert _rows_in_the_file_alone(database_url, tmp_path) == 0
    checkpoints = WalCheckpoints.started(engine)
    assert checkpoints is not None
    try:
        deadline = time.monotonic() + 10
        while checkpoints.done < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert _rows_in_the_file_alone(database_url, tmp_path) == 50
    finally:
        checkpoints.stop()
    assert not checkpoints._thread.is_alive()
    engine.dispose()


def test_without_the_setting_commits_checkpoint_as_sqlite_does(database_url, monkeypatch):
    monkeypatch.delenv("XINYONG_SQLITE_CHECKPOINT_SECONDS", raising=False)
    get_settings.cache_clear()
    engine = make_engine(database_url)
    assert WalCheckpoints.started(engine) is None
    if database_url.startswith("sqlite"):
        with engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA wal_autocheckpoint").scalar() == 10000
    engine.dispose()


def _backend(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(text("SELECT pg_backend_pid()")).scalar_one()


def _drop_backend(database_url: str, pid: int) -> None:
    """The server ends one connection, as a restart or a firewall's idle timeout would."""
    other = create_engine(normalise_url(database_url), isolation_level="AUTOCOMMIT")
    with other.connect() as conn:
        assert conn.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid}).scalar()
    other.dispose()


@pytest.mark.skipif(not PG_URL, reason="PostgreSQL only: SQLite has no server to drop it")
def test_a_pooled_connection_the_server_dropped_while_idle_is_replaced_before_use(
    database_url, monkeypatch
):
    # Idle for longer than the setting: pinged on checkout, found dead, replaced.
    monkeypatch.setenv("XINYONG_POOL_PING_AFTER_IDLE_SECONDS", "0")
    get_settings.cache_clear()
    engine = make_engine(database_url)
    first = _backend(engine)
    _drop_backend(database_url, first)
    assert _backend(engine) != first  # the request ran on a new connection, no error
    engine.dispose()

    # In steady use (idle less than the setting) a connection is not pinged: a dropped one
    # fails its request once — what the ping above spared the request.
    monkeypatch.setenv("XINYONG_POOL_PING_AFTER_IDLE_SECONDS", "3600")
    get_settings.cache_clear()
    engine = make_engine(database_url)
    first = _backend(engine)
    _drop_backend(database_url, first)
    with pytest.raises(OperationalError):
        _backend(engine)
    assert _backend(engine) != first  # and the pool is renewed for the next one
    engine.dispose()


def test_read_sessions_run_in_autocommit_on_postgresql_and_name_their_writer(engine):
    """On PostgreSQL a read-only session runs in autocommit: no BEGIN before its statements,
    no ROLLBACK after; a write it must make (a first grade) goes to its writer, in a
    transaction of its own (tests/rating/test_api.py has those stories)."""
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(n) for n in range(1, 3)])
    reads = session_factory(engine, reads=True)
    with reads() as session:
        with session.connection() as conn:
            assert conn.execute(text("SELECT count(*) FROM enterprise")).scalar() == 2
            if engine.dialect.name == "postgresql":
                assert conn.connection.driver_connection.autocommit
                assert session.info["writer"] is engine
    with session_factory(engine)() as session:  # other sessions keep their transactions
        with session.connection() as conn:
            if engine.dialect.name == "postgresql":
                assert not conn.connection.driver_connection.autocommit
