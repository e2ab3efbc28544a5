"""A person signs in with a password, gets a secure session cookie, and needs the page's CSRF token
to change anything; a bootstrap operator comes from the command line."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta

import pytest
from sqlalchemy import select

from tests.accounts.conftest import PASSWORD
from xinyong.accounts import service
from xinyong.accounts.errors import AccountLocked, BadCredentials
from xinyong.accounts.models import User, WebSession
from xinyong.types import utcnow


def _xinyong(*args: str, database_url: str, password: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, XINYONG_DATABASE_URL=database_url, XINYONG_NEW_PASSWORD=password)
    return subprocess.run(
        [sys.executable, "-m", "xinyong", *args], env=env, capture_output=True, text=True
    )


def test_an_operator_bootstrapped_from_the_shell_signs_in_and_creates_a_colleague(
    database_url, session, client
):
    made = _xinyong(
        "accounts",
        "create-user",
        "Chief@Example.cn",
        "--role",
        "operator",
        "--name",
        "王主任",
        database_url=database_url,
        password=PASSWORD,
    )
    assert made.returncode == 0, made.stderr
    stored = session.scalar(select(User).where(User.email == "chief@example.cn"))
    assert stored.roles == ["operator"] and stored.password_hash.startswith("$argon2id$")

    signed = client.post(
        "/api/v1/auth/login", json={"email": "chief@example.cn", "password": PASSWORD}
    )
    assert signed.status_code == 200, signed.text
    cookie = signed.headers["set-cookie"]
    assert "xy_session=" in cookie and "HttpOnly" in cookie and "Secure" in cookie
    assert "samesite=lax" in cookie.lower()
    csrf = signed.json()["csrf_token"]
    # The database keeps only the hash of the cookie's token.
    token = client.cookies.get("xy_session")
    assert session.scalar(select(WebSession.id).where(WebSession.token_hash == token)) is None

    me = client.get("/api/v1/me").json()
    assert me["roles"] == ["operator"] and me["name"] == "王主任"

    colleague = {"email": "li@example.cn", "password": PASSWORD, "roles": ["auditor"]}
    forged = client.post("/api/v1/operator/users", json=colleague)
    assert forged.status_code == 403 and "CSRF" in forged.json()["detail_en"]
    made = client.post("/api/v1/operator/users", json=colleague, headers={"X-CSRF-Token": csrf})
    assert made.status_code == 201 and made.json()["roles"] == ["auditor"]

    assert client.post("/api/v1/auth/logout", headers={"X-CSRF-Token": csrf}).status_code == 204
    client.cookies.set("xy_session", token)  # an old cookie replayed after sign-out
    assert client.get("/api/v1/me").json()["kind"] == "anonymous"


def test_a_wrong_password_says_so_without_telling_which_part_was_wrong(client, people):
    for email in ("cred@example.cn", "nobody@example.cn"):
        r = client.post("/api/v1/auth/login", json={"email": email, "password": "wrong password"})
        assert r.status_code == 401
        assert r.json()["detail_zh"] == "邮箱或密码不正确"


def test_repeated_failures_lock_the_account_for_a_while(session, people):
    now = utcnow()
    for _ in range(4):
        with pytest.raises(BadCredentials):
            service.authenticate(session, "cred@example.cn", "guess guess guess", now)
    with pytest.raises(BadCredentials):  # the fifth failure locks it
        service.authenticate(session, "cred@example.cn", "guess guess guess", now)
    with pytest.raises(AccountLocked) as locked:  # even the right password waits
        service.authenticate(session, "cred@example.cn", PASSWORD, now + timedelta(minutes=5))
    assert "locked until" in locked.value.message_en
    later = now + timedelta(minutes=16)
    assert service.authenticate(session, "cred@example.cn", PASSWORD, later).email == (
        "cred@example.cn"
    )


def test_a_locked_account_answers_423_over_http(client, people):
    for _ in range(5):
        client.post("/api/v1/auth/login", json={"email": "cred@example.cn", "password": "x" * 12})
    r = client.post("/api/v1/auth/login", json={"email": "cred@example.cn", "password": PASSWORD})
    assert r.status_code == 423 and "锁定" in r.json()["detail_zh"]


def test_a_forgotten_password_is_reset_once_through_the_outbox(client, people):
    asked = client.post("/api/v1/auth/password-reset", json={"email": "cred@example.cn"})
    unknown = client.post("/api/v1/auth/password-reset", json={"email": "who@example.cn"})
    assert asked.status_code == unknown.status_code == 202 and asked.json() == unknown.json()

    outbox = client.get("/api/v1/operator/outbox", headers=people.operator.headers).json()
    assert [m["recipient"] for m in outbox] == ["cred@example.cn"]
    token = outbox[0]["body"].split("token=")[1].split()[0]

    new = "a much better passphrase"
    short = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": "x"}
    )
    assert short.status_code == 422 and short.json()["field"] == "password"
    done = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": new}
    )
    assert done.status_code == 204
    again = client.post(
        "/api/v1/auth/password-reset/confirm", json={"token": token, "password": new}
    )
    assert again.status_code == 422 and again.json()["field"] == "token"
    old = client.post("/api/v1/auth/login", json={"email": "cred@example.cn", "password": PASSWORD})
    assert old.status_code == 401
    ok = client.post("/api/v1/auth/login", json={"email": "cred@example.cn", "password": new})
    assert ok.status_code == 200


def test_bad_registration_input_names_the_field(client):
    bad = client.post("/api/v1/auth/register", json={"email": "not-an-email", "password": PASSWORD})
    assert bad.status_code == 422 and bad.json()["field"] == "email"
    assert "name@domain" in bad.json()["detail_en"]
    ok = client.post(
        "/api/v1/auth/register", json={"email": "new@example.cn", "password": PASSWORD}
    )
    assert ok.status_code == 201 and ok.json()["roles"] == ["visitor"]
    twice = client.post(
        "/api/v1/auth/register", json={"email": "NEW@example.cn", "password": PASSWORD}
    )
    assert twice.status_code == 409
