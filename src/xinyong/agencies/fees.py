"""Fee quotes (收费测算): what a schedule charges for one case, line by line, in plain words."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from xinyong.agencies.money import HUNDRED, is_fen_exact, pct, share, to_fen, yuan
from xinyong.agencies.rules import FeeRules, default_rules
from xinyong.agencies.schedule import (
    EXPENSES_EN,
    EXPENSES_ZH,
    METHOD_EN,
    METHOD_ZH,
    WHOLE_AMOUNT,
    Commission,
    FeeSchedule,
)
from xinyong.agencies.validation import (
    Problem,
    ScheduleInvalid,
    band_of,
    cap_text_en,
    cap_text_zh,
    compliance_problems,
    scale_exact,
    well_formed_problems,
)
from xinyong.errors import InvalidInput

BASIS_ZH = {"recovered": "回收金额", "claimed": "标的额"}
BASIS_EN = {"recovered": "amount recovered", "claimed": "amount claimed"}


@dataclass(frozen=True)
class Line:
    """One line of a quote; `low` and `high` differ only where an hourly rate is a range."""

    kind: str  # commission / hourly / fixed / minimum / maximum
    text_zh: str
    text_en: str
    low: Decimal
    high: Decimal
    band: int | None = None


@dataclass
class Quote:
    """A schedule applied to one case: the lines, their totals and the effective rate."""

    debt_amount: Decimal
    recovered_amount: Decimal
    hours: Decimal
    lines: list[Line]
    total_low: Decimal
    total_high: Decimal
    effective_rate_low: Decimal | None  # percent of the amount recovered, 2 decimals
    effective_rate_high: Decimal | None
    notes: list[tuple[str, str]] = field(default_factory=list)  # (zh, en)
    breaches: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def summary_zh(self) -> str:
        return (
            "；".join(line.text_zh for line in self.lines)
            + f"。合计 {range_zh(self.total_low, self.total_high)}。"
        )

    @property
    def summary_en(self) -> str:
        return (
            "; ".join(line.text_en for line in self.lines)
            + f". Total {range_en(self.total_low, self.total_high)}."
        )


def range_zh(low: Decimal, high: Decimal) -> str:
    return f"{yuan(low)} 元" if low == high else f"{yuan(low)}–{yuan(high)} 元"


def range_en(low: Decimal, high: Decimal) -> str:
    return f"{yuan(low)} yuan" if low == high else f"{yuan(low)}–{yuan(high)} yuan"


def commission_lines(c: Commission, amount: Decimal) -> list[Line]:
    """The commission on `amount`, one line per band reached (marginal) or one line (whole)."""
    noun_zh, noun_en = BASIS_ZH[c.basis], BASIS_EN[c.basis]
    if c.method == WHOLE_AMOUNT:
        i, band = band_of(c.bands, amount)
        fee = to_fen(share(amount, band.rate))
        where_zh = (
            f"超过 {yuan(band.lower)} 元一档"
            if band.upper is None
            else f" {yuan(band.lower)}–{yuan(band.upper)} 元一档"
        )
        where_en = (
            f"the band above {yuan(band.lower)}"
            if band.upper is None
            else f"the {yuan(band.lower)}–{yuan(band.upper)} band"
        )
        return [
            Line(
                "commission",
                f"{noun_zh} {yuan(amount)} 元落在{where_zh}，全额按 {pct(band.rate)} 计 {yuan(fee)} 元",
                f"the whole {noun_en} of {yuan(amount)} yuan falls in {where_en}: {pct(band.rate)} of it is {yuan(fee)} yuan",
                fee,
                fee,
                band=i,
            )
        ]
    lines = []
    for i, band in enumerate(c.bands, start=1):
        if amount <= band.lower and not (i == 1 and amount == 0):
            break
        top = amount if band.upper is None else min(amount, band.upper)
        part = top - band.lower
        fee = to_fen(share(part, band.rate))
        if band.lower == 0:
            zh = f"前 {yuan(part)} 元按 {pct(band.rate)} 计 {yuan(fee)} 元"
            en = f"first {yuan(part)} yuan at {pct(band.rate)}: {yuan(fee)} yuan"
        elif band.upper is None:
            zh = (
                f"超过 {yuan(band.lower)} 元的 {yuan(part)} 元按 {pct(band.rate)} 计 {yuan(fee)} 元"
            )
            en = f"the {yuan(part)} yuan above {yuan(band.lower)} at {pct(band.rate)}: {yuan(fee)} yuan"
        else:
            zh = (
                f"{yuan(band.lower)}–{yuan(band.upper)} 元之间的 {yuan(part)} 元"
                f"按 {pct(band.rate)} 计 {yuan(fee)} 元"
            )
            en = (
                f"the {yuan(part)} yuan between {yuan(band.lower)} and {yuan(band.upper)} "
                f"at {pct(band.rate)}: {yuan(fee)} yuan"
            )
        lines.append(Line("commission", zh, en, fee, fee, band=i))
    return lines


def commission_fee(c: Commission, amount: Decimal) -> Decimal:
    """The commission on `amount`, rounded to the fen line by line."""
    return sum((line.low for line in commission_lines(c, amount)), Decimal(0))


def _money(name_zh: str, name_en: str, value: Decimal | None, *, allow_none=False) -> None:
    if value is None:
        if allow_none:
            return
        raise InvalidInput(f"{name_zh}为必填项", f"{name_en} is required", field=name_en)
    if value < 0 or not is_fen_exact(value):
        raise InvalidInput(
            f"{name_zh}“{value}”无效：应为不小于 0、最多两位小数（精确到分）的金额",
            f"{name_en} '{value}' is invalid: expected an amount ≥ 0 with at most two decimals (fen)",
            field=name_en,
        )


def quote(
    schedule: FeeSchedule,
    debt_amount: Decimal,
    recovered_amount: Decimal | None = None,
    hours: Decimal | None = None,
    *,
    kind: str | None = None,
    rules: FeeRules | None = None,
) -> Quote:
    """Quote `schedule` for a case: a debt of `debt_amount` yuan, `recovered_amount` expected
    or actually recovered (default: all of it), and `hours` of work for hourly billing.

    Every line is rounded to the fen half-up on its own; the total is the sum of the lines,
    so the lines always add up to the total. A schedule that cannot be computed (gaps,
    overlaps, rates out of range) raises ScheduleInvalid; rules in force that it breaks for
    an agency of `kind` (caps, upfront fees) are listed in `breaches`.
    """
    rules = rules or default_rules()
    _money("债务金额", "debt_amount", debt_amount)
    _money("回收金额", "recovered_amount", recovered_amount, allow_none=True)
    if hours is not None and (hours < 0 or not is_fen_exact(hours)):
        raise InvalidInput(
            f"工时“{hours}”无效：应为不小于 0、最多两位小数的小时数",
            f"hours '{hours}' is invalid: expected hours ≥ 0 with at most two decimals",
            field="hours",
        )
    problems = well_formed_problems(schedule, rules)
    if problems:
        raise ScheduleInvalid(problems)
    notes: list[tuple[str, str]] = []
    if recovered_amount is None:
        recovered_amount = debt_amount
        notes.append(
            (
                f"未填写回收金额，按全额回收 {yuan(debt_amount)} 元测算",
                f"no recovered amount given: assumed the whole {yuan(debt_amount)} yuan is recovered",
            )
        )
    hours = hours or Decimal(0)
    lines: list[Line] = []
    c = schedule.commission
    if c is not None:
        basis = recovered_amount if c.basis == "recovered" else debt_amount
        notes.append(
            (
                f"按{BASIS_ZH[c.basis]}{METHOD_ZH[c.method]}计算"
                + ("（风险代理：未回收则不收取）" if c.contingency else ""),
                f"commission on the {BASIS_EN[c.basis]}, {METHOD_EN[c.method]}"
                + (" (contingency: nothing if nothing is recovered)" if c.contingency else ""),
            )
        )
        lines += commission_lines(c, basis)
    unpriced: Problem | None = None
    h = schedule.hourly
    if h is not None:
        low, high = to_fen(hours * h.min_rate), to_fen(hours * h.max_rate)
        scope_zh = f"（{h.applies_to_zh}）" if h.applies_to_zh else ""
        scope_en = f" ({h.applies_to_en})" if h.applies_to_en else ""
        lines.append(
            Line(
                "hourly",
                f"计时收费{scope_zh} {hours.normalize():f} 小时 × 每小时 {range_zh(h.min_rate, h.max_rate)}，计 {range_zh(low, high)}",
                f"hourly{scope_en}: {hours.normalize():f} h × {range_en(h.min_rate, h.max_rate)}/h = {range_en(low, high)}",
                low,
                high,
            )
        )
        if hours == 0:
            notes.append(
                ("未填写工时，计时部分按 0 小时计", "no hours given: hourly part counted as 0 h")
            )
            # A warning, not only a note: in a comparison sorted by price a firm billing by the
            # hour would otherwise look cheapest, its hourly part left out of the total.
            unpriced = Problem(
                "hours_not_given",
                f"另按每小时 {range_zh(h.min_rate, h.max_rate)} 计时收费，未填工时，合计未含此项",
                f"also bills {range_en(h.min_rate, h.max_rate)} an hour; no hours given, so the "
                "total leaves that out",
            )
    for fee in schedule.fixed_fees:
        when_zh, when_en = ("（预先支付）", " (paid upfront)") if fee.upfront else ("", "")
        lines.append(
            Line(
                "fixed",
                f"{fee.name_zh}{when_zh} {yuan(fee.amount)} 元",
                f"{fee.name_en}{when_en}: {yuan(fee.amount)} yuan",
                fee.amount,
                fee.amount,
            )
        )
    low = sum((line.low for line in lines), Decimal(0))
    high = sum((line.high for line in lines), Decimal(0))
    if schedule.minimum_fee is not None and low < schedule.minimum_fee:
        m = schedule.minimum_fee
        add_low, add_high = m - low, max(m - high, Decimal(0))
        lines.append(
            Line(
                "minimum",
                f"不足最低收费 {yuan(m)} 元，补足 {range_zh(add_low, add_high)}",
                f"below the minimum fee of {yuan(m)} yuan: {range_en(add_low, add_high)} added",
                add_low,
                add_high,
            )
        )
        low, high = low + add_low, high + add_high
    if schedule.maximum_fee is not None and high > schedule.maximum_fee:
        m = schedule.maximum_fee
        cut_low, cut_high = min(m - low, Decimal(0)), m - high
        lines.append(
            Line(
                "maximum",
                f"超过最高收费 {yuan(m)} 元，减去 {range_zh(-cut_low, -cut_high)}",
                f"above the maximum fee of {yuan(m)} yuan: {range_en(-cut_low, -cut_high)} taken off",
                cut_low,
                cut_high,
            )
        )
        low, high = low + cut_low, high + cut_high
    e = schedule.expenses
    if e is not None:
        cap = yuan(e.cap) if e.cap is not None else ""
        notes.append((EXPENSES_ZH[e.policy].format(cap=cap), EXPENSES_EN[e.policy].format(cap=cap)))
    breaches = compliance_problems(schedule, kind, rules)
    breaches += _cap_breach_here(schedule, kind, rules, recovered_amount, debt_amount)
    q = Quote(
        debt_amount=debt_amount,
        recovered_amount=recovered_amount,
        hours=hours,
        lines=lines,
        total_low=low,
        total_high=high,
        effective_rate_low=_rate(low, recovered_amount),
        effective_rate_high=_rate(high, recovered_amount),
        notes=notes,
        breaches=breaches,
    )
    if unpriced is not None:
        q.warnings.append(unpriced)
    limit = rules.warnings.high_effective_rate_percent
    if q.effective_rate_high is not None and q.effective_rate_high > limit:
        q.warnings.append(
            Problem(
                "high_effective_rate",
                f"实际费率 {pct(q.effective_rate_high)} 超过回收金额的 {pct(limit)}",
                f"effective rate {pct(q.effective_rate_high)} is above {pct(limit)} of the amount recovered",
            )
        )
    return q


def _rate(total: Decimal, recovered: Decimal) -> Decimal | None:
    """Effective rate: total fee as a percent of the amount recovered, 2 decimals half-up."""
    if recovered == 0:
        return None
    return (total * HUNDRED / recovered).quantize(Decimal("0.01"), rounding="ROUND_HALF_UP")


def _cap_breach_here(
    schedule: FeeSchedule, kind: str | None, rules: FeeRules, recovered: Decimal, debt: Decimal
) -> list[Problem]:
    """All contingency fees together on this very case against the cap (fixed fees included:
    the opinion caps what is charged 'in all stages' of a contingency engagement)."""
    c, cap = schedule.commission, rules.cap_for(kind)
    if c is None or not c.contingency or cap is None:
        return []
    basis = recovered if c.basis == "recovered" else debt
    total = scale_exact(c.bands, c.method, basis) + sum(
        (f.amount for f in schedule.fixed_fees), Decimal(0)
    )
    limit = scale_exact(cap.bands, "marginal", recovered)
    if total <= limit:
        return []
    return [
        Problem(
            "contingency_cap_case",
            f"本案风险代理收费合计 {yuan(total)} 元，超过{cap.instrument_zh}对回收金额 {yuan(recovered)} 元规定的上限 "
            f"{yuan(limit)} 元（{cap_text_zh(cap)}）",
            f"this case's contingency fees come to {yuan(total)} yuan, above the cap of {yuan(limit)} yuan "
            f"on {yuan(recovered)} yuan recovered set by the {cap.instrument_en} ({cap_text_en(cap)})",
        )
    ]
