"""The legal cap on a contingency fee for the agency's kind (e.g. law firms), as a share of the claim."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from xinyong.agencies.importer import KINDS
from xinyong.agencies.money import pct, yuan
from xinyong.agencies.rules import FeeRules, default_rules
from xinyong.agencies.validation import cap_text_en, cap_text_zh, scale_exact
from xinyong.errors import InvalidInput

HUNDRED = Decimal(100)
# Where a contract states the debt it entrusts: "委托追收的债权金额为人民币1,200,000元".
_CLAIM_WORDS = re.compile(r"债权金额|债务金额|欠款金额|欠款本金|债务本金|标的额|委托金额|拖欠")
_FEE_WORDS = re.compile(r"费|佣金|报酬|提成|酬金")
_AMOUNT = re.compile(r"(?:人民币)?\s*(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s*(万)?元")


@dataclass(frozen=True)
class LegalCap:
    """The highest rate the law allows on this engagement, and why."""

    percent: Decimal
    kind: str
    claim_amount: Decimal | None
    detail_zh: str
    detail_en: str


def claim_amount(sentences: list[str]) -> Decimal | None:
    """The largest amount stated in a sentence about the entrusted debt (not about fees)."""
    found: list[Decimal] = []
    for text in sentences:
        if not _CLAIM_WORDS.search(text) or _FEE_WORDS.search(text):
            continue
        for m in _AMOUNT.finditer(text):
            value = Decimal(m[1].replace(",", "") + (f".{m[2]}" if m[2] else ""))
            found.append(value * 10000 if m[3] else value)
    return max(found, default=None)


def legal_cap(
    kind: str | None, amount: Decimal | None, rules: FeeRules | None = None
) -> LegalCap | None:
    """The cap for `kind` from the fee rules (agencies/rules.yaml), as an effective rate.

    With the claim amount known, the marginal bands give the exact effective rate on it (e.g. a
    law firm on 2,000,000 yuan: 18% of the first million and 15% of the second = 16.5%).
    Without it, the highest band rate: no amount allows more."""
    if kind is None:
        return None
    if kind not in KINDS:
        raise InvalidInput(
            f"机构类型 {kind} 无效，应为：{'、'.join(KINDS)}",
            f"agency kind {kind!r} is not one of: {', '.join(KINDS)}",
            field="agency_kind",
        )
    cap = (rules or default_rules()).cap_for(kind)
    if cap is None:
        return None
    name_zh, name_en = KINDS[kind]
    if amount is not None and amount > 0:
        limit = scale_exact(cap.bands, "marginal", amount)
        percent = (limit * HUNDRED / amount).quantize(Decimal("0.01"))
        return LegalCap(
            percent,
            kind,
            amount,
            f"{name_zh}风险代理收费不得超过{cap.instrument_zh}规定的上限：{cap_text_zh(cap)}；"
            f"标的额 {yuan(amount)} 元时合计不超过 {yuan(limit)} 元，即 {pct(percent)}",
            f"a {name_en}'s contingency fee may not exceed the cap of the {cap.instrument_en} "
            f"({cap_text_en(cap)}): on {yuan(amount)} yuan at most {yuan(limit)} yuan, "
            f"i.e. {pct(percent)}",
        )
    percent = max(b.rate for b in cap.bands)
    return LegalCap(
        percent,
        kind,
        None,
        f"{name_zh}风险代理收费不得超过{cap.instrument_zh}规定的上限：{cap_text_zh(cap)}；"
        f"任何标的额下均不得超过 {pct(percent)}",
        f"a {name_en}'s contingency fee may not exceed the cap of the {cap.instrument_en} "
        f"({cap_text_en(cap)}): never more than {pct(percent)} whatever the amount",
    )
