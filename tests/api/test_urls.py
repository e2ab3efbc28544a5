"""Links to named routes: the remembered look-up gives what Starlette's own would."""

import pytest
from fastapi import FastAPI, Request
from fastapi.testclient import TestClient
from starlette.routing import NoMatchFound

from xinyong.api.urls import url_for


def _app() -> FastAPI:
    app = FastAPI()

    @app.get("/verifications/{verification_id}", name="verification_page")
    def page(verification_id: str) -> dict:
        return {}

    @app.get("/cases/{number:int}/files/{file}", name="case_file")
    def case_file(number: int, file: str) -> dict:
        return {}

    @app.get("/links/{route}")
    def links(route: str, request: Request) -> dict:
        made = {}
        for who, make in (("ours", url_for), ("starlette", type(request).url_for)):
            try:
                made[who] = str(make(request, route, **request.query_params))
            except NoMatchFound as exc:
                made[who] = f"error: {exc}"
        return made

    return app


@pytest.mark.parametrize(
    "route, params",
    [
        ("verification_page", {"verification_id": "V-20261129-0001"}),
        ("verification_page", {"verification_id": "核验{0}"}),  # braces in a value stay
        ("case_file", {"number": "7", "file": "借条.jpg"}),  # a typed parameter
        ("verification_page", {}),  # a parameter missing
        ("no_such_page", {}),
    ],
)
def test_a_link_is_the_one_starlette_would_make(route, params):
    with TestClient(_app(), base_url="https://xinyong.example") as client:
        for _ in range(2):  # the second time from the remembered template
            answer = client.get(f"/links/{route}", params=params).json()
            assert answer["ours"] == answer["starlette"]


def test_the_link_follows_the_host_the_visitor_used():
    with TestClient(_app()) as client:
        links = [
            client.get(
                "/links/verification_page",
                params={"verification_id": "abc"},
                headers={"host": host},
            ).json()["ours"]
            for host in ("a.example", "b.example:8443")
        ]
    assert links == [
        "http://a.example/verifications/abc",
        "http://b.example:8443/verifications/abc",
    ]


@pytest.mark.parametrize(
    "base_url, root_path",
    [("http://a.example", ""), ("https://b.example:8443", ""), ("https://c.example", "/xinyong")],
)
def test_a_site_behind_a_prefix_or_another_scheme_links_as_starlette_would(base_url, root_path):
    with TestClient(_app(), base_url=base_url, root_path=root_path) as client:
        for _ in range(2):  # the second time from the remembered prefix
            answer = client.get(
                "/links/verification_page", params={"verification_id": "abc"}
            ).json()
            assert answer["ours"] == answer["starlette"]
            assert answer["ours"].startswith(base_url + root_path + "/")


def test_many_made_up_hosts_still_each_get_their_own_link():
    # The Host header is the client's: the remembered prefixes are capped, never wrong.
    with TestClient(_app()) as client:
        for n in range(100):
            answer = client.get(
                "/links/verification_page",
                params={"verification_id": "abc"},
                headers={"host": f"h{n}.example"},
            ).json()
            assert answer["ours"] == answer["starlette"] == f"http://h{n}.example/verifications/abc"
