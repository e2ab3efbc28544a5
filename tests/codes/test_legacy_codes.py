"""Older identifiers still printed on licences: 15-digit registration numbers and organisation codes."""

from hypothesis import given
from hypothesis import strategies as st

from xinyong.codes import check_code, check_organisation_code, check_registration_number


def test_a_lianyungang_registration_number_decodes_its_authority_division() -> None:
    result = check_code("320700000012349")
    assert result.kind == "registration_number" and result.valid
    assert result.decoded["division"]["full_name"] == "江苏省连云港市"
    assert result.decoded["subject_class"]["name_zh"] == "内资企业"
    assert result.warnings == []


def test_a_registration_number_check_digit_says_expected_and_found() -> None:
    result = check_registration_number("320700000012345")
    [error] = result.errors
    assert (error.code, error.position) == ("check_char", 15)
    assert "应为“9”，实际为“5”" in error.message_zh
    assert "should be '9' but is '5'" in error.message_en


def test_a_registration_number_letter_is_named_with_its_position() -> None:
    [error] = check_registration_number("3207000A0012349").errors
    assert (error.code, error.position) == ("illegal_char", 8)
    assert "第8位字符“A”" in error.message_zh and "character 8 'A'" in error.message_en


def test_a_development_zone_registration_number_is_only_warned_about() -> None:
    result = check_registration_number("320771000000014")
    assert result.valid
    assert [w.code for w in result.warnings] == ["unknown_division"]


def test_an_organisation_code_is_accepted_with_or_without_hyphen() -> None:
    for text in ("08765432-1", "087654321"):
        result = check_code(text)
        assert result.kind == "organisation_code" and result.valid
        assert result.decoded["organisation_code"] == "08765432-1"


def test_a_standalone_organisation_code_with_a_wrong_check_is_an_error() -> None:
    [error] = check_organisation_code("08765432-5").errors
    assert (error.code, error.position) == ("check_char", 9)
    assert "应为“1”，实际为“5”" in error.message_zh
    assert "should be '1' but is '5'" in error.message_en


@given(
    st.text("0123456789", min_size=14, max_size=14),
    st.integers(0, 14),
    st.sampled_from("0123456789Xa "),
)
def test_the_bulk_import_fast_path_agrees_with_the_full_registration_number_check(body, i, char):
    from stdnum.iso7064 import mod_11_10

    from xinyong.codes import check_registration_number, is_valid_registration_number

    number = body + mod_11_10.calc_check_digit(body)
    typo = number[:i] + char + number[i + 1 :]
    for candidate in (number, typo):
        assert is_valid_registration_number(candidate) == check_registration_number(candidate).valid
