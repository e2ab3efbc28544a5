"""A contested organisation claim is settled by an operator: the person turned away with 409
files a dispute, the operator sees the organisation's members, removes the false registrant,
upholds the dispute, and each person reads the outcome — without the filer ever seeing the
other account's e-mail."""

from __future__ import annotations

import re
from html import unescape

from fastapi.testclient import TestClient
from sqlalchemy import func, select

from tests.accounts.conftest import PASSWORD
from xinyong.accounts import claims, service
from xinyong.accounts.models import AccessAudit, OutboxMessage
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
    # Each is told by message too, with the operator's reason.
    (suspended,) = _outbox(session, "agent@example.cn")
    assert "暂停了本机构" in suspended.body and "执业许可证被暂扣，待核实" in suspended.body
    assert org.name in suspended.subject
    (added,) = _outbox(session, "li@example.cn")
    assert "已将您加入本机构" in added.body and "所长来函确认其为本所律师" in added.body
    try:
        claims.add_member_by_email(session, operator, org.id, "nobody@example.cn", "原因说明")
    except Exception as exc:
        assert exc.detail["field"] == "email" and "register first" in exc.message_en
    else:
        raise AssertionError("an unknown e-mail was added")


# --- reinstating, members told of disputes, history that names people ----------------------


def _signed_in(app, email: str) -> tuple[TestClient, str]:
    """A browser-like client signed in as the person, with the CSRF token its forms carry."""
    browser = TestClient(app, base_url="https://testserver")
    home = browser.post("/login", data={"email": email, "password": PASSWORD})
    assert home.status_code == 200, home.text
    return browser, re.search(r'name="csrf_token" value="([^"]+)"', home.text).group(1)


def _org_section(html: str, org_id: int) -> str:
    found = re.search(rf'<section class="card entry" id="org-{org_id}".*?</section>', html, re.S)
    return unescape(found[0])


def _outbox(session, recipient: str) -> list[OutboxMessage]:
    session.expire_all()
    return list(
        session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.recipient == recipient)
            .order_by(OutboxMessage.id)
        )
    )


def test_an_operator_reinstates_a_suspended_agency_and_its_member_works_for_it_again(
    app, client, session, people
):
    org = service.organisation_by_code(session, people.agency_code)
    agent, _ = _signed_in(app, "agent@example.cn")
    operator, csrf = _signed_in(app, "op@example.cn")

    def agent_roles() -> list[str]:
        return client.get("/api/v1/me", headers=people.agency.headers).json()["roles"]

    assert "agency_member" in agent_roles()

    suspended = operator.post(
        f"/operator/organisations/{org.id}/revoke",
        data={"state": "suspended", "reason": "执业许可证被暂扣，待核实", "csrf_token": csrf},
        follow_redirects=False,
    )
    assert suspended.status_code == 303
    assert "agency_member" not in agent_roles()  # it no longer speaks for the firm

    # The suspended organisation offers the reinstate button (恢复), not suspend or reject.
    section = _org_section(operator.get("/operator/organisations").text, org.id)
    assert f'action="/operator/organisations/{org.id}/reinstate"' in section
    assert f'action="/operator/organisations/{org.id}/revoke"' not in section

    path = f"/operator/organisations/{org.id}/reinstate"
    no_reason = operator.post(path, data={"reason": " ", "csrf_token": csrf})
    assert no_reason.status_code == 422 and "请填写理由" in no_reason.text
    # An agency is reinstated as it is approved: on a three-step verification that did not fail.
    unverified = operator.post(path, data={"reason": "许可证已恢复", "csrf_token": csrf})
    assert unverified.status_code == 409 and "尚未做过三步核验" in unverified.text
    checked = client.post(
        "/api/v1/verifications", json={"code": people.agency_code, "name": "连云港乙律师事务所"}
    )
    assert checked.status_code in (200, 201) and checked.json()["verdict"] != "不通过"

    done = operator.post(path, data={"reason": "司法局来函：执业许可证已恢复", "csrf_token": csrf})
    assert done.status_code == 200 and "机构已恢复" in done.text
    assert "agency_member" in agent_roles()  # answering its complaints, posting progress
    again = operator.post(path, data={"reason": "重复操作", "csrf_token": csrf})
    assert again.status_code == 409 and "只有已暂停或已驳回的机构可以恢复" in again.text

    # The member reads why; the history names who did it; the audit log keeps it.
    notices = unescape(agent.get("/account").text)
    assert "恢复机构" in notices and "司法局来函：执业许可证已恢复" in notices
    history = _org_section(done.text, org.id)
    assert "恢复机构 · 操作人 op <o***@example.cn> · 司法局来函：执业许可证已恢复" in history
    session.expire_all()
    entry = session.scalars(
        select(AccessAudit)
        .where(AccessAudit.record == f"account_org:{org.id}")
        .order_by(AccessAudit.id.desc())
    ).first()
    assert (entry.action, entry.detail["reason"], entry.detail["verification"]) == (
        "restore_org",
        "司法局来函：执业许可证已恢复",
        checked.json()["id"],
    )
    api = client.post(
        f"/api/v1/operator/organisations/{org.id}/reinstate",
        json={"reason": "再次恢复"},
        headers=people.operator.headers,
    )
    assert api.status_code == 409


def test_members_are_told_of_a_dispute_and_its_outcome_without_learning_who_filed_it(
    app, client, session, people
):
    org = service.organisation_by_code(session, people.creditor_code)
    wang = service.create_user(session, "wang@example.cn", password=PASSWORD, display_name="王敏")
    wang_key = service.issue_api_key(session, wang, "mine", scopes=["read", "write"])
    session.commit()
    filed = client.post(
        "/api/v1/claim-disputes",
        json={"credit_code": people.creditor_code, "statement": STATEMENT},
        headers=wang_key.headers,
    )
    assert filed.status_code == 201

    # The registrant is told at once — by message and on their account page — that another
    # account contests the claim; not who, nor what they wrote.
    (told,) = _outbox(session, "cred@example.cn")
    assert "另一账户" in told.body and "Another account" in told.body
    cred, _ = _signed_in(app, "cred@example.cn")
    notices = unescape(cred.get("/account").text)
    assert "登记异议提出" in notices and "另一账户对本机构的登记提出了异议" in notices
    for secret in ("wang@example.cn", "王敏", "w***", STATEMENT):
        assert secret not in told.body + told.subject and secret not in notices
    assert _outbox(session, "wang@example.cn") == []  # the filer is not told of their own filing

    decided = client.post(
        f"/api/v1/operator/claim-disputes/{filed.json()['id']}/decision",
        json={"uphold": False, "reason": "所附授权书无公章，无法核实"},
        headers=people.operator.headers,
    )
    assert decided.status_code == 200

    # Both sides hear the outcome with the operator's reason, neither the other's e-mail.
    outcome = _outbox(session, "cred@example.cn")[-1]
    assert "异议不成立" in outcome.body and "所附授权书无公章，无法核实" in outcome.body
    (filer_told,) = _outbox(session, "wang@example.cn")
    assert "异议不成立" in filer_told.body and "所附授权书无公章，无法核实" in filer_told.body
    assert "cred@example.cn" not in filer_told.body and "wang@example.cn" not in outcome.body
    notices = unescape(cred.get("/account").text)
    assert "另一账户的登记异议不成立" in notices and "所附授权书无公章，无法核实" in notices
    assert "wang@example.cn" not in notices and "王敏" not in notices

    # Operators see in the history who filed and who decided: names, not account ids.
    operator, _ = _signed_in(app, "op@example.cn")
    history = _org_section(operator.get("/operator/organisations").text, org.id)
    assert "登记异议提出 · 申请人 王敏 <w***@example.cn>" in history
    assert "登记异议不成立 · 涉及 王敏 <w***@example.cn> · 操作人 op <o***@example.cn>" in history
    assert "user:" not in history
    review = client.get(
        f"/api/v1/operator/organisations/{org.id}", headers=people.operator.headers
    ).json()
    assert [(h["action"], h["about"]) for h in review["history"]] == [
        ("claim_dismissed", "王敏 <w***@example.cn>"),
        ("claim_filed", "王敏 <w***@example.cn>"),
    ]
    # ... which only operators read.
    assert (
        cred.get("/operator/organisations", follow_redirects=False).status_code == 303
        and "w***@example.cn" not in cred.get("/account").text
    )


def test_approve_decides_pending_organisations_only_and_points_a_suspended_one_to_reinstate(
    client, session, people
):
    """An operator suspends agency 乙 with a reason, then tries the bare approve API on it: it
    is refused with 409 naming the reinstate route, and nothing changes — no silent approval
    without a reason, history entry or audit line. Rejecting an approved firm points to revoke."""
    ops = people.operator.headers
    org = service.organisation_by_code(session, people.agency_code)
    base = f"/api/v1/operator/organisations/{org.id}"
    suspended = client.post(
        f"{base}/revoke",
        json={"state": "suspended", "reason": "执业许可证被暂扣，待核实"},
        headers=ops,
    )
    assert suspended.status_code == 200 and suspended.json()["state"] == "suspended"
    history = [e["action"] for e in suspended.json()["history"]]
    audit_lines = session.scalar(select(func.count()).select_from(AccessAudit))

    for state, path in (("suspended", "approve"), ("rejected", "approve")):
        if state == "rejected":
            session.expire_all()
            service.get_organisation(session, org.id).state = "rejected"
            session.commit()
        refused = client.post(f"{base}/{path}", json={"reason": "恢复"}, headers=ops)
        assert refused.status_code == 409
        assert refused.headers["content-type"].startswith("application/problem+json")
        problem = refused.json()
        assert "批准和驳回只处理待审核的机构" in problem["detail_zh"]
        assert f"POST {base}/reinstate" in problem["detail_zh"]
        assert "pending organisations only" in problem["detail_en"]
        assert f"{base}/reinstate" in problem["detail_en"] and problem["field"] == "org"
        review = client.get(base, headers=ops).json()
        assert review["state"] == state and [e["action"] for e in review["history"]] == history
    session.expire_all()
    assert session.scalar(select(func.count()).select_from(AccessAudit)) == audit_lines

    firm = service.organisation_by_code(session, people.creditor_code)
    firm_url = f"/api/v1/operator/organisations/{firm.id}"
    rejected = client.post(f"{firm_url}/reject", json={"reason": "冒名"}, headers=ops)
    assert rejected.status_code == 409 and f"POST {firm_url}/revoke" in rejected.json()["detail_zh"]
    again = client.post(f"{firm_url}/approve", json={}, headers=ops)
    assert again.status_code == 409 and "已批准" in again.json()["detail_zh"]
    session.expire_all()
    assert service.get_organisation(session, firm.id).state == "approved"
