"""Pre-2015 identifiers: the 15-digit registration number (注册号) and the organisation code (组织机构代码)."""

from __future__ import annotations

from typing import Any

from stdnum.iso7064 import mod_11_10

from xinyong.codes import orgcode
from xinyong.codes.divisions import lookup_division
from xinyong.codes.problems import CodeCheck, CodeProblem, describe_char, normalise
from xinyong.codes.uscc import division_problems

# GS15-2006: the 7th digit of a registration number says what kind of subject registered.
_SUBJECT_CLASSES = {
    **dict.fromkeys("0123", ("内资企业", "domestic enterprise")),
    **dict.fromkeys("45", ("外商投资企业", "foreign-invested enterprise")),
    **dict.fromkeys("6789", ("个体工商户", "individual business (sole trader)")),
}
_ORG_BODY_CHARS = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def _length_problem(found: int, expected: int, name_zh: str, name_en: str) -> CodeProblem:
    return CodeProblem(
        "length",
        f"{name_zh}长度为{found}位，应为{expected}位",
        f"a {name_en} has {expected} characters, found {found}",
    )


def is_valid_registration_number(code: str) -> bool:
    """A fast yes/no for already-normalised numbers in bulk imports; agrees with the full check."""
    return len(code) == 15 and code.isascii() and code.isdigit() and mod_11_10.is_valid(code)


def check_registration_number(code: str) -> CodeCheck:
    """Check a legacy 15-digit business registration number (ISO 7064 MOD 11,10)."""
    normal = normalise(code)
    errors: list[CodeProblem] = []
    if len(normal) != 15:
        errors.append(_length_problem(len(normal), 15, "注册号", "registration number"))
    for position, char in enumerate(normal, start=1):
        if not (char.isascii() and char.isdigit()):
            shown = describe_char(char)
            errors.append(
                CodeProblem(
                    "illegal_char",
                    f"注册号第{position}位字符“{shown}”不合法（注册号只能是数字）",
                    f"registration number character {position} '{shown}' is not allowed "
                    f"(only digits are)",
                    position,
                )
            )
    if not errors:
        expected = mod_11_10.calc_check_digit(normal[:14])
        if normal[14] != expected:
            errors.append(
                CodeProblem(
                    "check_char",
                    f"注册号第15位校验位应为“{expected}”，实际为“{normal[14]}”",
                    f"registration number check digit (position 15) should be '{expected}' "
                    f"but is '{normal[14]}'",
                    15,
                )
            )
    decoded: dict[str, Any] = {}
    warnings: list[CodeProblem] = []
    if len(normal) >= 6 and normal[:6].isascii() and normal[:6].isdigit():
        division = lookup_division(normal[:6])
        decoded["division"] = division.to_dict()
        warnings += division_problems(division, 1, "第1–6位", "characters 1-6: ")
    if len(normal) >= 7 and normal[6] in _SUBJECT_CLASSES:
        name_zh, name_en = _SUBJECT_CLASSES[normal[6]]
        decoded["subject_class"] = {"code": normal[6], "name_zh": name_zh, "name_en": name_en}
    if len(normal) == 15:
        decoded["check_character"] = normal[14]
    return CodeCheck(code, normal, "registration_number", not errors, errors, warnings, decoded)


def check_organisation_code(code: str) -> CodeCheck:
    """Check a 9-character organisation code (GB 11714), written "12345678-9" or without hyphen.

    Standing alone, a wrong check character is an error: it is the only check the code has.
    """
    normal = normalise(code)
    errors: list[CodeProblem] = []
    if len(normal) != 9:
        errors.append(_length_problem(len(normal), 9, "组织机构代码", "organisation code"))
    for position, char in enumerate(normal, start=1):
        allowed = _ORG_BODY_CHARS if position <= 8 else "0123456789X"
        if char not in allowed:
            shown = describe_char(char)
            rule_zh = "本体代码只能是数字或大写字母" if position <= 8 else "校验码只能是数字或 X"
            rule_en = (
                "the body may hold only digits and capital letters"
                if position <= 8
                else "the check character is a digit or X"
            )
            errors.append(
                CodeProblem(
                    "illegal_char",
                    f"组织机构代码第{position}位字符“{shown}”不合法（{rule_zh}）",
                    f"organisation code character {position} '{shown}' is not allowed ({rule_en})",
                    position,
                )
            )
    decoded: dict[str, Any] = {}
    if len(normal) == 9:
        decoded = {"organisation_code": f"{normal[:8]}-{normal[8]}", "check_character": normal[8]}
    if not errors:
        expected = orgcode.calc_check_digit(normal[:8])
        if normal[8] != expected:
            errors.append(
                CodeProblem(
                    "check_char",
                    f"组织机构代码第9位校验码应为“{expected}”，实际为“{normal[8]}”",
                    f"organisation code check character (position 9) should be '{expected}' "
                    f"but is '{normal[8]}'",
                    9,
                )
            )
    return CodeCheck(code, normal, "organisation_code", not errors, errors, [], decoded)
