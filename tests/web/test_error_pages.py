"""A browser that takes a wrong turn gets a page in the portal's layout; the API keeps answering
RFC 9457 problem details."""

from __future__ import annotations

from fastapi.testclient import TestClient

from xinyong.api.app import create_app
from xinyong.db import make_engine

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


def test_an_unknown_page_is_a_portal_page_with_a_way_back(client):
    response = client.get("/no-such-page", headers=BROWSER)
    assert response.status_code == 404
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    assert "页面不存在" in html and "/no-such-page" in html
    assert 'nav class="main"' in html and 'href="/search"' in html and 'role="alert"' in html
    english = client.get("/no-such-page?lang=en", headers=BROWSER).text
    assert "Page not found" in english and "页面不存在" not in english


def test_the_api_and_scripts_still_get_problem_details(client):
    for path, headers in (
        ("/api/v1/no-such-thing", BROWSER),
        ("/no-such-page", {"Accept": "application/json"}),
        ("/no-such-page", {}),
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["status"] == 404


def test_bad_page_parameters_are_explained_on_a_page(client):
    response = client.get("/search", params={"q": "律师", "page": "two"}, headers=BROWSER)
    assert response.status_code == 422
    assert "输入无效" in response.text and "page" in response.text
    api = client.get("/api/v1/enterprises", params={"page": "two"}, headers=BROWSER)
    assert api.status_code == 422 and api.json()["type"] == "urn:xinyong:problem:invalid_input"


def test_a_server_error_is_a_calm_page_for_people_and_a_problem_for_the_api(tmp_path):
    # A database nobody migrated: every read fails, as a real outage would.
    app = create_app(make_engine(f"sqlite:///{tmp_path / 'unmigrated.db'}"))
    with TestClient(app, raise_server_exceptions=False) as client:
        page = client.get("/", headers=BROWSER)
        assert page.status_code == 500 and "服务器出错了" in page.text
        assert "Traceback" not in page.text and "no such table" not in page.text
        api = client.get("/api/v1/enterprises?q=test")
        assert api.status_code == 500
        assert api.json()["type"] == "urn:xinyong:problem:internal_error"
