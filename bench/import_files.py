"""Registry import throughput without the search index pass: the four GSXT drop files through
their connectors into an empty SQLite store, per file and in all (rows/s).

    XINYONG_DATA_DIR=/tmp/xinyong-bench/data XINYONG_DATABASE_URL=sqlite:////tmp/f.db \
        xinyong db upgrade
    XINYONG_DATA_DIR=/tmp/xinyong-bench/data XINYONG_DATABASE_URL=sqlite:////tmp/f.db \
        /usr/bin/time -v python bench/import_files.py [SOURCE]

The drop is the one `import_bench.py` (or `xinyong demo-data --out DIR/demo`) writes. The
search index a real `xinyong sync` builds after a first load is left out, so that the rows/s
are those of the import path alone; `import_bench.py` times the whole command.
"""

from __future__ import annotations

import sys
import time

from xinyong.db import get_engine
from xinyong.sources.config import load_sources
from xinyong.sources.scheduler import change_hook
from xinyong.sources.sync import sync_source
from xinyong.wiring import connect


def main() -> None:
    source = sys.argv[1] if len(sys.argv) > 1 else "gsxt"
    connect()
    engine = get_engine()
    started = time.perf_counter()
    result = sync_source(engine, load_sources()[source], hook=change_hook())
    seconds = time.perf_counter() - started
    for run in result.runs:
        print(f"{run.layout}: {run.counts.rows_read:,} rows")
    total = sum(run.counts.rows_read for run in result.runs)
    print(f"{source}: {total:,} rows in {seconds:.1f} s, {total / seconds:,.0f} rows/s")


if __name__ == "__main__":
    main()
