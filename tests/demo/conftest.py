"""Demo data sets generated once per test session, in temporary directories."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from xinyong.demo import generate


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
    """5,000 enterprises with 28 malformed rows mixed in: two of each kind of defect."""
    out = tmp_path_factory.mktemp("demo")
    return DemoSet(out, generate(out, enterprises=5000, seed=7, bad_rows=28))
