"""How long reads of a table wait while `xinyong db upgrade` runs a migration on a big database.

    PYTHONPATH=<version>/src python bench/migration_reads.py --from 0023 --table enterprise \
        "postgresql://127.0.0.1:5432/test?options=-csearch_path%3Dload1m"

Downgrades the database to --from, then upgrades it to head while one thread reads single rows
of --table back to back (a profile's first statement, by primary key) on a connection of its
own, and prints the upgrade's seconds and the reads' count, median and longest wait. Run each
version of the code in turn (`PYTHONPATH=<version>/src`) on the same data: the data set is
load_bench.py's build. The downgrade runs the version's own migration backwards.
"""

from __future__ import annotations

import argparse
import random
import statistics
import threading
import time

from alembic import command
from sqlalchemy import text

from xinyong.db import alembic_config, make_engine


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("url")
    parser.add_argument("--from", dest="start", required=True, help="revision to start from")
    parser.add_argument("--table", default="enterprise")
    args = parser.parse_args()
    command.downgrade(alembic_config(args.url), args.start)
    engine = make_engine(args.url)
    with engine.connect() as conn:
        top = conn.execute(text(f"SELECT max(id) FROM {args.table}")).scalar()
    waits: list[float] = []
    stop = threading.Event()

    def read() -> None:
        with engine.connect() as conn:
            while not stop.is_set():
                started = time.perf_counter()
                conn.execute(
                    text(f"SELECT * FROM {args.table} WHERE id = :id"),
                    {"id": random.randint(1, top)},
                ).all()
                conn.commit()
                waits.append(time.perf_counter() - started)

    reader = threading.Thread(target=read)
    reader.start()
    time.sleep(1)
    started = time.perf_counter()
    command.upgrade(alembic_config(args.url), "head")
    took = time.perf_counter() - started
    time.sleep(1)
    stop.set()
    reader.join()
    print(
        f"upgrade {took:.1f} s; {len(waits):,} reads of {args.table}, "
        f"median {statistics.median(waits) * 1000:.2f} ms, longest {max(waits) * 1000:.0f} ms"
    )


if __name__ == "__main__":
    main()
