"""The guard's security headers: added to every answer once, never over an answer's own."""

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.testclient import TestClient

from xinyong.accounts.middleware import CSP, DOCS_CSP, GuardMiddleware


def _app() -> FastAPI:
    app = FastAPI()
    app.add_middleware(GuardMiddleware)

    @app.get("/plain")
    def plain():
        return {"ok": True}

    @app.get("/framed")
    def framed():
        # An answer meant to be framed by our own pages says so itself.
        return JSONResponse({"ok": True}, headers={"X-Frame-Options": "SAMEORIGIN"})

    return app


def test_every_answer_carries_each_security_header_once():
    answer = TestClient(_app()).get("/plain")
    for name in (
        "x-content-type-options",
        "x-frame-options",
        "referrer-policy",
        "permissions-policy",
        "cross-origin-opener-policy",
        "content-security-policy",
    ):
        assert len(answer.headers.get_list(name)) == 1, name
    assert answer.headers["content-security-policy"] == CSP
    assert answer.headers["x-frame-options"] == "DENY"
    assert "strict-transport-security" not in answer.headers  # plain HTTP: no HSTS


def test_an_answer_keeps_a_header_it_sets_itself():
    answer = TestClient(_app()).get("/framed")
    assert answer.headers.get_list("x-frame-options") == ["SAMEORIGIN"]
    assert answer.headers["x-content-type-options"] == "nosniff"


def test_https_answers_add_hsts_and_the_api_docs_get_their_own_policy():
    client = TestClient(_app(), base_url="https://testserver")
    assert client.get("/plain").headers["strict-transport-security"] == "max-age=31536000"
    assert client.get("/docs").headers["content-security-policy"] == DOCS_CSP
