"""Importing one file drop through a target: open, detect encoding, run the ingest, record the run."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Engine

from xinyong.errors import FileRefused
from xinyong.sources.ingest import Counts, Ingest, Target
from xinyong.sources.readers import open_source


@dataclass
class FileResult:
    file: str
    run_id: int
    counts: Counts


def import_file(
    engine: Engine,
    path: Path,
    target: Target,
    *,
    source: str,
    demo: bool = False,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> FileResult:
    """Import one file; a refused file (encoding, header) is recorded as a refused run."""
    ingest = Ingest(engine, target, source=source, location=str(path), demo=demo, background=True)
    ingest.start()
    try:
        drop = open_source(path, encoding)
    except FileRefused as exc:
        ingest.finish("refused", exc.message)
        raise
    counts = ingest.run(drop.header, drop.rows, progress)
    return FileResult(path.name, ingest.run_id or 0, counts)
