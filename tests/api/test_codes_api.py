"""Anyone checks a code over the API and learns whether it is lawful and what it says."""

from fastapi.testclient import TestClient

from tests.support.registry_files import credit_code


def test_a_valid_lianyungang_code_is_decoded(client: TestClient):
    code = credit_code(1)
    body = client.get(f"/api/v1/codes/{code}").json()
    assert body["valid"] is True and body["kind"] == "uscc"
    assert body["decoded"]["authority"]["name_zh"].startswith("工商")
    assert body["decoded"]["entity_type"]["name_zh"] == "企业"
    assert body["decoded"]["division"]["full_name"] == "江苏省连云港市海州区"


def test_an_invalid_code_answers_200_with_the_exact_reason(client: TestClient):
    code = credit_code(1)
    wrong = code[:-1] + ("1" if code[-1] != "1" else "2")
    response = client.get(f"/api/v1/codes/{wrong}")
    assert response.status_code == 200
    body = response.json()
    assert body["valid"] is False
    [error] = body["errors"]
    assert (
        error["code"] == "check_char"
        and code[-1] in error["message_zh"]
        and code[-1] in error["message_en"]
    )


def test_a_development_zone_code_is_valid_with_a_warning(client: TestClient):
    body = client.get(f"/api/v1/codes/{credit_code(2, division='320771')}").json()
    assert body["valid"] is True
    assert [w["code"] for w in body["warnings"]] == ["unknown_division"]


def test_a_letter_authority_is_accepted(client: TestClient):
    from xinyong.codes import uscc_with_check
    from xinyong.codes.orgcode import calc_check_digit

    body = "N1320700" + "MA000001"
    code = uscc_with_check(body + calc_check_digit("MA000001"))
    assert client.get(f"/api/v1/codes/{code}").json()["valid"] is True
