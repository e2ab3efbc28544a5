"""Step 1: who is this? A code, a name in traditional characters, a former name, a name that does not fit."""

from __future__ import annotations

from tests.support.judicial_files import register_enterprises
from tests.support.registry_files import credit_code, enterprise_row

RENAMED = credit_code(1)
TWIN_A, TWIN_B = credit_code(2), credit_code(3, division="320707")


def _registry(engine, tmp_path) -> None:
    register_enterprises(
        engine,
        tmp_path / "drop",
        [
            enterprise_row(
                1,
                企业名称="连云港信和商账管理有限公司",
                曾用名="连云港信和商务咨询有限公司",
                经营范围="一般项目：商账管理；应收账款管理服务",
            ),
            enterprise_row(2, 企业名称="连云港同名商贸有限公司"),
            enterprise_row(3, 统一社会信用代码=TWIN_B, 企业名称="连云港同名商贸有限公司"),
        ],
    )


def _step1(client, **body) -> tuple[str, list[dict]]:
    response = client.post("/api/v1/verifications", json=body)
    assert response.status_code == 201, response.text
    data = response.json()
    return data["verdict"], data["steps"][0]["reasons"]


def test_a_name_in_traditional_characters_finds_the_law_firm(demo, client):
    verdict, [reason] = _step1(client, name="江蘇田灣律師事務所")
    assert verdict == "通过" and reason["rule_id"] == "identity.confirmed"
    assert demo.member("江苏田湾律师事务所")["credit_code"] in reason["message_zh"]


def test_a_former_name_is_accepted_and_said_so(engine, tmp_path, client):
    _registry(engine, tmp_path)
    verdict, reasons = _step1(client, code=RENAMED, name="连云港信和商务咨询有限公司")
    assert verdict == "通过"
    assert [r["rule_id"] for r in reasons] == ["identity.former_name", "identity.confirmed"]
    assert "曾用名" in reasons[0]["message_zh"] and reasons[0]["outcome"] == "info"
    # The former name alone finds it too.
    verdict, reasons = _step1(client, name="连云港信和商务咨询有限公司")
    assert RENAMED in reasons[-1]["message_zh"]


def test_a_name_that_does_not_fit_the_code_fails(engine, tmp_path, client):
    _registry(engine, tmp_path)
    verdict, [reason] = _step1(client, code=RENAMED, name="连云港信达商账管理有限公司")
    assert verdict == "不通过" and reason["rule_id"] == "identity.name_mismatch"
    assert "连云港信和商账管理有限公司" in reason["message_zh"]


def test_a_name_two_entities_share_asks_for_the_code(engine, tmp_path, client):
    _registry(engine, tmp_path)
    verdict, [reason] = _step1(client, name="连云港同名商贸有限公司")
    assert verdict == "不通过" and reason["rule_id"] == "identity.ambiguous"
    assert TWIN_A in reason["message_zh"] and TWIN_B in reason["message_zh"]


def test_nothing_to_verify_and_unknown_ids_are_problems(engine, client):
    empty = client.post("/api/v1/verifications", json={"code": " ", "name": ""})
    assert empty.status_code == 422
    assert "统一社会信用代码或企业名称" in empty.json()["detail_zh"]
    missing = client.get("/api/v1/verifications/0123456789abcdef0123456789abcdef")
    assert missing.status_code == 404 and "核验记录" in missing.json()["detail_zh"]
    unknown_service = client.post(
        "/api/v1/verifications", json={"code": RENAMED, "service": "collection"}
    )
    assert unknown_service.status_code == 422 and "debt_recovery" in unknown_service.text
