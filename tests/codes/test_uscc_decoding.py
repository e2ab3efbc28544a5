"""A user pastes a credit code and reads who registered it, what it is, and where."""

from xinyong.codes import check_code, check_uscc, uscc_with_check
from xinyong.codes.orgcode import calc_check_digit as org_check_digit

LIANYUNGANG_ORG = "MA1N4Q2X" + org_check_digit("MA1N4Q2X")


def test_stdnum_example_is_a_beijing_enterprise() -> None:
    result = check_code("91110000600037341L")
    assert result.kind == "uscc" and result.valid and not result.warnings
    assert result.decoded["authority"] == {
        "code": "9",
        "name_zh": "工商（市场监管）",
        "name_en": "industry and commerce (market regulation)",
    }
    assert result.decoded["entity_type"]["name_zh"] == "企业"
    assert result.decoded["division"]["full_name"] == "北京市"
    assert result.decoded["organisation_code"] == "60003734-1"
    assert result.decoded["check_character"] == "L"


def test_lianyungang_enterprise_decodes_to_haizhou_district() -> None:
    code = uscc_with_check("91320706" + LIANYUNGANG_ORG)
    result = check_uscc(code)
    assert result.valid and result.warnings == []
    division = result.decoded["division"]
    assert (division["province"], division["city"], division["county"]) == (
        "江苏省",
        "连云港市",
        "海州区",
    )
    assert division["full_name"] == "江苏省连云港市海州区"
    assert result.decoded["authority"]["name_zh"].startswith("工商")
    assert result.decoded["entity_type"] == {
        "code": "91",
        "name_zh": "企业",
        "name_en": "enterprise",
    }
    assert result.decoded["organisation_code"] == f"{LIANYUNGANG_ORG[:8]}-{LIANYUNGANG_ORG[8]}"


def test_a_law_firm_is_registered_by_judicial_administration() -> None:
    result = check_uscc(uscc_with_check("31320000" + "MD0123HJ1"))
    assert result.valid
    assert result.decoded["authority"]["name_zh"] == "司法行政"
    assert result.decoded["entity_type"]["code"] == "31"
    assert result.decoded["entity_type"]["name_zh"] == "律师执业机构"
    assert result.decoded["entity_type"]["name_en"] == "law practice (law firm)"
    assert result.decoded["division"]["full_name"] == "江苏省"


def test_a_development_zone_code_is_a_warning_not_a_rejection() -> None:
    result = check_uscc(uscc_with_check("91320771" + LIANYUNGANG_ORG))
    assert result.valid and result.errors == []
    [warning] = result.warnings
    assert warning.code == "unknown_division" and warning.position == 3
    assert "320771" in warning.message_zh and "GB/T 2260" in warning.message_zh
    assert "开发区" in warning.message_zh and "江苏省连云港市" in warning.message_zh
    assert "development zone" in warning.message_en
    assert result.decoded["division"]["known"] is False
    assert result.decoded["division"]["province"] == "江苏省"


def test_an_abolished_district_still_decodes_with_its_years() -> None:
    result = check_uscc(uscc_with_check("91320705" + LIANYUNGANG_ORG))
    assert result.valid
    assert result.decoded["division"]["county"] == "新浦区"
    assert result.decoded["division"]["years"] == "1986-2014"
    [warning] = result.warnings
    assert warning.code == "abolished_division"
    assert "2014" in warning.message_zh and "已撤销" in warning.message_zh
    assert "abolished" in warning.message_en


def test_a_failed_organisation_code_check_is_only_a_warning() -> None:
    wrong = "0" if LIANYUNGANG_ORG[8] != "0" else "1"
    result = check_uscc(uscc_with_check("91320706" + LIANYUNGANG_ORG[:8] + wrong))
    assert result.valid
    [warning] = result.warnings
    assert warning.code == "org_check" and warning.position == 17
    assert f"应为“{LIANYUNGANG_ORG[8]}”" in warning.message_zh
    assert f"should end in '{LIANYUNGANG_ORG[8]}' but ends in '{wrong}'" in warning.message_en


def test_spaces_hyphens_lower_case_and_full_width_are_forgiven() -> None:
    result = check_code(" ９１１１-0000 6000 3734 1l ")
    assert result.valid and result.code == "91110000600037341L"
    assert result.input == " ９１１１-0000 6000 3734 1l "


def test_a_wrong_check_character_still_decodes_everything_else() -> None:
    result = check_uscc("91110000600037341M")
    assert not result.valid
    assert result.decoded["entity_type"]["name_zh"] == "企业"
    assert result.decoded["division"]["full_name"] == "北京市"
    assert result.decoded["check_character"] == "M"


def test_results_are_json_ready() -> None:
    import json

    data = check_uscc(uscc_with_check("91320771" + LIANYUNGANG_ORG)).to_dict()
    assert set(data) == {"input", "code", "kind", "valid", "errors", "warnings", "decoded"}
    assert json.loads(json.dumps(data, ensure_ascii=False)) == data
    assert data["warnings"][0]["code"] == "unknown_division"
