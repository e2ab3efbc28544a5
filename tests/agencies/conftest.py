"""A small demo drop (its debt-service sector) synced through the real connectors."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from xinyong.api.app import create_app
from xinyong.demo import generate
from xinyong.sources.config import SourceConfig
from xinyong.sources.scheduler import run_syncs


@pytest.fixture(scope="session")
def drop(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict]:
    out = tmp_path_factory.mktemp("agency-demo")
    return out, generate(out, enterprises=200, seed=7)


def sources(folder: Path) -> list[SourceConfig]:
    return [
        SourceConfig(
            name="gsxt", title_zh="登记", title_en="registry", transport="files", path=folder,
            layouts=["registry.enterprises"],
        ),
        SourceConfig(
            name="agencies", title_zh="机构名录", title_en="agencies", transport="files",
            path=folder, layouts=["agencies.profiles", "agencies.fee_schedules"],
        ),
    ]  # fmt: skip


@pytest.fixture
def synced(engine, drop):
    """The registry and the agency directory loaded, as `xinyong demo` loads them."""
    return run_syncs(engine, sources(drop[0]))


@pytest.fixture
def client(engine, synced):
    with TestClient(create_app(engine)) as c:
        yield c


def code_of(manifest: dict, name: str) -> str:
    return next(m["credit_code"] for m in manifest["sector"] if m["name"] == name)
