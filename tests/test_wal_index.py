"""A server sees that another connection or process committed without calling into SQLite."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

from xinyong.wal_index import WalIndex


def _wal_database(path) -> sqlite3.Connection:
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (x)")
    return conn


def test_a_commit_elsewhere_moves_the_index_and_a_read_or_a_rollback_does_not(tmp_path):
    path = str(tmp_path / "x.db")
    writer = _wal_database(path)
    reader = sqlite3.connect(path, isolation_level=None)
    index = WalIndex.of(reader, path)
    assert index is not None

    before = index.version()
    writer.execute("SELECT * FROM t").fetchall()
    reader.execute("SELECT * FROM t").fetchall()
    assert index.version() == before

    writer.execute("BEGIN")
    writer.execute("INSERT INTO t VALUES (1)")
    writer.execute("ROLLBACK")
    assert index.version() == before

    writer.execute("INSERT INTO t VALUES (2)")
    after = index.version()
    assert after != before

    # Another process, as another worker or a sync run from the command line.
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys; c = sqlite3.connect(sys.argv[1], isolation_level=None); "
            "c.execute('INSERT INTO t VALUES (3)')",
            path,
        ],
        check=True,
    )
    assert index.version() != after
    index.close()


def test_without_a_shared_wal_index_there_is_nothing_to_read(tmp_path):
    # Then the reader asks PRAGMA data_version, as before.
    rollback_journal = tmp_path / "journal.db"
    conn = sqlite3.connect(rollback_journal, isolation_level=None)
    conn.execute("CREATE TABLE t (x)")
    assert WalIndex.of(conn, str(rollback_journal)) is None
    assert WalIndex.of(sqlite3.connect(":memory:"), ":memory:") is None
    assert WalIndex.of(sqlite3.connect(":memory:"), None) is None
