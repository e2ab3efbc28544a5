"""Rating fixtures: the demo drop (whole debt-service sector) synced through the configured sources."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fastapi.testclient import TestClient

from xinyong.api.app import create_app
from xinyong.demo import generate
from xinyong.sources.config import DEFAULT_FILE, load_sources
from xinyong.sources.scheduler import run_syncs

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(year: int, month: int, day: int, hour: int = 10) -> datetime:
    """An instant in Lianyungang: the clock a rating pass is given."""
    return datetime(year, month, day, hour, tzinfo=SHANGHAI)


# The demo data is as of 2026-11-20; the stories rate it a few days later.
RATED_AT = at(2026, 11, 23)


class Demo:
    def __init__(self, folder: Path, manifest: dict[str, Any]) -> None:
        self.folder = folder
        self.manifest = manifest

    def code(self, name: str) -> str:
        return next(m["credit_code"] for m in self.manifest["sector"] if m["name"] == name)

    def story(self, story: str) -> list[dict[str, Any]]:
        return [r for r in self.manifest["sector_records"] if r["story"] == story]


@pytest.fixture(scope="session")
def demo_drop(tmp_path_factory: pytest.TempPathFactory) -> Demo:
    """200 enterprises: the whole debt-service sector and some ordinary firms."""
    folder = tmp_path_factory.mktemp("rating-demo")
    return Demo(folder, generate(folder, enterprises=200, seed=7))


@pytest.fixture
def demo(engine, demo_drop: Demo) -> Demo:
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
