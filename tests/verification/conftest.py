"""Verification fixtures: a demo data set synced through the configured connectors, and the real app."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from xinyong.api.app import create_app
from xinyong.demo import generate
from xinyong.sources.config import DEFAULT_FILE, load_sources
from xinyong.sources.scheduler import run_syncs


class Demo:
    """The demo manifest, to find the sector's agencies and their story records by role."""

    def __init__(self, folder: Path, manifest: dict[str, Any]) -> None:
        self.folder = folder
        self.manifest = manifest

    def member(self, name: str) -> dict[str, Any]:
        return next(m for m in self.manifest["sector"] if m["name"] == name)

    def story(self, story: str) -> dict[str, Any]:
        return next(r for r in self.manifest["sector_records"] if r["story"] == story)


@pytest.fixture(scope="session")
def demo_drop(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """200 enterprises: the whole debt-service sector and some ordinary firms."""
    folder = tmp_path_factory.mktemp("verification-demo")
    return Demo(folder, generate(folder, enterprises=200, seed=7))


@pytest.fixture
def demo(engine, demo_drop: Demo) -> Demo:
    """The demo drop synced into the test database by the configured gsxt/zxgk/penalties sources."""
    sources = [
        c.model_copy(update={"path": demo_drop.folder}) for c in load_sources(DEFAULT_FILE).values()
    ]
    results = run_syncs(engine, sources)
    assert all(r.ok for r in results), results
    return demo_drop


@pytest.fixture
def client(engine):
    with TestClient(create_app(engine)) as c:
        yield c
