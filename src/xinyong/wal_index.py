"""Whether a SQLite database in WAL mode changed, read from its shared WAL index without a call
into SQLite.

`PRAGMA data_version` answers the same question, but each call into SQLite lets the GIL go, and
the event loop that asks on every request then waits for it behind the request threads: 11.5%
of a worker's event loop in the portal's page mix (bench/RESULTS.md, load). The WAL index (the
`-shm` file every connection to a WAL database maps) begins with a header that each commit
rewrites: its change counter moves with every transaction (https://sqlite.org/walformat.html,
"The WAL-Index Header"). Reading those bytes from a read-only mapping is a memory copy.
"""

from __future__ import annotations

import mmap
import os
import sqlite3

# The first copy of the header: iVersion, iChange (moved by every commit), the page size, the
# last valid frame, the database size, the checksums and salts. A commit rewrites both copies;
# a reader that catches a half-written copy sees a change that may not be one yet, and reads
# the database once more than it needed to: never the other way round.
HEADER_BYTES = 48


class WalIndex:
    """The header of one database's WAL index, mapped read-only."""

    def __init__(self, mapped: mmap.mmap) -> None:
        self._mapped = mapped

    @classmethod
    def of(cls, conn: sqlite3.Connection, path: str | None) -> WalIndex | None:
        """The WAL index of the database `conn` has open at `path`, or None when there is none
        to read (not in WAL mode, in memory, or its shared memory kept elsewhere): ask
        `PRAGMA data_version` then.

        Safe to map only while `conn` stays open: SQLite empties the file when a first
        connection opens it, which cannot happen while another one holds it."""
        if not path or path == ":memory:" or path.startswith("file:"):
            return None
        try:
            mode = conn.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                return None
            conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchall()  # opens the index
        except sqlite3.Error:  # busy past its timeout, say: data_version still answers
            return None
        try:
            fd = os.open(path + "-shm", os.O_RDONLY)
        except OSError:  # an exclusive-locking connection keeps its index in its own heap
            return None
        try:
            if os.fstat(fd).st_size < HEADER_BYTES:
                return None
            return cls(mmap.mmap(fd, HEADER_BYTES, access=mmap.ACCESS_READ))
        finally:
            os.close(fd)

    def version(self) -> bytes:
        """Bytes that differ after any connection's commit since the last call."""
        return self._mapped[:HEADER_BYTES]

    def close(self) -> None:
        self._mapped.close()
