"""Money: Decimal yuan in code and on the wire, integer fen in storage."""

from __future__ import annotations

from decimal import Decimal

_CENT = Decimal("0.01")


def fen_to_yuan(fen: int | None) -> Decimal | None:
    """Stored fen as yuan with two decimals (1234 → Decimal('12.34'))."""
    return None if fen is None else (Decimal(fen) / 100).quantize(_CENT)
