"""The generator's fast check-character arithmetic agrees with python-stdnum and xinyong.codes."""

from __future__ import annotations

import random

from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_10

from xinyong.codes.orgcode import calc_check_digit as org_check_digit
from xinyong.demo.codes import (
    USCC_ALPHABET,
    CodeMint,
    mod_11_10_check_digit,
    org_check_char,
    uscc_check_char,
)


def test_check_characters_agree_with_the_reference_implementations() -> None:
    rng = random.Random(0)
    for _ in range(2000):
        body17 = "".join(rng.choice("0123456789") for _ in range(8)) + "".join(
            rng.choice(USCC_ALPHABET) for _ in range(9)
        )
        assert uscc_check_char(body17) == stdnum_uscc.calc_check_digit(body17)
        assert org_check_char(body17[8:16]) == org_check_digit(body17[8:16])
        digits = "".join(rng.choice("0123456789") for _ in range(14))
        assert mod_11_10_check_digit(digits) == mod_11_10.calc_check_digit(digits)


def test_minted_codes_never_repeat() -> None:
    mint = CodeMint(random.Random(1))
    codes = [
        mint.uscc("91", "320706", mint.org_body(2019 + i % 3, "ma" if i % 2 else "old"))
        for i in range(30_000)
    ]
    assert len(set(codes)) == len(codes)
    assert all(stdnum_uscc.is_valid(c) for c in codes[:2000])
