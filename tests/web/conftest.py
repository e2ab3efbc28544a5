"""The real app on the test database, with a controllable clock and an operator token."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.lists.conftest import Clock
from xinyong.api.app import create_app

TOKEN = "web-operator-token"


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
def operator(client):
    """The client signed in on the console as 审核员李娜."""
    response = client.post(
        "/operator/login",
        data={"name": "审核员李娜", "token": TOKEN, "next": "/operator"},
        follow_redirects=False,
    )
    assert response.status_code == 303
    return client
