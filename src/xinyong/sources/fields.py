"""Field parsers for upstream record layouts: each turns a raw cell into a value or a FieldError."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from xinyong.codes import (
    check_registration_number,
    check_uscc,
    is_valid_registration_number,
    is_valid_uscc,
)


class FieldError(ValueError):
    """A cell that cannot be read; says what was expected, in Chinese and English."""

    def __init__(self, reason_zh: str, reason_en: str, *, warning: bool = False) -> None:
        super().__init__(f"{reason_zh} / {reason_en}")
        self.reason_zh = reason_zh
        self.reason_en = reason_en
        self.warning = warning


Parser = Callable[[str], Any]


def text(raw: str) -> str:
    return raw.strip()


def text_list(raw: str) -> list[str]:
    """Several values in one cell, separated by Chinese or Latin semicolons or commas."""
    return [p.strip() for p in re.split(r"[；;，,、]", raw) if p.strip()]


_DATE_FORMATS = ("%Y-%m-%d", "%Y/%m/%d", "%Y%m%d", "%Y年%m月%d日", "%Y.%m.%d")


def day(raw: str) -> date:
    value = raw.strip()
    if len(value) == 10 and value[4] == "-":
        try:
            return date.fromisoformat(value)  # the common case, in C
        except ValueError:
            pass
    # Excel exports often carry a time part: "2020-01-02 00:00:00".
    value = value.split(" ")[0].split("T")[0]
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise FieldError(
        f"日期“{raw}”无法识别，应为 YYYY-MM-DD",
        f"date '{raw}' not understood, expected YYYY-MM-DD",
    )


def decimal(raw: str) -> Decimal:
    value = raw.strip().replace(",", "").replace("，", "")
    try:
        result = Decimal(value)
    except InvalidOperation:
        raise FieldError(
            f"数值“{raw}”无法识别，应为数字（如 100.5）",
            f"number '{raw}' not understood, expected a number such as 100.5",
        ) from None
    if not result.is_finite():
        raise FieldError(f"数值“{raw}”不是有限数", f"number '{raw}' is not finite")
    return result


def wan_yuan_to_fen(raw: str) -> int:
    """Amounts published in 万元 (ten thousand yuan), stored exactly as integer fen."""
    amount = decimal(raw)
    if amount < 0:
        raise FieldError(f"金额“{raw}”不能为负数", f"amount '{raw}' cannot be negative")
    fen = amount * 1_000_000
    if fen != fen.to_integral_value():
        raise FieldError(
            f"金额“{raw}”万元精度超过一分",
            f"amount '{raw}' (10k yuan) is more precise than one fen",
        )
    return int(fen)


def percent(raw: str) -> Decimal:
    value = decimal(raw.strip().rstrip("%％"))
    if not Decimal(0) <= value <= Decimal(100):
        raise FieldError(f"比例“{raw}”应在 0–100 之间", f"ratio '{raw}' must be between 0 and 100")
    return value


def one_of(*choices: str, aliases: dict[str, str] | None = None) -> Parser:
    table = {c: c for c in choices} | (aliases or {})

    def parse(raw: str) -> str:
        value = raw.strip()
        if value in table:
            return table[value]
        raise FieldError(
            f"取值“{raw}”无效，应为：{'、'.join(choices)}",
            f"value '{raw}' is not allowed, expected one of: {', '.join(choices)}",
        )

    return parse


def _code_parser(quick: Callable[[str], bool], check: Callable[[str], Any]) -> Parser:
    """A code field: a fast yes for the common valid case; the full check only to explain a no."""

    def parse(raw: str) -> str:
        value = raw.strip().upper()
        if quick(value):
            return value
        result = check(raw)
        if not result.valid:
            problem = result.errors[0]
            raise FieldError(problem.message_zh, problem.message_en)
        return result.code

    # Registry files list an enterprise's shareholders and licences one after another, each
    # row repeating its code (over half the rows of both files): a small cache of recent codes
    # spares the check-character arithmetic. Errors are raised again, never cached.
    return functools.lru_cache(maxsize=1024)(parse)


# An 18-character unified social credit code; errors say exactly what is wrong and where.
credit_code = _code_parser(is_valid_uscc, check_uscc)
# A legacy 15-digit registration number (注册号).
registration_number = _code_parser(is_valid_registration_number, check_registration_number)


def division_code(raw: str) -> str:
    value = raw.strip()
    if not re.fullmatch(r"\d{6}", value):
        raise FieldError(
            f"行政区划代码“{raw}”应为6位数字", f"division code '{raw}' must be 6 digits"
        )
    return value


def fen_to_wan_yuan(fen: int) -> str:
    """Integer fen back to the 万元 text the layouts publish (exact, no exponent)."""
    return format((Decimal(fen) / 1_000_000).normalize(), "f")


# How a parsed value is written back as upstream text (for the change feed and demo files).
_FORMATTERS: dict[Parser, Callable[[Any], str]] = {
    day: date.isoformat,
    wan_yuan_to_fen: fen_to_wan_yuan,
    text_list: "；".join,
}


def register_formatter(parser: Parser, formatter: Callable[[Any], str]) -> None:
    """Say how values of a domain-specific parser are written back as upstream text."""
    _FORMATTERS[parser] = formatter


@dataclass(frozen=True)
class Field:
    """One column of an upstream layout: its official header, our key, how to read it."""

    header: str
    key: str
    parse: Parser = text
    required: bool = False
    aliases: tuple[str, ...] = ()
    description: str = ""
    # Personal information (PIPL): never kept in full, not even in the reject store.
    personal: bool = False

    @property
    def headers(self) -> tuple[str, ...]:
        return (self.header, *self.aliases)

    def format(self, value: Any) -> str:
        """The upstream text for a parsed value; parse(format(v)) == v."""
        if value is None or value == []:
            return ""
        return _FORMATTERS.get(self.parse, str)(value)
