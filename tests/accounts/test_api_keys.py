"""Organisations call the API with keys: shown once, stored hashed, scoped, expiring, revocable;
operator routes accept an operator's key, and the break-glass token still works."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import quote

import httpx
from sqlalchemy import select

from tests.support.judicial_files import register_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.accounts import service
from xinyong.accounts.models import ApiKey
from xinyong.types import utcnow

FLAT_20 = {"method": "whole_amount", "bands": [{"from": "0", "rate": "20"}]}
PROPOSAL = {
    "list_type": "black",
    "publicity_class": "general",
    "credit_code": credit_code(9),
    "subject_name": "连云港丙咨询有限公司",
    "reason_zh": "暴力催收",
    "reason_en": "violent debt collection",
    "legal_basis_zh": "依据",
    "legal_basis_en": "basis",
    "source_records": [{"source": "decision", "source_record_id": "连发改〔2026〕9号"}],
    "authority": "连云港市发展和改革委员会",
    "decision_date": "2026-05-01",
}


def test_a_creditor_key_speaks_for_its_firm_and_is_stored_only_as_a_hash(client, session, people):
    me = client.get("/api/v1/me", headers=people.creditor.headers).json()
    assert me["kind"] == "key" and set(me["roles"]) == {"creditor", "api_client"}
    assert me["memberships"][0]["credit_code"] == people.creditor_code
    stored = session.scalar(select(ApiKey).where(ApiKey.prefix == people.creditor.key.prefix))
    secret = people.creditor.token.split("_", 2)[2]
    assert secret not in (stored.secret_hash, stored.prefix)

    shown = client.get("/api/v1/api-keys", headers=people.creditor.headers).json()
    assert [k["prefix"] for k in shown] == [people.creditor.key.prefix]
    assert "token" not in shown[0]  # the full key was shown once, at creation


def test_a_signed_in_user_creates_a_key_that_is_shown_once_then_revokes_it(client, people):
    from tests.accounts.conftest import PASSWORD

    csrf = client.post(
        "/api/v1/auth/login", json={"email": "cred@example.cn", "password": PASSWORD}
    ).json()["csrf_token"]
    made = client.post(
        "/api/v1/api-keys",
        json={"name": "月结对账", "scopes": ["read"], "daily_quota": 100},
        headers={"X-CSRF-Token": csrf},
    )
    assert made.status_code == 201, made.text
    token, key_id = made.json()["token"], made.json()["id"]
    assert token.startswith("xk_") and made.json()["daily_quota"] == 100
    client.cookies.clear()
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200

    bad_scope = client.post(
        "/api/v1/auth/login", json={"email": "cred@example.cn", "password": PASSWORD}
    ).json()["csrf_token"]
    refused = client.post(
        "/api/v1/api-keys", json={"scopes": ["everything"]}, headers={"X-CSRF-Token": bad_scope}
    )
    assert refused.status_code == 422 and refused.json()["field"] == "scopes"
    gone = client.delete(f"/api/v1/api-keys/{key_id}", headers={"X-CSRF-Token": bad_scope})
    assert gone.status_code == 200 and gone.json()["revoked_at"]
    client.cookies.clear()
    after = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert after.status_code == 401 and "revoked" in after.json()["detail_en"]


def test_expired_unknown_and_read_only_keys_are_refused(client, session, people):
    user = service.user_by_email(session, "cred@example.cn")
    soon = service.issue_api_key(session, user, "short", expires_at=utcnow() + timedelta(hours=1))
    soon.key.expires_at = utcnow() - timedelta(seconds=1)
    read_only = service.issue_api_key(session, user, "reader")
    session.commit()
    expired = client.get("/api/v1/me", headers=soon.headers)
    assert expired.status_code == 401 and "expired" in expired.json()["detail_en"]
    forged = people.creditor.token[:-4] + "AAAA"
    assert (
        client.get("/api/v1/me", headers={"Authorization": f"Bearer {forged}"}).status_code == 401
    )
    write = client.post("/api/v1/objections", json={}, headers=read_only.headers)
    assert write.status_code == 403 and "read-only" in write.json()["detail_en"]


def test_a_banks_read_key_verifies_an_agency_and_quotes_a_fee_and_both_are_metered(
    client, session, engine, tmp_path
):
    # A bank checks a law firm before engaging it, with the key the /account form issues by
    # default (read). Both calls ask questions; neither changes the platform's data.
    firm = credit_code(3)
    register_enterprises(
        engine,
        tmp_path / "drop",
        [enterprise_row(3, 企业名称="江苏海州律师事务所", 企业类型="律师事务所")],
    )
    clerk = service.create_user(session, "risk@bank.example.cn", password="long enough pw")
    bank = service.create_organisation(session, credit_code(8), "连云港某银行", "creditor")
    service.add_member(session, clerk, bank)
    reader = service.issue_api_key(session, clerk, "credit-check", org=bank)
    session.commit()
    assert list(reader.key.scopes) == ["read"]

    verified = client.post("/api/v1/verifications", json={"code": firm}, headers=reader.headers)
    assert verified.status_code == 201, verified.text
    assert verified.json()["steps"][0]["reasons"]
    quoted = client.post(
        "/api/v1/fees/quote",
        json={"debt_amount": "80000", "schedule": {"commission": FLAT_20}},
        headers=reader.headers,
    )
    assert quoted.status_code == 200, quoted.text
    assert quoted.json()["total"] == "16000.00"

    # Filing something still needs the write scope.
    filed = client.post("/api/v1/objections", json={}, headers=reader.headers)
    assert filed.status_code == 403 and "'write' scope" in filed.json()["detail_en"]

    lines = client.get("/api/v1/usage", headers=reader.headers).json()["lines"]
    calls = {x["endpoint"]: x["calls"] for x in lines}
    assert calls["POST /api/v1/verifications"] == 1 and calls["POST /api/v1/fees/quote"] == 1
    assert "POST /api/v1/objections" not in calls  # refused calls are not billed

    # The API description tells a client which POSTs a read key may make.
    paths = client.get("/openapi.json").json()["paths"]
    assert paths["/api/v1/verifications"]["post"]["x-key-scope"] == "read"
    assert paths["/api/v1/fees/quote"]["post"]["x-key-scope"] == "read"
    assert "x-key-scope" not in paths["/api/v1/objections"]["post"]


def test_operator_routes_take_an_operator_key_and_refuse_others(client, people):
    ok = client.post("/api/v1/operator/lists", json=PROPOSAL, headers=people.operator.headers)
    assert ok.status_code == 201, ok.text
    assert ok.json()["created_by"] == "op (ops) <op@example.cn>"  # person and key
    for who in (people.creditor, people.agency, people.auditor):
        r = client.get("/api/v1/operator/lists", headers=who.headers)
        assert r.status_code == 403 and "operator" in r.json()["detail_en"]
    anonymous = client.get("/api/v1/operator/lists")
    assert (
        anonymous.status_code == 403 and "XINYONG_OPERATOR_TOKEN" in anonymous.json()["detail_zh"]
    )


def test_the_break_glass_token_still_works_and_names_its_operator(client, people, monkeypatch):
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", "break-glass-2026")
    headers = {"Authorization": "Bearer break-glass-2026", "X-Operator": quote("值班员")}
    made = client.post("/api/v1/operator/lists", json=PROPOSAL, headers=headers)
    assert made.status_code == 201 and made.json()["created_by"] == "值班员"
    assert client.get("/api/v1/operator/lists").status_code == 401
    wrong = client.get("/api/v1/operator/lists", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401


def test_the_operator_is_named_rightly_whether_the_header_is_raw_utf8_or_percent_encoded(
    live_server, people, monkeypatch
):
    # curl -H 'X-Operator: 王敏' sends the name as raw UTF-8 bytes; a script may percent-encode
    # it. Over a real connection both are recorded as the name, not as mojibake.
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", "break-glass-2026")
    token = {"Authorization": "Bearer break-glass-2026"}
    sent = {
        "王敏": "王敏".encode(),
        "值班员 李": quote("值班员 李").encode(),
        "José": "José".encode("latin-1"),  # not UTF-8: kept as the latin-1 it is
    }
    with httpx.Client(base_url=live_server) as http:
        for n, (name, raw) in enumerate(sent.items(), start=1):
            proposal = {**PROPOSAL, "credit_code": credit_code(40 + n)}
            made = http.post(
                "/api/v1/operator/lists", json=proposal, headers={**token, "X-Operator": raw}
            )
            assert made.status_code == 201, made.text
            assert made.json()["created_by"] == name
            # Read back as stored, by someone else (an operator's key).
            stored = http.get(
                f"/api/v1/operator/lists/{made.json()['id']}", headers=people.operator.headers
            ).json()
            assert stored["created_by"] == name
            assert stored["history"][0]["actor"] == name


def test_an_agency_member_has_the_role_only_once_the_agency_is_approved(client, session, people):
    user = service.create_user(session, "new-agent@example.cn", password="p" * 12)
    org = service.create_organisation(session, credit_code(3), "连云港丁律师事务所", "agency")
    service.add_member(session, user, org)
    key = service.issue_api_key(session, user, "k")
    session.commit()
    assert client.get("/api/v1/me", headers=key.headers).json()["roles"] == ["api_client"]
    pending = client.get(
        "/api/v1/operator/organisations",
        params={"state": "pending"},
        headers=people.operator.headers,
    ).json()
    assert [o["credit_code"] for o in pending] == [org.credit_code]
    not_an_id = client.post(
        f"/api/v1/operator/organisations/{org.id}/approve",
        json={"verification_id": 7},
        headers=people.operator.headers,
    )
    assert not_an_id.status_code == 422  # verification ids are 32 hex characters
    verification = "0f" * 16
    approved = client.post(
        f"/api/v1/operator/organisations/{org.id}/approve",
        json={"verification_id": verification, "reason": "三步核验通过，执业许可证在有效期内"},
        headers=people.operator.headers,
    )
    assert approved.status_code == 200
    decided = approved.json()
    assert decided["state"] == "approved" and decided["verification_id"] == verification
    assert decided["decision_reason"] == "三步核验通过，执业许可证在有效期内"
    roles = client.get("/api/v1/me", headers=key.headers).json()["roles"]
    assert roles == ["agency_member", "api_client"]


def test_an_organisation_needs_a_valid_credit_code(client, people):
    from tests.accounts.conftest import PASSWORD

    csrf = client.post(
        "/api/v1/auth/login", json={"email": "agent@example.cn", "password": PASSWORD}
    ).json()["csrf_token"]
    good = credit_code(5)
    wrong_check = good[:-1] + ("0" if good[-1] != "0" else "1")
    bad = client.post(
        "/api/v1/organisations",
        json={"credit_code": wrong_check, "name": "某公司", "kind": "creditor"},
        headers={"X-CSRF-Token": csrf},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "credit_code"
    assert wrong_check in bad.json()["detail_en"]
    ok = client.post(
        "/api/v1/organisations",
        json={"credit_code": good, "name": "某公司", "kind": "creditor"},
        headers={"X-CSRF-Token": csrf},
    )
    assert ok.status_code == 201 and ok.json()["state"] == "approved"
