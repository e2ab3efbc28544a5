"""An operator reviews the alerts: lists the open ones, acknowledges a blacklist proposal, dismisses
a warning; a dismissed alert stays dismissed. Through the service and through the JSON API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.alerts.drive import VIOLENT, alerts, collector, revoked, sync_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.alerts import api
from xinyong.alerts.rules import load_rules
from xinyong.alerts.service import AlertAlreadyDecided, decide, list_alerts
from xinyong.api.app import create_app
from xinyong.errors import InvalidInput, NotFound


@pytest.fixture
def raised(tmp_path, engine, session):
    """Day 1: a collector revoked for violence, and an enterprise named 讨债 still active."""
    rows = [
        revoked(collector(1, "连云港市海州区鑫诚商务信息咨询有限公司"), VIOLENT),
        enterprise_row(2, 企业名称="连云港市海州区速达讨债服务有限公司"),
    ]
    sync_enterprises(engine, tmp_path, rows, load_rules())
    return {a.kind: a.id for a in alerts(session)}


def test_an_operator_decides_alerts_through_the_service(raised, session):
    assert [a.kind for a in list_alerts(session, status="open")] == ["warning", "propose_blacklist"]
    [proposal] = list_alerts(session, kind="propose_blacklist", credit_code=credit_code(1).lower())
    assert proposal.credit_code == credit_code(1)

    done = decide(session, proposal.id, "acknowledged", "审核员李娜")
    session.commit()
    assert (done.status, done.decided_by) == ("acknowledged", "审核员李娜")
    assert done.decided_at is not None and done.decided_at.tzinfo is not None
    assert [a.kind for a in list_alerts(session, status="open")] == ["warning"]

    decide(session, raised["warning"], "dismissed", "审核员李娜")
    session.commit()
    with pytest.raises(AlertAlreadyDecided) as caught:
        decide(session, raised["warning"], "acknowledged", "审核员王强")
    assert "已驳回" in caught.value.message_zh and "dismissed" in caught.value.message_en
    with pytest.raises(InvalidInput):
        decide(session, proposal.id, "open", "审核员王强")
    with pytest.raises(NotFound):
        decide(session, 999_999, "dismissed", "审核员王强")
    with pytest.raises(InvalidInput, match="status"):
        list_alerts(session, status="closed")


def test_an_operator_decides_alerts_through_the_api(raised, engine, session):
    from xinyong.accounts import service as accounts

    operator = accounts.create_user(session, "ops@example.cn", roles=["operator"])
    key = accounts.issue_api_key(session, operator, "desk", scopes=["read", "operator"])
    session.commit()
    app = create_app(engine)
    app.include_router(api.router)
    with TestClient(app) as client:
        listed = client.get("/api/v1/alerts", params={"kind": "propose_blacklist"}).json()
        assert [(a["kind"], a["credit_code"]) for a in listed] == [
            ("propose_blacklist", credit_code(1))
        ]
        assert listed[0]["evidence"]["changes"]["status"]["new"] == "吊销"

        url = f"/api/v1/alerts/{listed[0]['id']}/decision"
        anyone = client.post(url, json={"status": "acknowledged", "by": "审核员李娜"})
        assert anyone.status_code == 403  # operators only
        ok = client.post(
            url, json={"status": "acknowledged", "by": "审核员李娜"}, headers=key.headers
        )
        assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
        assert (
            client.get("/api/v1/alerts", params={"status": "acknowledged"}).json()[0]["id"]
            == (listed[0]["id"])
        )

        again = client.post(
            url, json={"status": "acknowledged", "by": "审核员王强"}, headers=key.headers
        )
        assert again.status_code == 409
        assert again.headers["content-type"].startswith("application/problem+json")
        assert "已确认" in again.json()["detail_zh"]
        bad = client.get("/api/v1/alerts", params={"status": "closed"})
        assert bad.status_code == 422
