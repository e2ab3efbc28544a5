"""Over HTTP: an operator proposes, approves and publishes; the public sees only what is published;
a party objects and applies for repair; once repaired or expired the entry is gone from every public
surface, while operators still see its whole history."""

from __future__ import annotations

from tests.alerts.drive import VIOLENT, collector, revoked, sync_enterprises
from tests.lists.story import OPERATOR, at
from tests.support.registry_files import credit_code
from xinyong.alerts.rules import load_rules as load_alert_rules

PROPOSAL = {
    "list_type": "black",
    "publicity_class": "general",
    "credit_code": credit_code(1),
    "subject_name": "连云港市海州区测试1商贸有限公司",
    "reason_zh": "冒用律师事务所名义催收债务",
    "reason_en": "Collected debts under a law firm's name",
    "legal_basis_zh": "《中华人民共和国律师法》第五十五条；《信用修复管理办法》",
    "legal_basis_en": "Lawyers Law, article 55; NDRC Measures for Credit Repair",
    "source_records": [{"source": "decision", "source_record_id": "连海司罚〔2026〕3号"}],
    "authority": "连云港市海州区司法局",
    "decision_date": "2026-05-04",
}
MATERIALS = [{"kind": k, "name": f"{k}.pdf"} for k in ("application_form", "identity", "evidence")]


def _published(client, clock, headers, proposal=PROPOSAL) -> int:
    clock.now = at(2026, 5, 4)
    created = client.post("/api/v1/operator/lists", json=proposal, headers=headers)
    assert created.status_code == 201, created.text
    entry_id = created.json()["id"]
    assert (
        client.post(
            f"/api/v1/operator/lists/{entry_id}/approve", json={}, headers=headers
        ).status_code
        == 200
    )
    clock.now = at(2026, 5, 11)
    published = client.post(f"/api/v1/operator/lists/{entry_id}/publish", headers=headers)
    assert published.status_code == 200, published.text
    return entry_id


def test_operator_routes_refuse_without_the_configured_token(client, monkeypatch, operator_headers):
    wrong = client.get("/api/v1/operator/lists", headers={"Authorization": "Bearer guess"})
    assert wrong.status_code == 401
    assert "Bearer" in wrong.json()["detail_en"]
    monkeypatch.delenv("XINYONG_OPERATOR_TOKEN")
    off = client.post("/api/v1/operator/lists", json=PROPOSAL, headers=operator_headers)
    assert off.status_code == 403
    assert off.headers["content-type"].startswith("application/problem+json")
    assert "XINYONG_OPERATOR_TOKEN" in off.json()["detail_zh"]
    assert "disabled" in off.json()["detail_en"]


def test_an_entry_from_proposal_to_repair_over_http(client, clock, operator_headers):
    clock.now = at(2026, 5, 4)
    entry_id = client.post(
        "/api/v1/operator/lists", json=PROPOSAL, headers=operator_headers
    ).json()["id"]
    assert client.get("/api/v1/lists", params={"type": "black"}).json()["items"] == []
    assert client.get(f"/api/v1/lists/{entry_id}").status_code == 404  # not published yet

    client.post(
        f"/api/v1/operator/lists/{entry_id}/approve",
        json={"reason": "证据确凿"},
        headers=operator_headers,
    )
    early = client.post(f"/api/v1/operator/lists/{entry_id}/publish", headers=operator_headers)
    assert early.status_code == 409 and "2026-05-11" in early.json()["detail_zh"]
    clock.now = at(2026, 5, 11)
    assert (
        client.post(
            f"/api/v1/operator/lists/{entry_id}/publish", headers=operator_headers
        ).status_code
        == 200
    )

    listed = client.get("/api/v1/lists", params={"type": "black"}).json()
    assert listed["label_zh"].startswith("官方名单")
    [item] = listed["items"]
    assert (item["id"], item["official"], item["publicity_end"]) == (entry_id, True, "2027-05-04")
    assert item["legal_basis_zh"].startswith("《中华人民共和国律师法》")
    assert "信用修复管理办法" in item["instrument_zh"]
    assert "state" not in item and "history" not in item  # operators' business
    assert client.get("/api/v1/lists", params={"type": "red"}).json()["items"] == []
    bad = client.get("/api/v1/lists", params={"type": "grey"})
    assert bad.status_code == 422 and "red" in bad.json()["detail_en"]

    # The party objects; the operator rejects it with reasons; the status is public by number.
    clock.now = at(2026, 6, 1)
    filed = client.post(
        "/api/v1/objections",
        json={
            "entry_id": entry_id,
            "case_type": "wrong_facts",
            "applicant_name": "周文",
            "applicant_contact": "13800000000",
            "statement": "我司未冒用律所名义",
            "materials": MATERIALS,
        },
    )
    assert filed.status_code == 201, filed.text
    objection = filed.json()
    code = objection["query_code"]
    assert len(code) >= 16
    # The status is the applicant's: without the query code it looks like no such case.
    for wrong in ({}, {"query_code": "guess"}):
        denied = client.get(f"/api/v1/objections/{objection['id']}", params=wrong)
        assert denied.status_code in (404, 422) and "materials" not in denied.text
    assert (objection["state"], objection["due_on"], objection["overdue"]) == (
        "submitted",
        "2026-06-15",
        False,
    )
    # A number that does not exist answers in the very words of a wrong code.
    guessed = client.get(f"/api/v1/objections/{objection['id']}", params={"query_code": "guess"})
    missing = client.get(f"/api/v1/objections/{objection['id'] + 1}", params={"query_code": "x"})
    assert missing.status_code == guessed.status_code == 404
    assert missing.json()["detail_zh"].replace(str(objection["id"] + 1), "N") == guessed.json()[
        "detail_zh"
    ].replace(str(objection["id"]), "N")
    clock.now = at(2026, 6, 16)  # past the deadline: operators see it flagged
    [waiting] = client.get("/api/v1/operator/objections", headers=operator_headers).json()
    assert (waiting["id"], waiting["overdue"]) == (objection["id"], True)
    # The operator deciding it reads who wrote what, how to reach them, and about which firm.
    assert (waiting["applicant_name"], waiting["applicant_contact"]) == ("周文", "13800000000")
    assert waiting["statement"] == "我司未冒用律所名义"
    assert (waiting["case_type_zh"], waiting["subject_name"]) == (
        "信息有误",
        PROPOSAL["subject_name"],
    )
    public = client.get(f"/api/v1/objections/{objection['id']}", params={"query_code": code})
    assert "applicant_contact" not in public.json()  # the public status carries no contact
    decided = client.post(
        f"/api/v1/operator/objections/{objection['id']}/decision",
        json={"upheld": False, "reason": "现场笔录与合同可证实"},
        headers=operator_headers,
    )
    assert decided.json()["state_zh"] == "异议不成立"
    assert (
        client.get(f"/api/v1/objections/{objection['id']}", params={"query_code": code}).json()[
            "decision_reason"
        ]
        == "现场笔录与合同可证实"
    )

    # Three months on, the company repairs its credit: publicity ends early.
    clock.now = at(2026, 8, 10)
    repair = client.post(
        "/api/v1/repairs",
        json={
            "entry_id": entry_id,
            "applicant_name": "周文",
            "applicant_contact": "13800000000",
            "statement": "已整改并作出信用承诺",
            "materials": [
                {"kind": k, "name": f"{k}.pdf"}
                for k in ("application_form", "commitment", "rectification")
            ],
        },
    )
    assert repair.status_code == 201, repair.text
    repair_id, repair_code = repair.json()["id"], repair.json()["query_code"]
    approved = client.post(
        f"/api/v1/operator/repairs/{repair_id}/decision",
        json={"approved": True, "reason": "已纠正失信行为"},
        headers=operator_headers,
    )
    assert approved.json()["state"] == "repaired"
    assert client.get("/api/v1/operator/repairs", headers=operator_headers).json() == []
    assert client.get("/api/v1/operator/objections", headers=operator_headers).json() == []
    assert (
        client.get(f"/api/v1/repairs/{repair_id}", params={"query_code": repair_code}).json()[
            "state_zh"
        ]
        == "修复成功"
    )

    gone = client.get(f"/api/v1/lists/{entry_id}")
    assert gone.status_code == 404 and "停止公示" in gone.json()["detail_zh"]
    assert "冒用" not in gone.text  # no content of the entry leaks
    assert client.get("/api/v1/lists", params={"type": "black"}).json()["items"] == []
    standing = client.get(f"/api/v1/lists/subjects/{credit_code(1)}").json()
    assert (standing["on_black_list"], standing["official_lists"]) == (False, [])

    # Operators still see all of it.
    seen = client.get(f"/api/v1/operator/lists/{entry_id}", headers=operator_headers).json()
    assert seen["state"] == "repaired"
    assert [h["action"] for h in seen["history"]] == [
        "proposed",
        "approved",
        "notified",
        "published",
        "objection_submitted",
        "objection_rejected",
        "repair_submitted",
        "repaired",
        "repair_repaired",
    ]
    assert {h["actor"] for h in seen["history"]} >= {OPERATOR, "周文", "system"}
    outbox = client.get(
        "/api/v1/operator/notifications", params={"entry_id": entry_id}, headers=operator_headers
    ).json()
    assert [n["kind"] for n in outbox] == [
        "pre_publication_notice",
        "published",
        "objection_received",
        "objection_decided",
        "repair_received",
        "entry_repaired",
        "repair_decided",
    ]


def test_expiry_by_the_clock_and_nothing_expired_is_shared(client, clock, operator_headers):
    entry_id = _published(client, clock, operator_headers)
    clock.now = at(2027, 5, 3)
    assert [i["id"] for i in client.get("/api/v1/lists").json()["items"]] == [entry_id]
    clock.now = at(2027, 5, 4)
    assert client.get("/api/v1/lists").json()["items"] == []  # hidden from its end day
    assert client.post("/api/v1/operator/lists/expire", headers=operator_headers).json() == {
        "expired": [entry_id]
    }
    assert (
        client.get(
            "/api/v1/operator/lists", params={"state": "expired"}, headers=operator_headers
        ).json()[0]["id"]
        == entry_id
    )
    assert client.get(f"/api/v1/lists/{entry_id}").status_code == 404
    # The change feed shared with other nodes carries no list entry, current or ended.
    feed = client.get("/api/v1/changes", params={"since": 0}).text
    assert "冒用律师事务所名义" not in feed


def test_platform_flags_are_shown_apart_from_official_lists(
    tmp_path, engine, client, clock, operator_headers
):
    rules = load_alert_rules()
    row = collector(1, "连云港市海州区鑫诚商务信息咨询有限公司")
    sync_enterprises(engine, tmp_path / "d1", [row], rules)
    sync_enterprises(engine, tmp_path / "d2", [revoked(row, VIOLENT)], rules)

    standing = client.get(f"/api/v1/lists/subjects/{credit_code(1)}").json()
    assert standing["on_black_list"] is False and standing["official_lists"] == []
    [flag] = standing["platform_risk_flags"]
    assert flag["rule_id"] == "revoked-violent-collection"
    assert "非官方名单" in standing["platform_risk_flags_label_zh"]
    assert "not an official list" in standing["platform_risk_flags_label_en"]

    # The rule proposes it; only once an operator publishes it is it an official entry.
    clock.now = at(2026, 11, 21)
    ran = client.post("/api/v1/operator/lists/propose-from-events", headers=operator_headers).json()
    [entry_id] = ran["proposed"]
    client.post(f"/api/v1/operator/lists/{entry_id}/approve", json={}, headers=operator_headers)
    clock.now = at(2026, 11, 30)
    assert (
        client.post(
            f"/api/v1/operator/lists/{entry_id}/publish", headers=operator_headers
        ).status_code
        == 200
    )
    standing = client.get(f"/api/v1/lists/subjects/{credit_code(1)}").json()
    assert standing["on_black_list"] is True
    assert standing["official_lists"][0]["class_label_zh"] == "严重失信"
    assert len(standing["platform_risk_flags"]) == 1
