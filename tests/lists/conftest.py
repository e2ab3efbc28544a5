"""The real app on the test database, with a clock the story walks and an operator token."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient

from tests.lists.story import OPERATOR, at
from xinyong.api.app import create_app

TOKEN = "s3cret-operator-token"


class Clock:
    """The time the app sees; a story sets it step by step."""

    def __init__(self) -> None:
        self.now = at(2026, 5, 4)

    def __call__(self):
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(engine, clock, monkeypatch):
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    app = create_app(engine)
    app.state.clock = clock
    with TestClient(app) as c:
        yield c


@pytest.fixture
def operator_headers() -> dict[str, str]:
    return {"Authorization": f"Bearer {TOKEN}", "X-Operator": quote(OPERATOR)}
