"""In the browser: sign in through the form (or the header's link), see the roles and the
organisation, create a key shown once, revoke it with the page's CSRF token, sign out."""

from __future__ import annotations

import re

from tests.accounts.conftest import PASSWORD


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def test_a_creditor_signs_in_makes_a_key_and_revokes_it_in_the_browser(client, people):
    assert client.get("/account", follow_redirects=False).headers["location"] == "/login"
    wrong = client.post("/login", data={"email": "cred@example.cn", "password": "nope nope nope"})
    assert wrong.status_code == 400 and "邮箱或密码不正确" in wrong.text

    home = client.post("/login", data={"email": "cred@example.cn", "password": PASSWORD})
    assert home.status_code == 200 and "债权人" in home.text and people.creditor_code in home.text
    # Its organisation's state in words, and the way to its workspace.
    firm = re.search(
        rf'<section class="org".*?{people.creditor_code}.*?</section>', home.text, re.S
    )
    assert "已批准" in firm[0] and 'href="/workspace/creditor"' in firm[0]
    csrf = _csrf(home.text)
    # A creditor may unmask for a stated purpose, but is no operator: no key scope it could
    # never use is offered.
    offered = set(re.findall(r'name="scopes" value="(\w+)"', home.text))
    assert offered == {"read", "persons", "unmask", "write"}

    forged = client.post("/account/api-keys", data={"name": "偷偷", "scopes": ["read"]})
    assert forged.status_code == 403
    made = client.post(
        "/account/api-keys", data={"name": "财务系统", "scopes": ["read"], "csrf_token": csrf}
    )
    assert made.status_code == 201
    token = re.search(r'<code id="new-key">([^<]+)</code>', made.text).group(1)
    assert client.get("/account").text.count(token) == 0  # shown once only

    key_id = re.findall(r"/account/api-keys/(\d+)/revoke", made.text)[-1]
    client.post(f"/account/api-keys/{key_id}/revoke", data={"csrf_token": csrf})
    assert "已吊销" in client.get("/account").text
    client.post("/logout", data={"csrf_token": csrf})
    assert client.get("/account", follow_redirects=False).status_code == 303


def test_the_operator_reads_reset_links_in_the_outbox_page(client, people):
    client.post("/password-reset", data={"email": "agent@example.cn"})
    # Like every console page, a stranger is sent to sign in.
    stranger = client.get("/operator/outbox", follow_redirects=False)
    assert stranger.status_code == 303
    assert stranger.headers["location"] == "/operator/login?next=/operator/outbox"
    home = client.post("/login", data={"email": "op@example.cn", "password": PASSWORD})
    assert 'href="/operator/outbox"' in home.text and 'href="/operator/audit"' in home.text
    page = client.get("/operator/outbox")
    assert page.status_code == 200 and "agent@example.cn" in page.text
    # The link leaves the site by e-mail: it must be whole, not a bare path.
    link = re.search(r"(\S+/password-reset\?token=([\w-]+))", page.text)
    assert link.group(1).startswith(str(client.base_url))
    token = link.group(2)
    form = client.get(f"/password-reset?token={token}")
    assert 'name="token"' in form.text


def test_pages_carry_security_headers_that_let_the_charts_load(client):
    page = client.get("/login")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self' 'unsafe-inline'" in csp and "frame-ancestors 'none'" in csp
    assert page.headers["x-content-type-options"] == "nosniff"
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["strict-transport-security"].startswith("max-age=")
    api = client.get("/api/v1/me")
    assert api.headers["x-content-type-options"] == "nosniff"


def test_the_header_sign_in_link_takes_a_signed_in_person_to_their_account(client, people):
    front = client.get("/").text
    assert re.search(
        r'<header class="site">.*?<a class="account" href="/login">登录 / 注册</a>', front, re.S
    )
    assert client.get("/login").status_code == 200
    client.post("/login", data={"email": "cred@example.cn", "password": PASSWORD})
    # The front page is the same for everyone (it is cached whole); /login knows who is signed in.
    assert 'href="/login">登录 / 注册' in client.get("/").text
    again = client.get("/login", follow_redirects=False)
    assert again.status_code == 303 and again.headers["location"] == "/account"
    onward = client.get("/login?next=/workspace/creditor", follow_redirects=False)
    assert onward.headers["location"] == "/workspace/creditor"


def test_signing_in_from_a_page_returns_to_that_page_and_never_to_another_site(client, people):
    form = client.get("/login?next=/workspace/creditor").text
    assert 'name="next" value="/workspace/creditor"' in form
    back = client.post(
        "/login",
        data={"email": "cred@example.cn", "password": PASSWORD, "next": "/workspace/creditor"},
        follow_redirects=False,
    )
    assert back.headers["location"] == "/workspace/creditor"
    away = client.post(
        "/login",
        data={"email": "cred@example.cn", "password": PASSWORD, "next": "//evil.example/x"},
        follow_redirects=False,
    )
    assert away.headers["location"] == "/account"
