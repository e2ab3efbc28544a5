"""Shared fixtures: a real, migrated database — a SQLite file, or the local PostgreSQL in its own schema.

Set XINYONG_TEST_DATABASE_URL=postgresql://127.0.0.1:5432/test to run the suite on PostgreSQL.
"""

from __future__ import annotations

import os
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import Engine, create_engine, text

from xinyong.db import make_engine, normalise_url, session_factory, upgrade
from xinyong.settings import get_settings

PG_URL = os.environ.get("XINYONG_TEST_DATABASE_URL")


def _fresh_database(tmp_path: Path) -> tuple[str, callable]:
    """A new empty database URL and a function that removes it."""
    if not PG_URL:
        return f"sqlite:///{tmp_path / 'xinyong.db'}", lambda: None
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(normalise_url(PG_URL), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f"CREATE SCHEMA {schema}"))
    sep = "&" if "?" in PG_URL else "?"
    url = f"{PG_URL}{sep}options={quote(f'-csearch_path={schema}')}"

    def drop() -> None:
        with admin.connect() as conn:
            conn.execute(text(f"DROP SCHEMA {schema} CASCADE"))
        admin.dispose()

    return url, drop


@pytest.fixture(autouse=True)
def _settings_of_this_test_only():
    """Settings are read from the environment once per process (cached): a test that changes
    the environment must not hand its settings to the tests after it."""
    yield
    get_settings.cache_clear()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    url, drop = _fresh_database(tmp_path)
    upgrade(url)
    yield url
    drop()


@pytest.fixture
def engine(database_url: str) -> Engine:
    eng = make_engine(database_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine):
    s = session_factory(engine)()
    yield s
    s.close()
