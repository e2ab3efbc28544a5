"""A creditor verifies five agencies from the demo city and gets the verdict each deserves, with reasons."""

from __future__ import annotations

from xinyong.codes import uscc_with_check


def _verify(client, **body) -> dict:
    response = client.post("/api/v1/verifications", json=body)
    assert response.status_code == 201, response.text
    return response.json()


def _rules(body: dict, outcome: str | None = None) -> set[str]:
    return {
        r["rule_id"]
        for s in body["steps"]
        for r in s["reasons"]
        if outcome is None or r["outcome"] == outcome
    }


def test_the_lawful_law_firm_passes_all_three_steps(demo, client):
    firm = demo.member("江苏田湾律师事务所")
    body = _verify(client, code=firm["credit_code"], name="江苏田湾律师事务所")
    assert body["verdict"] == "通过" and body["verdict_en"] == "pass"
    assert [s["outcome"] for s in body["steps"]] == ["pass", "pass", "pass"]
    assert _rules(body) == {
        "identity.confirmed",
        "qualification.entity_class",
        "qualification.covered",
        "records.clean",
    }
    assert body["enterprise"]["entity_class"] == "law_practice"
    [covered] = [r for r in body["steps"][1]["reasons"] if r["rule_id"] == "qualification.covered"]
    assert (
        "法律事务代理" in covered["message_zh"] and "律师事务所执业许可证" in covered["message_zh"]
    )
    # The licence that covers the service is evidence, with its source and as-of date.
    licence = next(e for e in covered["evidence"] if e["record_type"] == "licence")
    assert licence["source"] == "gsxt" and licence["as_of"]
    # The report says how fresh every upstream table the verdict read is, the registry first.
    assert [d["record_type"] for d in body["data_as_of"]] == [
        "enterprise",
        "licence",
        "dishonest_record",
        "enforcement_case",
        "penalty",
        "abnormal_entry",
    ]
    assert all(d["source"] and d["as_of"] for d in body["data_as_of"])

    # It is stored: the id gives the same answer back, and a page shows it.
    again = client.get(f"/api/v1/verifications/{body['id']}").json()
    assert again["verdict"] == "通过" and again["digest"] == body["digest"]
    assert body["url"].endswith(f"/verifications/{body['id']}")
    page = client.get(f"/verifications/{body['id']}").text
    assert "核验结论：通过" in page and "江苏田湾律师事务所" in page
    # …naming records and sources as people call them, not by their tables' names.
    for said in (
        "行政许可及行业备案信息",
        "经营异常名录信息",
        "国家企业信用信息公示系统（企业登记）",
    ):
        assert said in page, said
    assert "本平台红黑名单认定" in page and "核验时实时读取" in page
    assert "dishonest_record" not in page and "（gsxt）" not in page


def test_the_revoked_violent_collector_fails_on_every_step(demo, client):
    collector = demo.story("violent_collection_revoked")
    body = _verify(client, code=collector["credit_code"])
    assert body["verdict"] == "不通过"
    assert [s["outcome"] for s in body["steps"]] == ["fail", "fail", "fail"]
    failures = _rules(body, "fail")
    assert {
        "identity.inactive",
        "qualification.unlawful_collector_name",
        "qualification.unlawful_collector_scope",
        "records.dishonest",
    } <= failures
    [inactive] = [r for r in body["steps"][0]["reasons"] if r["rule_id"] == "identity.inactive"]
    assert "吊销" in inactive["message_zh"] and "暴力" in inactive["message_zh"]
    [penalty] = [r for r in body["steps"][2]["reasons"] if r["rule_id"] == "records.penalty"]
    assert penalty["outcome"] == "warn" and penalty["evidence"][0]["source"] == "penalties"


def test_a_consulting_firm_collecting_debts_is_beyond_its_scope(demo, client):
    firm = demo.story("beyond_scope")
    body = _verify(client, code=firm["credit_code"], name=firm["name"])
    assert body["verdict"] == "不通过"
    assert body["steps"][0]["outcome"] == "pass"
    [reason] = [r for r in body["steps"][1]["reasons"] if r["outcome"] == "fail"]
    assert reason["rule_id"] == "qualification.consulting_beyond_scope"
    assert "超范围经营" in reason["message_zh"] and "beyond its scope" in reason["message_en"]
    # Its penalty for collecting beyond scope is a step-3 warning with the decision as evidence.
    [penalty] = body["steps"][2]["reasons"]
    assert penalty["rule_id"] == "records.penalty" and "超范围经营" in penalty["message_zh"]


def test_a_lawful_looking_agency_on_the_dishonest_list_is_stopped_at_step_3(demo, client):
    agency = demo.story("dishonest_agency")
    body = _verify(client, code=agency["credit_code"])
    assert body["verdict"] == "不通过"
    assert [s["outcome"] for s in body["steps"]] == ["pass", "pass", "fail"]
    [dishonest] = [r for r in body["steps"][2]["reasons"] if r["rule_id"] == "records.dishonest"]
    [record] = dishonest["evidence"]
    assert record["record_type"] == "dishonest_record" and record["source"] == "zxgk"
    assert record["source_record_id"] and record["as_of"] and record["fetched_at"]


def test_an_unknown_code_fails_identity_and_skips_the_rest(demo, client):
    registered = {m["credit_code"] for m in demo.manifest["sector"]}
    unknown = uscc_with_check("91320706MA00000Q1")
    assert unknown not in registered
    body = _verify(client, code=unknown, name="江苏田湾律师事务所")
    assert body["verdict"] == "不通过" and body["enterprise"] is None
    assert [s["outcome"] for s in body["steps"]] == ["fail", "skipped", "skipped"]
    [reason] = body["steps"][0]["reasons"]
    assert reason["rule_id"] == "identity.not_found" and unknown in reason["message_zh"]

    malformed = _verify(client, code=unknown[:-1] + ("0" if unknown[-1] != "0" else "1"))
    [reason] = malformed["steps"][0]["reasons"]
    assert reason["rule_id"] == "identity.code_invalid" and "第18位校验码" in reason["message_zh"]


def test_asking_again_gives_a_record_of_its_own_whose_digest_is_its_own(demo, client):
    from xinyong.verification.schemas import VerificationOut
    from xinyong.verification.service import digest_of

    firm = demo.member("江苏田湾律师事务所")
    # The second answer reuses the first one's findings (same question, same data): it must
    # still be a record with its own id, time and a digest that matches its stored report.
    answers = [_verify(client, code=firm["credit_code"]) for _ in range(3)]
    assert len({a["id"] for a in answers}) == 3
    assert len({a["digest"] for a in answers}) == 3
    for answer in answers:
        stored = client.get(f"/api/v1/verifications/{answer['id']}").json()
        assert stored["digest"] == answer["digest"]
        assert digest_of(VerificationOut.model_validate(stored)) == answer["digest"]
        assert stored["steps"] == answers[0]["steps"]


def test_a_name_full_of_json_escapes_asked_again_still_gets_a_digest_of_its_own_report(client):
    from xinyong.verification.schemas import VerificationOut
    from xinyong.verification.service import digest_of

    # Quotes, a backslash, a tab, a character outside the BMP and text that looks like JSON:
    # what the reused answer's digest is computed over must be exactly its stored report.
    name = '田湾"法务"\\咨询\t有限公司😀 {"id":"x","created_at":"y"}'
    answers = [_verify(client, name=name) for _ in range(2)]
    assert answers[0]["id"] != answers[1]["id"]
    for answer in answers:
        stored = client.get(f"/api/v1/verifications/{answer['id']}").json()
        assert stored["query"]["name"] == name
        assert digest_of(VerificationOut.model_validate(stored)) == answer["digest"]
