"""When a credit code is wrong, the user is told exactly what and where, in Chinese and English."""

import pytest

from xinyong.codes import check_code, check_uscc

GOOD = "91110000600037341L"


def with_char(position: int, char: str) -> str:
    return GOOD[: position - 1] + char + GOOD[position:]


def test_wrong_length_names_the_length_found() -> None:
    result = check_uscc("9111000060003734")
    [error] = result.errors
    assert error.code == "length"
    assert "16位" in error.message_zh and "18位" in error.message_zh
    assert "found 16" in error.message_en and "18" in error.message_en


def test_an_unrecognisable_length_lists_the_lengths_expected() -> None:
    result = check_code("91110000")
    assert result.kind is None and not result.valid
    [error] = result.errors
    assert "8位" in error.message_zh
    assert all(n in error.message_zh for n in ("18位", "15位", "9位"))
    assert "8 characters" in error.message_en


@pytest.mark.parametrize(
    ("position", "char"),
    [(1, "I"), (4, "O"), (8, "O"), (10, "I"), (18, "O"), (13, "S"), (15, "Z"), (17, "V")],
)
def test_a_never_used_letter_is_named_with_its_position(position: int, char: str) -> None:
    result = check_uscc(with_char(position, char))
    [error] = result.errors
    assert (error.code, error.position) == ("illegal_char", position)
    assert f"第{position}位字符“{char}”不合法" in error.message_zh
    assert "I、O、Z、S、V" in error.message_zh
    assert f"character {position} '{char}' is not allowed" in error.message_en
    assert "I, O, Z, S, V are never used" in error.message_en


def test_every_bad_character_is_reported_in_order() -> None:
    result = check_uscc("9111000O60003734IL")
    assert [(e.code, e.position) for e in result.errors] == [
        ("illegal_char", 8),
        ("illegal_char", 17),
    ]


def test_a_letter_in_the_division_code_is_refused() -> None:
    [error, *_] = check_uscc(with_char(5, "A")).errors
    assert (error.code, error.position) == ("division_format", 5)
    assert "第5位" in error.message_zh and "行政区划代码" in error.message_zh
    assert "character 5 'A'" in error.message_en and "digits" in error.message_en


def test_the_check_character_error_says_what_it_should_be() -> None:
    [error] = check_uscc(with_char(18, "M")).errors
    assert (error.code, error.position) == ("check_char", 18)
    assert "第18位校验码应为“L”，实际为“M”" in error.message_zh
    assert "should be 'L' but is 'M'" in error.message_en


def test_an_unknown_authority_lists_the_authorities() -> None:
    error = check_uscc(with_char(1, "B")).errors[0]
    assert (error.code, error.position) == ("authority", 1)
    assert (
        "“B”" in error.message_zh
        and "9 工商" in error.message_zh
        and "A 中央军委" in error.message_zh
    )
    assert "'B'" in error.message_en and "1, 2, 3, 4, 5, 6, 7, 8, 9, A, N, Y" in error.message_en


def test_an_entity_type_foreign_to_its_authority_lists_the_types_there() -> None:
    error = check_uscc(with_char(2, "4")).errors[0]
    assert (error.code, error.position) == ("entity_type", 2)
    assert "“4”" in error.message_zh
    assert "1 企业、2 个体工商户、3 农民专业合作社" in error.message_zh
    assert "'4'" in error.message_en and "1 enterprise" in error.message_en
