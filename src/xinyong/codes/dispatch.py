"""Recognising which kind of enterprise identifier a string is, and checking it as that kind."""

from __future__ import annotations

from collections.abc import Callable

from xinyong.codes.legacy import check_organisation_code, check_registration_number
from xinyong.codes.problems import CodeCheck, CodeProblem, normalise
from xinyong.codes.uscc import check_uscc

_BY_LENGTH: dict[int, Callable[[str], CodeCheck]] = {
    18: check_uscc,
    15: check_registration_number,
    9: check_organisation_code,  # "12345678-9" is 9 once the hyphen is dropped
}


def check_code(code: str) -> CodeCheck:
    """Check any enterprise identifier, recognised by its length once normalised."""
    normal = normalise(code)
    checker = _BY_LENGTH.get(len(normal))
    if checker is not None:
        return checker(code)
    problem = CodeProblem(
        "length",
        f"代码长度为{len(normal)}位，无法识别：统一社会信用代码为18位，注册号为15位，组织机构代码为9位",
        f"a code of {len(normal)} characters is not recognised: a unified social credit code "
        f"has 18, a registration number 15, an organisation code 9",
    )
    return CodeCheck(code, normal, None, False, [problem], [], {})
