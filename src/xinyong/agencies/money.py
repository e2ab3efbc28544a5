"""Fee arithmetic: exact Decimal, rounded to the fen half-up once per line, and its wording."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
HUNDRED = Decimal(100)


def to_fen(value: Decimal) -> Decimal:
    """四舍五入到分 / round half-up to the fen (0.005 yuan rounds up to 0.01)."""
    return value.quantize(FEN, rounding=ROUND_HALF_UP)


def share(amount: Decimal, rate_percent: Decimal) -> Decimal:
    """`rate_percent`% of `amount`, exact (no rounding)."""
    return amount * rate_percent / HUNDRED


def yuan(value: Decimal) -> str:
    """50000 → '50,000'; 10000.2 → '10,000.20' (whole yuan without decimals)."""
    value = to_fen(value)
    if value == value.to_integral_value():
        return f"{int(value):,}"
    return f"{value:,.2f}"


def pct(rate: Decimal) -> str:
    """Decimal('30.00') → '30%'; Decimal('12.5') → '12.5%'."""
    text = format(rate.normalize(), "f")
    return f"{text}%"


def is_fen_exact(value: Decimal) -> bool:
    """A finite amount below 10^15 with no part smaller than a fen."""
    return value.is_finite() and abs(value) < Decimal("1e15") and value == value.quantize(FEN)
