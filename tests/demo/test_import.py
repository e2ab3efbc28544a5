"""An operator imports a demo drop with the real importer: everything loads except the planted bad rows."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import Engine

from xinyong.demo import generate
from xinyong.registry.importer import import_registry_dir
from xinyong.sources.layouts import REGISTRY_FILES


def test_the_importer_rejects_exactly_the_rows_the_manifest_lists(
    engine: Engine, tmp_path: Path
) -> None:
    manifest = generate(tmp_path, enterprises=1000, seed=7, bad_rows=14)
    results = import_registry_dir(engine, tmp_path)
    rejected = {(r.file, p.line) for r in results for p in r.counts.problems}
    listed = {(b["file"], b["line"]) for b in manifest["bad_rows"]}
    assert rejected == {(file, line) for file, line in listed if file in REGISTRY_FILES}
    enterprises = next(r for r in results if r.file == "enterprises.csv")
    assert enterprises.counts.inserted == 1000
