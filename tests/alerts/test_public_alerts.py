"""What the public sees of the platform's alerts (decision 0061): 审核员李娜 acknowledges the
blacklist proposal about a collector revoked for violence, 审核员王强 dismisses the warning about
a firm whose name says 讨债 as a false alarm. A visitor, a creditor and the watch list see the
proposal without either name and never see the dismissed warning; operators and auditors see it
all, with who decided and why — through the API and on the /alerts page."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.alerts.drive import VIOLENT, collector, revoked, sync_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.accounts import service as accounts
from xinyong.alerts.rules import load_rules
from xinyong.alerts.service import decide
from xinyong.api.app import create_app

TOKEN = "alerts-operator-token"
NAMES = ("审核员李娜", "审核员王强")
WHY = "名称含“讨债”，实为同名软件公司，经营范围不含催收"
COLLECTOR, NAMESAKE = credit_code(1), credit_code(2)


@pytest.fixture
def decided(tmp_path, engine, session):
    """Day 1's alerts, decided: the proposal acknowledged, the warning dismissed with a reason."""
    rows = [
        revoked(collector(1, "连云港市海州区鑫诚商务信息咨询有限公司"), VIOLENT),
        enterprise_row(2, 企业名称="连云港市海州区速达讨债服务有限公司"),
    ]
    sync_enterprises(engine, tmp_path, rows, load_rules())
    from xinyong.alerts.service import list_alerts

    ids = {a.kind: a.id for a in list_alerts(session, full=True)}
    decide(session, ids["propose_blacklist"], "acknowledged", NAMES[0])
    decide(session, ids["warning"], "dismissed", NAMES[1], WHY)
    session.commit()
    return ids


@pytest.fixture
def client(engine, monkeypatch):
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    with TestClient(create_app(engine)) as c:
        yield c


def _key(session, email: str, role: str | None, scopes: list[str]) -> dict[str, str]:
    user = accounts.create_user(session, email, roles=[role] if role else [])
    key = accounts.issue_api_key(session, user, "desk", scopes=scopes)
    session.commit()
    return key.headers


def _says_nothing_internal(text: str) -> None:
    for name in NAMES:
        assert name not in text
    assert WHY not in text


def test_a_visitor_sees_the_proposal_but_not_who_decided_why_nor_the_dismissed_warning(
    decided, client, session
):
    answer = client.get("/api/v1/alerts")
    assert answer.status_code == 200
    _says_nothing_internal(answer.text)
    [alert] = answer.json()
    assert (alert["id"], alert["status"]) == (decided["propose_blacklist"], "acknowledged")
    assert alert["credit_code"] == COLLECTOR and alert["decided_at"] is not None
    assert "decided_by" not in alert and "history" not in alert
    assert "Cookie" in answer.headers["vary"]
    # Filtered by the dismissed warning's firm, or by its kind: nothing.
    assert client.get("/api/v1/alerts", params={"credit_code": NAMESAKE}).json() == []
    assert client.get("/api/v1/alerts", params={"kind": "warning"}).json() == []

    asked = client.get("/api/v1/alerts", params={"status": "dismissed"})
    assert asked.status_code == 403
    assert "已驳回的预警" in asked.json()["detail_zh"] and "not public" in asked.json()["detail_en"]
    _says_nothing_internal(asked.text)

    # A signed-in creditor's key is an ordinary caller: the same public shape.
    creditor = _key(session, "buyer@example.cn", "creditor", ["read"])
    assert client.get("/api/v1/alerts", headers=creditor).json() == answer.json()
    assert (
        client.get("/api/v1/alerts", params={"status": "dismissed"}, headers=creditor).status_code
        == 403
    )


def test_operators_and_auditors_see_every_alert_with_who_decided_and_why(decided, client, session):
    operator = _key(session, "ops@example.cn", "operator", ["read", "operator"])
    auditor = _key(session, "audit@example.cn", "auditor", ["read"])
    # An operator's key without the operator scope does not act as one: the public shape.
    narrowed = _key(session, "ops2@example.cn", "operator", ["read"])
    token = {"Authorization": f"Bearer {TOKEN}"}
    for headers in (operator, auditor, token):
        answer = client.get("/api/v1/alerts", headers=headers)
        assert answer.status_code == 200 and answer.headers["cache-control"] == "private, no-store"
        by_id = {a["id"]: a for a in answer.json()}
        warning, proposal = by_id[decided["warning"]], by_id[decided["propose_blacklist"]]
        assert (warning["status"], warning["decided_by"]) == ("dismissed", NAMES[1])
        assert [(h["action"], h["decided_by"], h["reason"]) for h in warning["history"]] == [
            ("dismissed", NAMES[1], WHY)
        ]
        assert proposal["decided_by"] == NAMES[0]
        dismissed = client.get("/api/v1/alerts", params={"status": "dismissed"}, headers=headers)
        assert [a["id"] for a in dismissed.json()] == [decided["warning"]]

    public = client.get("/api/v1/alerts", headers=narrowed)
    assert [a["id"] for a in public.json()] == [decided["propose_blacklist"]]
    _says_nothing_internal(public.text)


def test_the_alerts_page_shows_the_public_the_public_shape_and_staff_everything(
    decided, client, session
):
    page = client.get("/alerts", params={"status": ""})
    assert page.status_code == 200 and COLLECTOR in page.text
    _says_nothing_internal(page.text)
    assert NAMESAKE not in page.text and "已确认" in page.text
    assert 'value="dismissed"' not in page.text  # no filter for what the public cannot see
    refused = client.get("/alerts", params={"status": "dismissed"})
    assert refused.status_code == 403 and "已驳回的预警" in refused.text
    _says_nothing_internal(refused.text)

    # The operator signed in on the console (the token's form) reads the same page in full.
    client.post("/operator/login", data={"name": NAMES[0], "token": TOKEN, "next": "/alerts"})
    staff = client.get("/alerts", params={"status": ""})
    assert staff.headers["cache-control"] == "private, no-store"
    assert NAMESAKE in staff.text and f"驳回 · {NAMES[1]}" in staff.text and WHY in staff.text
    assert 'value="dismissed"' in staff.text
    client.post("/operator/logout")

    # So does an auditor's account, signed in on the site.
    user = accounts.create_user(session, "audit@example.cn", roles=["auditor"])
    session_token, _ = accounts.start_session(session, user)
    session.commit()
    client.cookies.set("xy_session", session_token)
    dismissed = client.get("/alerts", params={"status": "dismissed"})
    assert (
        dismissed.status_code == 200 and WHY in dismissed.text and COLLECTOR not in dismissed.text
    )


def test_the_watch_list_counts_only_the_flags_the_public_sees(decided, client, session):
    """A creditor watches both firms: the dismissed warning is no flag on its watch list, and
    nothing there names an operator or a reason."""
    watcher = _key(session, "watcher@example.cn", None, ["read", "write"])
    for code in (COLLECTOR, NAMESAKE):
        assert (
            client.post(
                "/api/v1/watchlist", json={"credit_code": code}, headers=watcher
            ).status_code
            == 201
        )
    watched = client.get("/api/v1/watchlist", headers=watcher)
    flags = {w["credit_code"]: w["records"]["flags"] for w in watched.json()}
    assert flags == {COLLECTOR: 1, NAMESAKE: 0}
    alerts = client.get("/api/v1/watchlist/alerts", headers=watcher)
    assert alerts.status_code == 200
    _says_nothing_internal(watched.text + alerts.text)
