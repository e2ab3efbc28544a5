"""A creditor looks up an enterprise by any of its codes and sees where each fact came from."""

from fastapi.testclient import TestClient

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.registry.importer import import_registry_dir


def _load(tmp_path, engine, rows):
    folder = tmp_path / "drop"
    write_enterprises(folder / "enterprises.csv", rows)
    import_registry_dir(engine, folder)


def test_profile_by_credit_code_with_provenance(tmp_path, engine, client: TestClient):
    _load(tmp_path, engine, [enterprise_row(1, 注册号="320706000012343")])
    body = client.get(f"/api/v1/enterprises/{credit_code(1)}").json()
    ent = body["enterprise"]
    assert ent["name"] == "连云港市海州区测试1商贸有限公司"
    assert ent["provenance"]["source"] == "gsxt" and ent["provenance"]["as_of"] == "2026-11-01"
    assert ent["registered_capital_yuan"] == "1000000.00"
    assert body["shareholders"] == [] and body["licences"] == [] and body["abnormal_entries"] == []


def test_profile_by_organisation_code(tmp_path, engine, client: TestClient):
    _load(tmp_path, engine, [enterprise_row(1)])
    org = credit_code(1)[8:17]
    assert client.get(f"/api/v1/enterprises/{org}").json()["enterprise"][
        "credit_code"
    ] == credit_code(1)


def test_unknown_and_malformed_codes_are_problem_details_in_both_languages(
    tmp_path, engine, client
):
    _load(tmp_path, engine, [enterprise_row(1)])
    missing = client.get(f"/api/v1/enterprises/{credit_code(99)}")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"
    problem = missing.json()
    assert (
        problem["status"] == 404
        and "未找到" in problem["detail_zh"]
        and "no entity" in problem["detail_en"]
    )

    malformed = client.get("/api/v1/enterprises/12345")
    assert malformed.status_code == 422
    assert "5" in malformed.json()["detail_zh"] and "5 characters" in malformed.json()["detail_en"]
    assert malformed.json()["field"] == "code"


def test_a_mistyped_code_says_which_check_character_is_expected(tmp_path, engine, client):
    _load(tmp_path, engine, [enterprise_row(1)])
    right = credit_code(1)
    typo = right[:17] + ("G" if right[17] != "G" else "H")

    answer = client.get(f"/api/v1/enterprises/{typo}")
    assert answer.status_code == 422  # the caller's code to correct, not an entity we lack
    problem = answer.json()
    assert problem["type"] == "urn:xinyong:problem:invalid_input" and problem["field"] == "code"
    assert f"第18位校验码应为“{right[17]}”" in problem["detail_zh"]
    assert f"should be '{right[17]}'" in problem["detail_en"] and problem["position"] == 18

    page = client.get(f"/e/{typo}")
    assert page.status_code == 422
    assert "代码有误" in page.text and "未找到该企业" not in page.text
    assert f"校验码应为“{right[17]}”" in page.text
    assert "The code is not valid" in client.get(f"/e/{typo}", params={"lang": "en"}).text

    # The corrected code finds the firm; a valid code nobody registered here stays "not found".
    assert client.get(f"/api/v1/enterprises/{right}").status_code == 200
    assert client.get(f"/e/{credit_code(99)}").status_code == 404
    assert "未找到该企业" in client.get(f"/e/{credit_code(99)}").text


def test_health_docs_and_home_page(tmp_path, engine, client: TestClient):
    _load(tmp_path, engine, [enterprise_row(1)])
    assert client.get("/healthz").json()["status"] == "ok"
    assert "/api/v1/codes/{code}" in client.get("/openapi.json").json()["paths"]
    assert client.get("/docs").status_code == 200
    home = client.get("/", params={"code": credit_code(1)})
    assert "代码有效" in home.text and "连云港市海州区测试1商贸有限公司" in home.text
    # The check names the kind of code it found, as people call it.
    assert "✔ 统一社会信用代码有效</strong> / valid unified social credit code" in home.text
    page = client.get(f"/e/{credit_code(1)}")
    assert page.status_code == 200 and "统一社会信用代码" in page.text
