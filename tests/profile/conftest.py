"""Profile fixtures: the real app on the test database."""

import pytest
from fastapi.testclient import TestClient

from xinyong.api.app import create_app


@pytest.fixture
def client(engine):
    with TestClient(create_app(engine)) as c:
        yield c
