"""The 18-character unified social credit code (统一社会信用代码, GB 32100-2015)."""

from __future__ import annotations

from typing import Any

from stdnum.cn import uscc as stdnum_uscc

from xinyong.codes import orgcode
from xinyong.codes.divisions import Division, lookup_division
from xinyong.codes.problems import CodeCheck, CodeProblem, describe_char, normalise
from xinyong.codes.tables import AUTHORITIES, ENTITY_TYPES, types_under
from xinyong.errors import InvalidInput

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
NEVER_USED = "IOZSV"
LENGTH = 18


def illegal_char(position: int, char: str, what_zh: str = "", what_en: str = "") -> CodeProblem:
    """A character outside the USCC alphabet, named with its 1-based position."""
    shown = describe_char(char)
    if char in NEVER_USED:
        why_zh, why_en = "不允许使用 I、O、Z、S、V", "I, O, Z, S, V are never used"
    else:
        why_zh = "只允许数字和除 I、O、Z、S、V 以外的大写字母"
        why_en = "only digits and capital letters other than I, O, Z, S, V are allowed"
    return CodeProblem(
        "illegal_char",
        f"{what_zh}第{position}位字符“{shown}”不合法（{why_zh}）",
        f"{what_en}character {position} '{shown}' is not allowed ({why_en})",
        position,
    )


def division_problems(
    division: Division, position: int, where_zh: str, where_en: str
) -> list[CodeProblem]:
    """Warnings for a division code GB/T 2260 does not know, or knows as abolished."""
    code = division.code
    if not division.known:
        place = division.full_name
        zh = f"{where_zh}行政区划代码“{code}”不在 GB/T 2260 数据中（常见于开发区、高新区等功能区）"
        en = f"{where_en}division code {code} is not in the GB/T 2260 data (commonly a development zone)"
        if place:
            zh += f"，所在地区：{place}"
            en += f"; it lies in {place}"
        else:
            zh += f"，前两位“{code[:2]}”也不是已知的省级代码"
            en += f"; its first two digits {code[:2]} are not a known province either"
        return [CodeProblem("unknown_division", zh, en, position)]
    if division.abolished_in is not None:
        return [
            CodeProblem(
                "abolished_division",
                f"{where_zh}行政区划代码“{code}”（{division.full_name}）已撤销，"
                f"有效期至{division.abolished_in}年；此前登记的代码仍然有效",
                f"{where_en}division code {code} ({division.full_name}) was abolished, "
                f"in force until {division.abolished_in}; codes registered before then stay valid",
                position,
            )
        ]
    return []


def _structure_errors(code: str) -> list[CodeProblem]:
    """Per-position errors: the alphabet everywhere, the tables at 1-2, digits at 3-8."""
    errors: list[CodeProblem] = []
    for position, char in enumerate(code, start=1):
        if char not in ALPHABET:
            errors.append(
                illegal_char(position, char, "统一社会信用代码", "unified social credit code ")
            )
        elif position == 1 and char not in AUTHORITIES:
            known = "、".join(f"{a.code} {a.name_zh}" for a in AUTHORITIES.values())
            errors.append(
                CodeProblem(
                    "authority",
                    f"统一社会信用代码第1位“{char}”不是登记管理部门代码（可用：{known}）",
                    f"unified social credit code character 1 '{char}' is not a registration "
                    f"authority code (expected one of {', '.join(AUTHORITIES)})",
                    1,
                )
            )
        elif position == 2 and code[0] in AUTHORITIES and code[:2] not in ENTITY_TYPES:
            authority = AUTHORITIES[code[0]]
            types = types_under(code[0])
            errors.append(
                CodeProblem(
                    "entity_type",
                    f"统一社会信用代码第2位机构类别代码“{char}”在登记管理部门"
                    f"“{authority.code} {authority.name_zh}”下不存在（可用："
                    f"{'、'.join(f'{t.code[1]} {t.name_zh}' for t in types)}）",
                    f"unified social credit code character 2 '{char}' is not an entity type under "
                    f"registration authority {authority.code} '{authority.name_en}'; expected "
                    f"{', '.join(f'{t.code[1]} {t.name_en}' for t in types)}",
                    2,
                )
            )
        elif 3 <= position <= 8 and not char.isdigit():
            errors.append(
                CodeProblem(
                    "division_format",
                    f"统一社会信用代码第{position}位字符“{char}”不合法（第3–8位是行政区划代码，只能是数字）",
                    f"unified social credit code character {position} '{char}' is not allowed "
                    f"(characters 3-8 are the division code and must be digits)",
                    position,
                )
            )
    return errors


def _decode(code: str) -> tuple[dict[str, Any], list[CodeProblem]]:
    """Decode every part that is present and well-formed, with the warnings decoding raises."""
    decoded: dict[str, Any] = {}
    warnings: list[CodeProblem] = []
    if code[:1] in AUTHORITIES:
        decoded["authority"] = AUTHORITIES[code[0]].to_dict()
    if code[:2] in ENTITY_TYPES:
        decoded["entity_type"] = ENTITY_TYPES[code[:2]].to_dict()
    if len(code) >= 8 and code[2:8].isdigit() and code[2:8].isascii():
        division = lookup_division(code[2:8])
        decoded["division"] = division.to_dict()
        warnings += division_problems(division, 3, "第3–8位", "characters 3-8: ")
    if len(code) == LENGTH:
        organisation = code[8:17]
        decoded["organisation_code"] = f"{organisation[:8]}-{organisation[8]}"
        decoded["check_character"] = code[17]
        if all(c in ALPHABET for c in organisation):
            # GB 11714's own check inside the USCC fails for some codes the registries
            # really issued, so it informs rather than rejects.
            expected = orgcode.calc_check_digit(organisation[:8])
            if expected != organisation[8]:
                warnings.append(
                    CodeProblem(
                        "org_check",
                        f"第9–17位组织机构代码“{decoded['organisation_code']}”的校验码应为"
                        f"“{expected}”，实际为“{organisation[8]}”（部分真实登记的代码如此，仅作提示）",
                        f"the organisation code in characters 9-17 ({decoded['organisation_code']}) "
                        f"should end in '{expected}' but ends in '{organisation[8]}' "
                        f"(some registered codes do; shown for information)",
                        17,
                    )
                )
    return decoded, warnings


def check_uscc(code: str) -> CodeCheck:
    """Check a unified social credit code, saying exactly what is wrong and decoding what it can.

    Unlike stdnum's validate(), a letter authority (A, N, Y) at position 1 is lawful;
    stdnum's check-character arithmetic is still the one used.
    """
    normal = normalise(code)
    errors: list[CodeProblem] = []
    if len(normal) != LENGTH:
        errors.append(
            CodeProblem(
                "length",
                f"统一社会信用代码长度为{len(normal)}位，应为18位",
                f"a unified social credit code has 18 characters, found {len(normal)}",
            )
        )
    errors += _structure_errors(normal)
    if len(normal) == LENGTH and all(c in ALPHABET for c in normal):
        expected = stdnum_uscc.calc_check_digit(normal[:17])
        if normal[17] != expected:
            errors.append(
                CodeProblem(
                    "check_char",
                    f"统一社会信用代码第18位校验码应为“{expected}”，实际为“{normal[17]}”",
                    f"unified social credit code check character (position 18) should be "
                    f"'{expected}' but is '{normal[17]}'",
                    18,
                )
            )
    decoded, warnings = _decode(normal)
    return CodeCheck(code, normal, "uscc", not errors, errors, warnings, decoded)


_ALPHABET_SET = frozenset(ALPHABET)


def is_valid_uscc(code: str) -> bool:
    """A fast yes/no for already-normalised codes in bulk imports; agrees with check_uscc().valid."""
    return (
        len(code) == LENGTH
        and code[:2] in ENTITY_TYPES
        and code[2:8].isdigit()
        and code[2:8].isascii()
        and _ALPHABET_SET.issuperset(code[8:])
        and stdnum_uscc.calc_check_digit(code[:17]) == code[17]
    )


def uscc_with_check(body17: str) -> str:
    """The 18-character code made of a 17-character body and its check character."""
    body = normalise(body17)
    if len(body) != 17 or any(c not in ALPHABET for c in body):
        raise InvalidInput(
            f"统一社会信用代码主体“{body17}”应为17位合法字符（数字和除 I、O、Z、S、V 以外的大写字母）",
            f"credit code body '{body17}' must be 17 characters of digits and capital letters "
            f"other than I, O, Z, S, V",
        )
    return body + stdnum_uscc.calc_check_digit(body)
