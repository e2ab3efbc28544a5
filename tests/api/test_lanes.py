"""A search or a profile nobody asked for yet is answered before routing, by the route's own
function: the visitor gets exactly what the route would have answered, invalid input included."""

from __future__ import annotations

import anyio
import pytest
from fastapi.testclient import TestClient

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.api.app import create_app
from xinyong.api.lanes import LANES
from xinyong.sources.config import get_source
from xinyong.sources.scheduler import run_syncs

# An Authorization header that is not an API key: the gate lets the caller through anonymous,
# and the read cache leaves callers with credentials to the route (api/cache.py).
ROUTED = {"authorization": "Basic cm91dGVkOg=="}

ASKED = [
    "/api/v1/enterprises?q=金鼎",
    "/api/v1/enterprises?q=jinding&size=5",
    "/api/v1/enterprises?q=连云港&division=3207&status=存续,在业&page=1",
    "/api/v1/enterprises?q=金鼎&agencies=true",
    # Blank, repeated and unknown parameters: read alike both ways.
    "/api/v1/enterprises?q=金鼎&status=&industry=",
    "/api/v1/enterprises?q=连云港&q=金鼎",
    "/api/v1/enterprises?q=金鼎&utm_source=mail",
    f"/api/v1/enterprises/{credit_code(1)}",
    f"/api/v1/enterprises/{credit_code(1)}?as_known_on=2026-01-01",
    # Wrong input: the lane leaves it to the route, which says what is wrong and where.
    "/api/v1/enterprises",
    "/api/v1/enterprises?q=",
    "/api/v1/enterprises?q=金鼎&page=0",
    "/api/v1/enterprises?q=金鼎&size=1000",
    "/api/v1/enterprises?q=金鼎&division=abc",
    "/api/v1/enterprises?q=金鼎&division=",
    "/api/v1/enterprises?q=金鼎&agencies=maybe",
    f"/api/v1/enterprises/{credit_code(1)}?as_known_on=yesterday",
    # Errors the route's function raises: answered by the app's handlers, as after routing.
    "/api/v1/enterprises/91320700MA1XXXXXX",
    f"/api/v1/enterprises/{credit_code(99)}",
]

# The portal's public pages: the same HTML both ways, the language chosen by cookie included.
PAGES = [
    "/",
    f"/?code={credit_code(1)}",
    "/search?q=金鼎",
    "/search?q=连云港&division=3207&status=存续,在业&agencies=on&page=2",
    "/search?q=金鼎&division=abc",
    "/search?q=&industry=",
    "/search/suggest?q=金",
    f"/e/{credit_code(1)}",
    f"/e/{credit_code(99)}",
    "/agencies?sort=price&amount=80000",
    "/agencies?amount=abc",
    f"/agencies/{credit_code(2)}",
    "/fees?debt=80000&recovered=50000",
    "/fees?debt=abc",
    # Wrong input the page's query model refuses: the route's 422, both ways.
    "/search?q=金鼎&page=abc",
    "/agencies?unlisted=maybe",
]


@pytest.fixture
def client(tmp_path, engine, monkeypatch):
    from xinyong.settings import get_settings

    # The answer cache off: every request is a miss, answered by the lane or by the route.
    monkeypatch.setenv("XINYONG_CACHE_MB", "0")
    get_settings.cache_clear()
    write_enterprises(
        tmp_path / "enterprises.csv",
        [
            enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司"),
            enterprise_row(2, 企业名称="连云港金鼎律师事务所"),
        ],
    )
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path})])
    with TestClient(create_app(engine)) as c:
        yield c
    get_settings.cache_clear()


def test_every_answer_through_a_lane_is_the_one_the_route_gives(client):
    for asked in ASKED:
        lane, routed = client.get(asked), client.get(asked, headers=ROUTED)
        assert lane.status_code == routed.status_code, asked
        assert lane.headers["content-type"] == routed.headers["content-type"], asked
        assert lane.json() == routed.json(), asked
    assert client.get(ASKED[0]).json()["total"] == 2
    assert client.get("/api/v1/enterprises?q=连云港&q=金鼎").json()["query"] == "金鼎"
    assert client.get(ASKED[-1]).status_code == 404
    invalid = client.get("/api/v1/enterprises?q=金鼎&page=0").json()
    assert invalid["status"] == 422 and "page" in invalid["detail"]


def test_every_page_through_a_lane_is_the_one_the_route_gives(client):
    for lang in ("zh", "en"):
        client.cookies.set("lang", lang)
        for asked in PAGES:
            lane, routed = client.get(asked), client.get(asked, headers=ROUTED)
            assert lane.status_code == routed.status_code, asked
            assert lane.headers["content-type"] == routed.headers["content-type"], asked
            assert lane.text == routed.text, asked
    client.cookies.clear()
    assert "海州区" in client.get("/search?q=金鼎").text
    assert client.get(f"/e/{credit_code(99)}").status_code == 404
    assert client.get("/search?q=金鼎&page=abc").status_code == 422


def _scope(client, path: str, query: str) -> dict:
    return {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": query.encode(),
        "headers": [],
        "app": client.app,
    }


def _receive():
    """A GET's ASGI channel: its empty body, then nothing until the caller leaves."""
    sent = []

    async def receive():
        if not sent:
            sent.append(True)
            return {"type": "http.request", "body": b"", "more_body": False}
        await anyio.sleep_forever()

    return receive


def test_a_lane_answers_valid_questions_and_leaves_the_rest_to_the_route(client):
    search = LANES["/api/v1/enterprises"]
    answer = client.portal.call(
        search.answer, _scope(client, "/api/v1/enterprises", "q=%E9%87%91%E9%BC%8E"), _receive()
    )
    assert answer.status_code == 200 and b"\\u91d1\\u9f0e" not in answer.body
    assert "金鼎" in answer.body.decode()
    for query in ("", "q=%E9%87%91%E9%BC%8E&page=0", "q=x&size=abc"):
        assert (
            client.portal.call(
                search.answer, _scope(client, "/api/v1/enterprises", query), _receive()
            )
            is None
        ), query
    profile = LANES["/api/v1/enterprises/{code}"]
    code = credit_code(1)
    found = client.portal.call(
        profile.answer, _scope(client, f"/api/v1/enterprises/{code}", ""), _receive()
    )
    assert found.status_code == 200 and code in found.body.decode()
    # A domain error raised by the route's function: the app's problem details, from the lane.
    missing = client.portal.call(
        profile.answer, _scope(client, f"/api/v1/enterprises/{credit_code(99)}", ""), _receive()
    )
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
