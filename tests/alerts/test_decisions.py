"""An operator reviews the alerts: lists the open ones, acknowledges a blacklist proposal, dismisses
a warning; a dismissed alert stays dismissed. Through the service and through the JSON API."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.alerts.drive import VIOLENT, alerts, collector, revoked, sync_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.alerts import api
from xinyong.alerts.rules import load_rules
from xinyong.alerts.service import (
    AlertAlreadyDecided,
    AlertNotDismissed,
    decide,
    list_alerts,
    restore,
)
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

    with pytest.raises(InvalidInput) as caught:
        decide(session, raised["warning"], "dismissed", "审核员李娜", "  ")
    assert caught.value.message_zh.startswith("驳回预警须说明理由")
    assert "reason" in caught.value.message_en and caught.value.detail["field"] == "reason"
    decide(session, raised["warning"], "dismissed", "审核员李娜", "名称含“讨债”，但已更名")
    session.commit()
    with pytest.raises(AlertAlreadyDecided) as caught:
        decide(session, raised["warning"], "acknowledged", "审核员王强")
    assert "已驳回" in caught.value.message_zh and "dismissed" in caught.value.message_en
    with pytest.raises(InvalidInput):
        decide(session, proposal.id, "open", "审核员王强")
    with pytest.raises(NotFound):
        decide(session, 999_999, "dismissed", "审核员王强", "误报")
    with pytest.raises(InvalidInput, match="status"):
        list_alerts(session, status="closed")


def test_an_operator_decides_alerts_through_the_api(raised, engine, session):
    """审核员李娜 decides with her key: the history names her, whatever the body says; a body
    naming a colleague is refused before anything changes (decision 0062)."""
    from xinyong.accounts import service as accounts

    operator = accounts.create_user(
        session, "lina@example.cn", roles=["operator"], display_name="审核员李娜"
    )
    key = accounts.issue_api_key(session, operator, "desk", scopes=["read", "operator"])
    session.commit()
    lina = "审核员李娜 (desk) <lina@example.cn>"  # the account, and which of its keys
    app = create_app(engine)
    app.include_router(api.router)
    with TestClient(app) as client:
        listed = client.get("/api/v1/alerts", params={"kind": "propose_blacklist"}).json()
        assert [(a["kind"], a["credit_code"]) for a in listed] == [
            ("propose_blacklist", credit_code(1))
        ]
        assert listed[0]["evidence"]["changes"]["status"]["new"] == "吊销"

        url = f"/api/v1/alerts/{listed[0]['id']}/decision"
        anyone = client.post(url, json={"status": "acknowledged"})
        assert anyone.status_code == 403  # operators only
        impostor = client.post(
            url, json={"status": "acknowledged", "by": "审核员王强"}, headers=key.headers
        )
        assert impostor.status_code == 403
        assert impostor.headers["content-type"].startswith("application/problem+json")
        problem = impostor.json()
        assert problem["type"] == "urn:xinyong:problem:not_the_caller"
        assert "“审核员王强”不是当前操作员" in problem["detail_zh"]
        assert "is not the calling operator" in problem["detail_en"]
        assert (
            client.get("/api/v1/alerts", params={"status": "open"}).json()[-1]["id"]
            == (listed[0]["id"])
        )  # refused before anything changed

        ok = client.post(url, json={"status": "acknowledged"}, headers=key.headers)
        assert ok.status_code == 200 and ok.json()["status"] == "acknowledged"
        assert ok.json()["decided_by"] == lina
        assert (
            client.get("/api/v1/alerts", params={"status": "acknowledged"}).json()[0]["id"]
            == (listed[0]["id"])
        )

        # An older client still sending its own name (display name or e-mail) is answered.
        again = client.post(
            url, json={"status": "acknowledged", "by": "审核员李娜"}, headers=key.headers
        )
        assert again.status_code == 409
        assert again.headers["content-type"].startswith("application/problem+json")
        assert "已确认" in again.json()["detail_zh"]
        bad = client.get("/api/v1/alerts", params={"status": "closed"})
        assert bad.status_code == 422

        unexplained = client.post(url, json={"status": "dismissed"}, headers=key.headers)
        assert unexplained.status_code == 422 and "理由" in unexplained.json()["detail_zh"]
        client.post(
            url,
            json={"status": "dismissed", "by": "lina@example.cn", "reason": "同名企业"},
            headers=key.headers,
        )
        restore_url = f"/api/v1/alerts/{listed[0]['id']}/restore"
        body = {"reason": "信用代码一致，驳回有误"}
        assert client.post(restore_url, json=body).status_code == 403
        forged = client.post(restore_url, json={**body, "by": "审核员王强"}, headers=key.headers)
        assert forged.status_code == 403 and forged.json()["type"].endswith(":not_the_caller")
        restored = client.post(restore_url, json=body, headers=key.headers).json()
        assert restored["status"] == "acknowledged"
        assert [(h["action"], h["decided_by"]) for h in restored["history"]] == [
            ("acknowledged", lina),
            ("dismissed", lina),
            ("restored", lina),
        ]
        assert restored["history"][1]["reason"] == "同名企业"


def test_with_the_operator_token_the_decision_is_in_the_x_operator_name(
    raised, engine, monkeypatch
):
    """The break-glass token names its holder in X-Operator, as on every operator route; a body
    name other than that one is refused, and without the header the API says what to send."""
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", "alerts-token")
    app = create_app(engine)
    app.include_router(api.router)
    token = {"Authorization": "Bearer alerts-token"}
    url = f"/api/v1/alerts/{raised['warning']}/decision"
    with TestClient(app) as client:
        nameless = client.post(url, json={"status": "acknowledged"}, headers=token)
        assert nameless.status_code == 422 and "X-Operator" in nameless.json()["detail_zh"]
        named = {**token, "X-Operator": "%E5%AE%A1%E6%A0%B8%E5%91%98%E7%8E%8B%E5%BC%BA"}
        other = client.post(url, json={"status": "acknowledged", "by": "审核员李娜"}, headers=named)
        assert other.status_code == 403 and "审核员王强" in other.json()["detail_zh"]
        done = client.post(url, json={"status": "acknowledged", "by": "审核员王强"}, headers=named)
        assert done.status_code == 200 and done.json()["decided_by"] == "审核员王强"


def test_a_wrong_dismissal_is_restored_with_its_reason_and_the_history_says_who_and_why(
    raised, session
):
    """李娜 acknowledges the blacklist proposal, 王强 dismisses it by mistake; 李娜 restores it:
    it is acknowledged again, and its history keeps all three decisions with their reasons."""
    proposal = raised["propose_blacklist"]
    decide(session, proposal, "acknowledged", "审核员李娜")
    decide(session, proposal, "dismissed", "审核员王强", "以为是同名企业")
    session.commit()
    with pytest.raises(InvalidInput) as caught:
        restore(session, proposal, "审核员李娜", "")
    assert "恢复预警须说明理由" in caught.value.message_zh and "reason" in caught.value.message_en
    with pytest.raises(AlertNotDismissed):
        restore(session, raised["warning"], "审核员李娜", "无须恢复")

    back = restore(session, proposal, "审核员李娜", "核对信用代码后确为本企业")
    session.commit()
    assert back.status == "acknowledged" and back.decided_by == "审核员李娜"
    assert [(h.action, h.to_status, h.decided_by, h.reason) for h in back.history] == [
        ("acknowledged", "acknowledged", "审核员李娜", None),
        ("dismissed", "dismissed", "审核员王强", "以为是同名企业"),
        ("restored", "acknowledged", "审核员李娜", "核对信用代码后确为本企业"),
    ]
    assert [a.id for a in list_alerts(session, status="acknowledged")] == [proposal]
    # Restored, it can be dismissed again — with a reason — and restored again.
    decide(session, proposal, "dismissed", "审核员王强", "复核：信用代码属另一企业")
    assert restore(session, proposal, "审核员李娜", "复核有误").status == "acknowledged"
