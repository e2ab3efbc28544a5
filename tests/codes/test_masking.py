"""Personal data in public records is shown masked."""

import pytest

from xinyong.codes import is_personal_id, mask_email, mask_id_number, mask_person_name


@pytest.mark.parametrize(
    ("value", "masked"),
    [
        ("320706199001011234", "3207**********1234"),
        ("32070619900101123x", "3207**********123X"),
        ("320706900101123", "3207*******1123"),
        ("ABCD12345", "AB*****45"),
        ("abcde", "a***e"),
        ("abc", "***"),
        ("", ""),
    ],
)
def test_id_numbers_keep_only_their_ends(value: str, masked: str) -> None:
    assert mask_id_number(value) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三明", "张*明"),
        ("张三", "张*"),
        ("欧阳娜娜", "欧**娜"),
        ("张", "*"),
        ("迪丽热巴·迪力木拉提", "迪***·****提"),
        ("John Smith", "J*** S****"),
        ("  王五 ", "王*"),
    ],
)
def test_names_keep_the_first_character(name: str, masked: str) -> None:
    assert mask_person_name(name) == masked


def test_personal_id_validity_is_stdnum_ric() -> None:
    assert is_personal_id("360426199101010071")
    assert not is_personal_id("360426199101010072")
    assert not is_personal_id("91110000600037341L")


def test_masking_an_already_masked_id_changes_nothing():
    from xinyong.codes import mask_id_number

    once = mask_id_number("320706199001011234")
    assert mask_id_number(once) == once == "3207**********1234"


@pytest.mark.parametrize(
    ("address", "masked"),
    [
        ("wang.min@example.cn", "w***@example.cn"),
        ("li@example.cn", "l***@example.cn"),
        ("a@example.cn", "***@example.cn"),
        ("not-an-address", "n***"),
    ],
)
def test_e_mails_keep_their_first_character_and_domain(address: str, masked: str) -> None:
    assert mask_email(address) == masked
