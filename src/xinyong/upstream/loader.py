"""Loading a drop folder into the fake upstream's state, in file order, idempotently."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from xinyong.errors import XinyongError
from xinyong.sources.catalog import FILE_STEMS, layout_for_file
from xinyong.sources.readers import BrokenRow, open_source
from xinyong.upstream.records import Record, header_index, in_layout_order, key_headers, record_id
from xinyong.upstream.store import LoadCounts, Store

_BATCH = 5000
_SUFFIXES = {".csv", ".txt", ".tsv", ".xlsx", ".xlsm", ".jsonl", ".ndjson"}


@dataclass
class FileLoad:
    file: str
    dataset: str
    counts: LoadCounts
    already_loaded: bool = False
    refused: str | None = None


def drop_files(folder: Path) -> list[Path]:
    """The folder's files that carry a known layout, in catalogue order (enterprises first)."""
    order = list(FILE_STEMS)
    found = [
        p
        for p in folder.iterdir()
        if p.is_file() and p.suffix.lower() in _SUFFIXES and layout_for_file(p) is not None
    ]
    return sorted(found, key=lambda p: (order.index(p.stem), p.name))


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while chunk := fh.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def load_file(store: Store, path: Path) -> FileLoad:
    """Upsert every row of one file; a file already loaded with the same content is skipped,
    so restarting on a kept --state does not undo changes applied since."""
    layout = layout_for_file(path)
    assert layout is not None
    counts = LoadCounts()
    sha = _sha256(path)
    with store.writing() as writer:
        if writer.file_loaded(path.name, sha):
            return FileLoad(path.name, layout.name, counts, already_loaded=True)
    try:
        drop = open_source(path)
    except XinyongError as exc:
        return FileLoad(path.name, layout.name, counts, refused=exc.message)
    index = header_index(layout)
    # The first column carrying a field wins; unknown columns are not part of the official record.
    columns: list[tuple[int, str]] = []
    seen: set[str] = set()
    for i, name in enumerate(drop.header):
        fl = index.get(name)
        if fl and fl.header not in seen:
            seen.add(fl.header)
            columns.append((i, fl.header))
    missing = [h for h in key_headers(layout) if h not in seen]
    if missing:
        return FileLoad(
            path.name,
            layout.name,
            counts,
            refused=f"缺少主键列 {'、'.join(missing)}（missing key columns {', '.join(missing)}）",
        )
    rows = 0
    with store.writing() as writer:
        batch: dict[str, Record] = {}
        for line, cells in drop.rows:
            rows += 1
            if isinstance(cells, BrokenRow):
                counts.skipped += 1
                counts.problems.append(f"{path.name}:{line} {cells.reason_zh}")
                continue
            values = {h: (cells[i] if i < len(cells) else "") for i, h in columns}
            record = in_layout_order(layout, values)
            rid = record_id(layout, record)
            if rid is None:
                counts.skipped += 1
                counts.problems.append(f"{path.name}:{line} 主键为空 / empty key")
                continue
            if rid in batch:  # the same record twice: write the earlier one first, later wins
                writer.put_batch(layout.name, batch, counts)
                batch = {}
            batch[rid] = record
            if len(batch) >= _BATCH:
                writer.put_batch(layout.name, batch, counts)
                batch = {}
        writer.put_batch(layout.name, batch, counts)
        writer.mark_loaded(path.name, sha, layout.name, rows)
    return FileLoad(path.name, layout.name, counts)


def load_folder(
    store: Store, folder: Path, report: Callable[[FileLoad], None] | None = None
) -> list[FileLoad]:
    if not folder.is_dir():
        raise XinyongError(f"数据目录不存在：{folder}", f"data folder does not exist: {folder}")
    results = []
    for path in drop_files(folder):
        result = load_file(store, path)
        results.append(result)
        if report:
            report(result)
    return results
