"""Every route of the app, called as every role, lets in exactly the roles the declared table
names — and a route without an entry fails the test."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from fastapi.routing import iter_route_contexts
from starlette.routing import Mount

from tests.security.route_matrix import MATRIX, READ_KEY_ASKS, ROLES
from tests.support.registry_files import credit_code
from xinyong.accounts import service

# Values for path parameters: real-looking but unknown, so an allowed call ends in 404/422.
PARAMS = {"code": credit_code(7), "kind": "dishonest", "name": "gsxt", "number": "R-2026-000001"}


def app_routes(app) -> set[tuple[str, str]]:
    out = set()
    for route in iter_route_contexts(app.routes):
        if isinstance(route.original_route, Mount):
            continue
        for method in (route.methods or set()) - {"HEAD"}:
            out.add((method, route.path))
    return out


def _url(path: str) -> str:
    return re.sub(r"\{(\w+)(:\w+)?\}", lambda m: PARAMS.get(m.group(1), "999999"), path)


# The problems that mean "not you": a wrong password at sign-in (bad_credentials) is not one.
DENIALS = {
    "not_signed_in",
    "forbidden",
    "operators_closed",
    "operator_token_required",
    "csrf_refused",
}


def _denied(response) -> bool:
    if response.is_redirect:  # to a sign-in page: the accounts' or the console's own
        return urlsplit(response.headers.get("location", "")).path.endswith("/login")
    if response.headers.get("content-type", "").startswith("application/problem+json"):
        return response.json()["type"].rsplit(":", 1)[-1] in DENIALS
    return response.status_code in (401, 403)


def test_every_route_has_an_entry_and_every_entry_a_route(app):
    routes = app_routes(app)
    missing = sorted(routes - MATRIX.keys())
    stale = sorted(MATRIX.keys() - routes)
    assert not missing, f"routes without an entry in tests/security/route_matrix.py: {missing}"
    assert not stale, f"entries in tests/security/route_matrix.py without a route: {stale}"


def test_every_route_lets_in_exactly_the_declared_roles(app, client, credentials):
    wrong = []
    # Sign-out last: it ends the session the other calls ride on.
    ordered = sorted(app_routes(app), key=lambda r: ("logout" in r[1], r))
    for method, path in ordered:
        for role in ROLES:
            cred = credentials[role]
            client.cookies.clear()
            for name, value in cred["cookies"].items():
                client.cookies.set(name, value)
            kwargs = {"headers": cred["headers"], "follow_redirects": False}
            if method in ("POST", "PUT", "PATCH"):
                kwargs["json"] = {}
            response = client.request(method, _url(path), **kwargs)
            if response.status_code >= 500:
                wrong.append(f"{method} {path} as {role}: server error {response.status_code}")
                continue
            allowed = role in MATRIX[(method, path)]
            if allowed == _denied(response):
                wrong.append(
                    f"{method} {path} as {role}: expected {'allowed' if allowed else 'denied'}, "
                    f"got {response.status_code} {response.text[:100]!r}"
                )
    assert not wrong, "\n".join(wrong)


def test_a_read_only_key_may_ask_but_never_change_anything(app, client, session):
    machine = service.create_user(session, "reader@example.cn", roles=["api_client"])
    reader = service.issue_api_key(
        session, machine, "reader", scopes=["read", "persons", "unmask"], daily_quota=None
    )
    session.commit()
    wrong = []
    for method, path in sorted(app_routes(app)):
        if method == "GET" or "api_client" not in MATRIX[(method, path)]:
            continue
        kwargs = {"headers": reader.headers, "follow_redirects": False}
        if method in ("POST", "PUT", "PATCH"):
            kwargs["json"] = {}
        response = client.request(method, _url(path), **kwargs)
        read_only = response.status_code == 403 and "is read-only" in response.text
        if response.status_code >= 500 or read_only == ((method, path) in READ_KEY_ASKS):
            wrong.append(f"{method} {path}: {response.status_code} {response.text[:100]!r}")
    assert not wrong, "\n".join(wrong)
