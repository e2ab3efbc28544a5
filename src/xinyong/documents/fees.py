"""The fee clause of an entrustment: a commission on what is actually recovered, in bands."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Literal

from pydantic import BaseModel, Field, model_validator

_CENT = Decimal("0.01")


class FeeBand(BaseModel):
    """One band: up to `up_to_yuan` of the recovered amount (None = no upper bound)."""

    up_to_yuan: Decimal | None = Field(None, gt=0)
    rate_percent: Decimal = Field(ge=0, le=100)


class FeeDescription(BaseModel):
    """An agency's commission schedule as the contract states it. `method` is how bands apply:
    marginal (超额累进: each part at its band's rate) or whole (全额: the whole amount at the
    rate of the band it falls in). Filled later from the agency's published schedule."""

    kind: Literal["commission"] = "commission"
    method: Literal["marginal", "whole"] = "marginal"
    bands: list[FeeBand] = Field(min_length=1)
    schedule_ref: str = Field(
        "以签约时公示版本为准",
        description="公示收费标准的名称与版本 / the published schedule this comes from",
    )

    @model_validator(mode="after")
    def _ordered(self) -> FeeDescription:
        bounds = [b.up_to_yuan for b in self.bands]
        if any(b is None for b in bounds[:-1]):
            raise ValueError("只有最后一档可以不设上限 / only the last band may be open-ended")
        finite = [b for b in bounds if b is not None]
        if finite != sorted(finite) or len(set(finite)) != len(finite):
            raise ValueError("各档上限须递增 / band limits must increase")
        return self

    @property
    def max_rate_percent(self) -> Decimal:
        return max(b.rate_percent for b in self.bands)


def _yuan(amount: Decimal) -> str:
    """10000 → '1万元', 12345.6 → '12,345.60元' (as a contract writes amounts)."""
    if amount % 10000 == 0:
        return f"{_plain(amount / 10000)}万元"
    return f"{amount.quantize(_CENT):,}元"


def _plain(number: Decimal) -> str:
    """Without trailing zeros or exponent: 30 → '30', 2.50 → '2.5'."""
    text = f"{number:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _pct(rate: Decimal) -> str:
    return f"{_plain(rate)}%"


def fee_text(fee: FeeDescription) -> str:
    """The schedule in contract Chinese, ending with a full stop."""
    parts: list[str] = []
    low: Decimal | None = None
    for band in fee.bands:
        high = band.up_to_yuan
        if fee.method == "marginal":
            if low is None and high is None:
                span = "实际回收款"
            elif low is None:
                span = f"实际回收款中不超过{_yuan(high)}（含）的部分"
            elif high is None:
                span = f"超过{_yuan(low)}的部分"
            else:
                span = f"超过{_yuan(low)}至{_yuan(high)}（含）的部分"
            parts.append(f"{span}，按{_pct(band.rate_percent)}计收")
        else:
            if low is None and high is None:
                span = "实际回收款"
            elif low is None:
                span = f"实际回收款总额不超过{_yuan(high)}（含）的"
            elif high is None:
                span = f"实际回收款总额超过{_yuan(low)}的"
            else:
                span = f"实际回收款总额超过{_yuan(low)}至{_yuan(high)}（含）的"
            parts.append(f"{span}，按实际回收款总额的{_pct(band.rate_percent)}计收")
        low = high
    how = "分段累进计算" if fee.method == "marginal" else "按所在档次全额计算"
    return "；".join(parts) + f"（{how}）。"


def fee_for(fee: FeeDescription, recovered: Decimal) -> Decimal:
    """The fee on a recovered amount, to the fen."""
    if recovered <= 0:
        return Decimal("0.00")
    total = Decimal(0)
    low = Decimal(0)
    for band in fee.bands:
        high = band.up_to_yuan
        if fee.method == "whole":
            if high is None or recovered <= high:
                total = recovered * band.rate_percent / 100
                break
        else:
            part = (min(recovered, high) if high is not None else recovered) - low
            if part > 0:
                total += part * band.rate_percent / 100
            if high is None or recovered <= high:
                break
            low = high
    return total.quantize(_CENT, rounding=ROUND_HALF_UP)


def fee_example(fee: FeeDescription, recovered: Decimal) -> str:
    """One worked example in plain Chinese, so the creditor can follow the arithmetic."""
    amount = fee_for(fee, recovered)
    return (
        f"示例：实际回收款为人民币{recovered.quantize(_CENT):,}元的，"
        f"乙方服务费为人民币{amount:,}元，甲方实得人民币{(recovered - amount).quantize(_CENT):,}元。"
    )
