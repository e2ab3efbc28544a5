"""A developer regenerates the demo data and gets exactly the same files, or new ones with a new seed."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.demo import SECTOR_SIZE, generate
from xinyong.demo.judicial import JUDICIAL_FILES
from xinyong.sources.layouts import REGISTRY_FILES

DATA_FILES = [*REGISTRY_FILES, *JUDICIAL_FILES]
FILES = [*DATA_FILES, "manifest.json"]


def _bytes(out: Path) -> dict[str, bytes]:
    return {name: (out / name).read_bytes() for name in FILES}


def test_same_enterprises_and_seed_give_byte_identical_files(tmp_path: Path) -> None:
    first = generate(tmp_path / "a", enterprises=400, seed=3, bad_rows=5)
    second = generate(tmp_path / "b", enterprises=400, seed=3, bad_rows=5)
    assert first == second
    assert _bytes(tmp_path / "a") == _bytes(tmp_path / "b")


def test_a_different_seed_gives_different_data(tmp_path: Path) -> None:
    generate(tmp_path / "a", enterprises=400, seed=3)
    generate(tmp_path / "b", enterprises=400, seed=4)
    a, b = _bytes(tmp_path / "a"), _bytes(tmp_path / "b")
    for name in DATA_FILES:
        assert a[name] != b[name], name


def test_asking_for_bad_rows_adds_rows_without_changing_the_good_ones(tmp_path: Path) -> None:
    clean = generate(tmp_path / "clean", enterprises=400, seed=5)
    dirty = generate(tmp_path / "dirty", enterprises=400, seed=5, bad_rows=14)
    for name in DATA_FILES:
        bad_lines = {b["line"] for b in dirty["bad_rows"] if b["file"] == name}
        dirty_lines = (tmp_path / "dirty" / name).read_text(encoding="utf-8").splitlines()
        kept = [line for n, line in enumerate(dirty_lines, 1) if n not in bad_lines]
        assert kept == (tmp_path / "clean" / name).read_text(encoding="utf-8").splitlines()
        assert dirty["files"][name] == clean["files"][name] + len(bad_lines)


def test_manifest_describes_the_drop_without_wall_clock_times(tmp_path: Path) -> None:
    manifest = generate(tmp_path, enterprises=300, seed=9)
    assert manifest["demo"] is True
    assert manifest["generator"] == "xinyong demo-data"
    assert (manifest["seed"], manifest["enterprises"], manifest["as_of"]) == (9, 300, "2026-11-20")
    for name, count in manifest["files"].items():
        lines = (tmp_path / name).read_text(encoding="utf-8").splitlines()
        assert len(lines) == count + 1  # the header
    assert manifest["files"]["enterprises.csv"] == 300


def test_progress_reports_every_enterprise_once(tmp_path: Path) -> None:
    reported: list[int] = []
    generate(tmp_path, enterprises=10_001, seed=1, progress=reported.append)
    assert sum(reported) == 10_001
    assert len(reported) == 3  # every 5,000 and the rest


def test_too_few_enterprises_for_the_sector_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match=str(SECTOR_SIZE)):
        generate(tmp_path, enterprises=SECTOR_SIZE - 1)
    assert generate(tmp_path, enterprises=SECTOR_SIZE)["files"]["enterprises.csv"] == SECTOR_SIZE
