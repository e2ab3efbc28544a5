"""Writing the demo data set: registry, enforcement and penalty CSV files in the upstream layouts, streamed, plus manifest.json."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from datetime import date
from pathlib import Path
from random import Random
from types import TracebackType
from typing import Any, TextIO

from xinyong.demo.agency_listings import write_agency_files
from xinyong.demo.bad_rows import BadRow, BadRowMaker
from xinyong.demo.builder import Builder
from xinyong.demo.judicial import JUDICIAL_FILES, Judicial, Row
from xinyong.demo.judicial_bad_rows import JudicialBadRowMaker
from xinyong.demo.model import Enterprise, child_rows, column_order, enterprise_row, iso
from xinyong.demo.sector import SECTOR_SIZE, build_sector
from xinyong.sources.layouts import REGISTRY_FILES, Layout

DEMO_AS_OF = date(2026, 11, 20)
MANIFEST = "manifest.json"
PROGRESS_EVERY = 5000


class _CsvSet:
    """A set of drop files, one per layout, open for streaming with their headers written."""

    def __init__(self, out_dir: Path, layouts: dict[str, Layout]) -> None:
        self._handles: list[TextIO] = []
        self.writers: dict[str, Any] = {}
        self.counts: dict[str, int] = {}
        for name, layout in layouts.items():
            fh = open(out_dir / name, "w", encoding="utf-8", newline="", buffering=1 << 20)  # noqa: SIM115
            self._handles.append(fh)
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(layout.headers)
            self.writers[name] = writer
            self.counts[name] = 0

    def __enter__(self):
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        for fh in self._handles:
            fh.close()


class _Files(_CsvSet):
    """The four registry CSV files, with their row counts."""

    def __init__(self, out_dir: Path) -> None:
        super().__init__(out_dir, REGISTRY_FILES)
        self.orders = {name: column_order(layout) for name, layout in REGISTRY_FILES.items()}

    def write(self, name: str, rows: list[list[str]]) -> None:
        if not rows:
            return
        order = self.orders[name]
        if order is not None:
            rows = [[(row + [""])[i] for i in order] for row in rows]
        self.writers[name].writerows(rows)
        self.counts[name] += len(rows)

    def enterprise(self, e: Enterprise) -> None:
        self.write("enterprises.csv", [enterprise_row(e)])
        shareholders, licences, abnormal = child_rows(e)
        self.write("shareholders.csv", shareholders)
        self.write("licences.csv", licences)
        self.write("abnormal.csv", abnormal)


class _JudicialFiles(_CsvSet):
    """The enforcement and penalty CSV files: rows by field key, written in layout order."""

    def __init__(self, out_dir: Path) -> None:
        super().__init__(out_dir, JUDICIAL_FILES)
        self.keys = {
            name: [f.key for f in layout.fields] for name, layout in JUDICIAL_FILES.items()
        }

    def write(self, name: str, row: Row) -> int:
        """Write one row; returns its line in the file (line 1 is the header)."""
        self.writers[name].writerow([row.get(k, "") for k in self.keys[name]])
        self.counts[name] += 1
        return self.counts[name] + 1


def generate(
    out_dir: Path,
    enterprises: int = 20000,
    seed: int = 7,
    bad_rows: int = 0,
    progress: Callable[[int], None] | None = None,
    as_of: date = DEMO_AS_OF,
) -> dict[str, Any]:
    """Write a demo drop for 信用连云港 into out_dir and return its manifest.

    Registry files (GSXT), the zxgk 被执行人 and 失信被执行人 files and the 双公示 行政处罚
    file, in their upstream layouts. The same (enterprises, seed, bad_rows) always gives
    byte-identical files. The first rows of enterprises.csv are the debt-service sector (see
    manifest["sector"]); the enterprise count includes it; its story records head the other
    files (manifest["sector_records"]). The judicial and penalty rows come from their own
    random stream, so the registry files are what they would be without them.

    bad_rows malformed rows go into the registry files, and as many again into the
    judicial and penalty files; manifest["bad_rows"] lists them all. progress(k) reports k
    more enterprises written.
    """
    if enterprises < SECTOR_SIZE:
        raise ValueError(
            f"演示数据至少需要 {SECTOR_SIZE} 家企业（含债务服务行业）/ "
            f"the demo needs at least {SECTOR_SIZE} enterprises (the debt-service sector)"
        )
    if bad_rows < 0:
        raise ValueError("bad_rows 不能为负数 / bad_rows cannot be negative")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    builder = Builder(Random(seed), as_of)
    judicial = Judicial(seed, as_of, enterprises)
    bad = BadRowMaker(seed, bad_rows, enterprises)
    judicial_bad = JudicialBadRowMaker(seed, bad_rows, enterprises, iso(as_of.toordinal()))
    bad_found: list[BadRow] = []
    sector_records: list[dict[str, Any]] = []
    done = reported = 0

    with _Files(out_dir) as files, _JudicialFiles(out_dir) as jfiles:

        def written(e: Enterprise, ordinary: bool = True) -> None:
            nonlocal done, reported
            files.enterprise(e)
            done += 1
            for index in bad.due(done):
                name, row, column, value = bad.row(index, e)
                files.write(name, [row])
                # Line 1 is the header and no cell holds a line break, so row n is line n + 1.
                bad_found.append(
                    BadRow(name, files.counts[name] + 1, bad.problem(index), column, value)
                )
            if ordinary:
                for name, jrow in judicial.records(e):
                    jfiles.write(name, jrow)
            for index in judicial_bad.due(done):
                name, jrow, column, value = judicial_bad.row(index)
                line = jfiles.write(name, jrow)
                bad_found.append(BadRow(name, line, judicial_bad.problem(index), column, value))
            if progress is not None and done - reported >= PROGRESS_EVERY:
                progress(done - reported)
                reported = done

        sector = build_sector(builder)
        for member in sector:
            written(member.enterprise, ordinary=False)
        for name, jrow, story in judicial.sector_records(sector):
            line = jfiles.write(name, jrow)
            layout = JUDICIAL_FILES[name]
            key = "|".join(jrow[k] for k in layout.key)
            sector_records.append({"file": name, "line": line, "key": key, **story})
        for _ in range(enterprises - len(sector)):
            written(builder.enterprise())
        if progress is not None and done > reported:
            progress(done - reported)
        counts = dict(files.counts) | jfiles.counts

    manifest: dict[str, Any] = {
        "demo": True,
        "generator": "xinyong demo-data",
        "seed": seed,
        "enterprises": enterprises,
        "as_of": as_of.isoformat(),
        "files": counts,
        "sector": [m.describe() for m in sector],
        "sector_records": sector_records,
        "bad_rows": [b.describe() for b in bad_found],
        # The agency directory and fee schedules (some deliberately breaking the fee rules).
        "agencies": write_agency_files(out_dir, sector, as_of),
    }
    (out_dir / MANIFEST).write_text(
        json.dumps(manifest, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    return manifest


def describe_sector(out_dir: Path) -> list[dict[str, Any]]:
    """The debt-service sector of a generated data set: credit_code, name, role, status, note."""
    manifest = json.loads((Path(out_dir) / MANIFEST).read_text(encoding="utf-8"))
    return list(manifest["sector"])
