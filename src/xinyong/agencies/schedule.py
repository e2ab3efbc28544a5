"""The fee schedule format (收费标准): commission bands, hourly range, fixed fees, limits, expenses."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

# Money in yuan, exact to the fen; rates in percent with up to four decimals.
Yuan = Annotated[Decimal, Field(max_digits=14, decimal_places=2)]
Percent = Annotated[Decimal, Field(max_digits=9, decimal_places=4)]

MARGINAL = "marginal"  # 超额累进: each part of the amount at its own band's rate
WHOLE_AMOUNT = "whole_amount"  # 全额累进: the whole amount at the rate of the band it falls in
METHODS = (MARGINAL, WHOLE_AMOUNT)
METHOD_ZH = {MARGINAL: "超额累进（分段计费）", WHOLE_AMOUNT: "全额累进（按所在档全额计费）"}
METHOD_EN = {MARGINAL: "marginal (each band at its own rate)", WHOLE_AMOUNT: "whole amount"}


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class Band(_Strict):
    """One band of a commission scale: the part of the amount above `from` up to `to` (inclusive)."""

    lower: Yuan = Field(alias="from", description="下限（不含，首档含 0）/ lower bound, yuan")
    upper: Yuan | None = Field(
        None,
        alias="to",
        description="上限（含），空为不设上限 / upper bound, inclusive; null = open",
    )
    rate: Percent = Field(description="费率（%）/ rate in percent")


class Commission(_Strict):
    """A share of the money: of what is recovered (default) or of the claimed amount (标的额)."""

    method: Literal["marginal", "whole_amount"] = Field(
        description="marginal = 超额累进；whole_amount = 全额累进。必须声明 / must be declared"
    )
    basis: Literal["recovered", "claimed"] = "recovered"
    # 风险代理: paid only if and as far as money is recovered; capped for law firms.
    contingency: bool = True
    bands: list[Band] = Field(min_length=1)


class Hourly(_Strict):
    """计时收费: a rate range in yuan per hour (e.g. 200–500), the rate set by the matter."""

    min_rate: Yuan
    max_rate: Yuan
    applies_to_zh: str | None = None  # e.g. 个人债务
    applies_to_en: str | None = None


class FixedFee(_Strict):
    """A fixed amount (固定收费), e.g. a document or filing fee; `upfront` if paid before results."""

    name_zh: str = Field(min_length=1)
    name_en: str = Field(min_length=1)
    amount: Yuan
    upfront: bool = False


class Expenses(_Strict):
    """办案费用 policy: who pays court fees, travel and the like, and up to how much."""

    policy: Literal["included", "actual", "capped"]
    cap: Yuan | None = None
    note_zh: str | None = None
    note_en: str | None = None


EXPENSES_ZH = {
    "included": "办案费用已包含在收费内，不另收取",
    "actual": "办案费用（诉讼费、差旅费等）按实际发生由委托人承担",
    "capped": "办案费用按实际发生由委托人承担，合计不超过 {cap} 元",
}
EXPENSES_EN = {
    "included": "case expenses are included in the fee",
    "actual": "case expenses (court fees, travel …) are paid by the client at actual cost",
    "capped": "case expenses are paid by the client at actual cost, up to {cap} yuan in all",
}


class FeeSchedule(_Strict):
    """A published fee schedule; the parts present are added together."""

    title_zh: str | None = None
    title_en: str | None = None
    contract_template: str | None = Field(
        None, description="所用合同范本（见 rules.yaml）/ contract template code"
    )
    commission: Commission | None = None
    hourly: Hourly | None = None
    fixed_fees: list[FixedFee] = Field(default_factory=list)
    minimum_fee: Yuan | None = None
    maximum_fee: Yuan | None = None
    expenses: Expenses | None = None
