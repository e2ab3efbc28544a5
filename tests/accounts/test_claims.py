"""A contested organisation claim is settled by an operator: the person turned away with 409
files a dispute, the operator sees the organisation's members, removes the false registrant,
upholds the dispute, and each person reads the outcome — without the filer ever seeing the
other account's e-mail."""

from __future__ import annotations

from sqlalchemy import select

from xinyong.accounts import claims, service
from xinyong.accounts.models import AccessAudit
from xinyong.accounts.principal import for_user

STATEMENT = "本人王敏系该公司财务负责人，持有营业执照副本及公司授权书，可提供核验。"


def test_an_operator_settles_a_contested_claim_and_each_person_reads_the_outcome(
    client, session, people
):
    code = people.creditor_code  # registered by cred@example.cn, whose key speaks for it
    wang = service.create_user(session, "wang@example.cn", password="p" * 12, display_name="王敏")
    wang_key = service.issue_api_key(session, wang, "mine", scopes=["read", "write"])
    session.commit()

    taken = client.post(
        "/api/v1/organisations",
        json={"credit_code": code, "name": "连云港甲贸易有限公司", "kind": "creditor"},
        headers=wang_key.headers,
    )
    assert taken.status_code == 409 and "contest" in taken.json()["detail_en"]

    short = client.post(
        "/api/v1/claim-disputes",
        json={"credit_code": code, "statement": "是我的"},
        headers=wang_key.headers,
    )
    assert short.status_code == 422 and short.json()["field"] == "statement"
    filed = client.post(
        "/api/v1/claim-disputes",
        json={"credit_code": code, "statement": STATEMENT},
        headers=wang_key.headers,
    )
    assert filed.status_code == 201, filed.text
    assert filed.json()["state"] == "open" and filed.json()["org_name"] == "连云港甲贸易有限公司"
    again = client.post(
        "/api/v1/claim-disputes",
        json={"credit_code": code, "statement": STATEMENT},
        headers=wang_key.headers,
    )
    assert again.status_code == 409
    mine = client.get("/api/v1/claim-disputes", headers=wang_key.headers)
    assert "cred@example.cn" not in filed.text + mine.text  # the other account stays private

    # Only operators see the queue, with who filed and who holds the organisation.
    assert (
        client.get("/api/v1/operator/claim-disputes", headers=wang_key.headers).status_code == 403
    )
    queue = client.get("/api/v1/operator/claim-disputes", headers=people.operator.headers).json()
    assert [(d["credit_code"], d["filer_email"]) for d in queue] == [(code, "wang@example.cn")]
    org_id = queue[0]["org_id"]
    org = client.get(f"/api/v1/operator/organisations/{org_id}", headers=people.operator.headers)
    assert [m["email"] for m in org.json()["members"]] == ["cred@example.cn"]

    # The operator removes the false registrant (a reason is required) ...
    cred = service.user_by_email(session, "cred@example.cn")
    path = f"/api/v1/operator/organisations/{org_id}/members/{cred.id}/remove"
    no_reason = client.post(path, json={"reason": "  "}, headers=people.operator.headers)
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    removed = client.post(
        path, json={"reason": "经核实营业执照，该账户与本机构无关"}, headers=people.operator.headers
    )
    assert removed.status_code == 200 and removed.json()["members"] == []
    # ... whose key tied to the organisation no longer speaks for it.
    assert client.get("/api/v1/me", headers=people.creditor.headers).status_code == 401

    # ... and upholds the dispute: the filer joins the organisation.
    decided = client.post(
        f"/api/v1/operator/claim-disputes/{queue[0]['id']}/decision",
        json={"uphold": True, "reason": "财务负责人身份及授权书经电话核实"},
        headers=people.operator.headers,
    )
    assert decided.status_code == 200 and decided.json()["state"] == "upheld"
    twice = client.post(
        f"/api/v1/operator/claim-disputes/{queue[0]['id']}/decision",
        json={"uphold": False, "reason": "再次处理"},
        headers=people.operator.headers,
    )
    assert twice.status_code == 409

    me = client.get("/api/v1/me", headers=wang_key.headers).json()
    assert [m["credit_code"] for m in me["memberships"]] == [code]
    assert "creditor" in me["roles"]
    outcome = client.get("/api/v1/claim-disputes", headers=wang_key.headers).json()[0]
    assert (
        outcome["state"] == "upheld"
        and outcome["decision_reason"] == "财务负责人身份及授权书经电话核实"
    )
    assert "decided_by" not in outcome and "cred@example.cn" not in str(outcome)

    # The removed person is told why; the filer is told the outcome.
    session.expire_all()
    told = [(e.action, e.reason) for e, _ in claims.notices_for(session, cred.id)]
    assert told == [("member_removed", "经核实营业执照，该账户与本机构无关")]
    assert [e.action for e, _ in claims.notices_for(session, wang.id)] == ["claim_upheld"]

    # Every step is in the access audit log, where auditors read it.
    actions = session.scalars(
        select(AccessAudit.action).where(AccessAudit.record == f"account_org:{org_id}")
    ).all()
    assert actions == ["member_out", "claim_upheld"]


def test_an_operator_suspends_an_organisation_and_adds_a_member_by_email(session, people):
    operator = for_user(session, service.user_by_email(session, "op@example.cn"))
    org = service.organisation_by_code(session, people.agency_code)
    agent = service.user_by_email(session, "agent@example.cn")
    assert "agency_member" in service.effective_roles(session, agent)[0]

    claims.revoke_organisation(session, operator, org.id, "suspended", "执业许可证被暂扣，待核实")
    assert "agency_member" not in service.effective_roles(session, agent)[0]
    ((event, seen),) = claims.notices_for(session, agent.id)
    assert (event.action, seen.state, event.reason) == (
        "suspended",
        "suspended",
        "执业许可证被暂扣，待核实",
    )

    newcomer = service.create_user(session, "li@example.cn", password="p" * 12)
    claims.add_member_by_email(
        session, operator, org.id, " LI@example.cn ", "所长来函确认其为本所律师"
    )
    view = claims.review(session, code=org.credit_code)[0]
    assert [u.email for _, u in view.members] == ["agent@example.cn", "li@example.cn"]
    assert [e.action for e in view.events] == ["member_added", "suspended"]
    assert claims.notices_for(session, newcomer.id)[0][0].action == "member_added"
    try:
        claims.add_member_by_email(session, operator, org.id, "nobody@example.cn", "原因说明")
    except Exception as exc:
        assert exc.detail["field"] == "email" and "register first" in exc.message_en
    else:
        raise AssertionError("an unknown e-mail was added")
