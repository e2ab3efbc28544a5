"""The 9-character organisation code (组织机构代码, GB 11714) and its mod-11 check character."""

from __future__ import annotations

_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
_ALPHABET = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"


def calc_check_digit(body: str) -> str:
    """Check character for the first 8 characters of an organisation code."""
    body = body.upper()
    total = sum(_ALPHABET.index(c) * w for c, w in zip(body[:8], _WEIGHTS, strict=True))
    rest = 11 - total % 11
    return {10: "X", 11: "0"}.get(rest, str(rest))


def is_valid(code: str) -> bool:
    code = code.strip().upper().replace("-", "")
    if len(code) != 9 or any(c not in _ALPHABET for c in code[:8]):
        return False
    return calc_check_digit(code[:8]) == code[8]
