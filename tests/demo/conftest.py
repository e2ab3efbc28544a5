"""Demo data sets generated once per test session, in temporary directories."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine

from xinyong.demo import generate
from xinyong.demo.judicial import JUDICIAL_FILES
from xinyong.enforcement.importer import ENFORCEMENT_SOURCE, ENFORCEMENT_TARGETS
from xinyong.penalties.importer import PENALTY_SOURCE, PENALTY_TARGETS
from xinyong.registry.importer import import_registry_dir
from xinyong.sources.files import FileResult, import_file


def read_rows(path: Path) -> list[dict[str, str]]:
    with open(path, encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


class DemoSet:
    """A generated data set and its manifest, with the rows at hand."""

    def __init__(self, out: Path, manifest: dict[str, Any]) -> None:
        self.out = out
        self.manifest = manifest
        self.bad_lines = {(b["file"], b["line"]) for b in manifest["bad_rows"]}

    def rows(self, file: str, *, good_only: bool = True) -> list[dict[str, str]]:
        rows = read_rows(self.out / file)
        if not good_only:
            return rows
        # Row i of the DictReader sits on line i + 2 (line 1 is the header).
        return [row for i, row in enumerate(rows) if (file, i + 2) not in self.bad_lines]


@pytest.fixture(scope="session")
def demo(tmp_path_factory: pytest.TempPathFactory) -> DemoSet:
    """5,000 enterprises with 28 malformed registry rows and 28 judicial ones mixed in."""
    out = tmp_path_factory.mktemp("demo")
    return DemoSet(out, generate(out, enterprises=5000, seed=7, bad_rows=28))


@pytest.fixture(scope="session")
def clean(tmp_path_factory: pytest.TempPathFactory) -> DemoSet:
    """5,000 enterprises and no malformed rows."""
    out = tmp_path_factory.mktemp("clean")
    return DemoSet(out, generate(out, enterprises=5000, seed=7))


def import_drop(engine: Engine, folder: Path) -> list[FileResult]:
    """Every file of a demo drop through the real importers, registry first, as a sync would."""
    results = import_registry_dir(engine, folder)
    targets = ENFORCEMENT_TARGETS | PENALTY_TARGETS
    for name, layout in JUDICIAL_FILES.items():
        source = PENALTY_SOURCE if layout.name in PENALTY_TARGETS else ENFORCEMENT_SOURCE
        results.append(
            import_file(engine, folder / name, targets[layout.name], source=source, demo=True)
        )
    return results
