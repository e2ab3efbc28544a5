"""Re-indexing the enterprises a registry sync changed, on a large existing database.

    PYTHONPATH=src python bench/reindex_bench.py --db /work/benchdata/load1m/x.db --enterprises 2000
    PYTHONPATH=/tmp/wt-old/src python bench/reindex_bench.py --db ...   # another version

A daily registry sync that renames or changes enterprises re-indexes each of them in the batch's
transaction (search.index.index_hook → replace): their entries, trigram rows and gram postings
are deleted and written anew. This times `replace` for --enterprises enterprises spread over the
registry (every k-th by id), in one transaction that is then rolled back, so the file is left as
it was and every run does the same work. Prints the seconds of the re-index alone.
"""

from __future__ import annotations

import argparse
import time

from sqlalchemy import func, select

from xinyong.db import make_engine
from xinyong.registry.models import Enterprise
from xinyong.search.index import _COLUMNS, replace


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", required=True)
    parser.add_argument("--enterprises", type=int, default=2000)
    args = parser.parse_args()
    engine = make_engine(f"sqlite:///{args.db}")
    with engine.connect() as conn:
        total = conn.execute(select(func.count()).select_from(Enterprise)).scalar_one()
        step = max(1, total // args.enterprises)
        rows = [
            dict(row)
            for row in conn.execute(
                select(*_COLUMNS).where(Enterprise.id % step == 0).limit(args.enterprises)
            ).mappings()
        ]
        conn.rollback()  # the reads' own transaction
        with conn.begin() as tx:
            start = time.perf_counter()
            written = replace(conn, rows)
            elapsed = time.perf_counter() - start
            tx.rollback()
    print(f"re-indexed {len(rows)} of {total:,} enterprises ({written} entries): {elapsed:.2f} s")


if __name__ == "__main__":
    main()
