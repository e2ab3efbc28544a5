"""Checks a fee schedule before it is published: bands, rates, caps in force, upfront fees."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from decimal import Decimal

from xinyong.agencies.money import pct, share, yuan
from xinyong.agencies.rules import ContingencyCap, FeeRules, default_rules
from xinyong.agencies.schedule import WHOLE_AMOUNT, Band, Commission, FeeSchedule
from xinyong.errors import InvalidInput


@dataclass(frozen=True)
class Problem:
    """One broken rule (or warning): which rule, which band or item, in Chinese and English."""

    rule: str
    message_zh: str
    message_en: str
    band: int | None = None  # 1-based band number
    item: str | None = None  # e.g. "fixed_fees[1]"

    def as_dict(self) -> dict:
        return {k: v for k, v in asdict(self).items() if v is not None}


class ScheduleInvalid(InvalidInput):
    """A fee schedule that breaks one or more rules; `problems` lists every one."""

    code = "fee_schedule_invalid"
    title_zh = "收费标准不合规"
    title_en = "Fee schedule rejected"

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(
            "收费标准未通过校验：" + "；".join(p.message_zh for p in problems),
            "the fee schedule was rejected: " + "; ".join(p.message_en for p in problems),
            problems=[p.as_dict() for p in problems],
        )
        self.problems = problems


def band_label_zh(i: int, band: Band) -> str:
    upper = f"{yuan(band.upper)} 元" if band.upper is not None else "不设上限"
    return f"第 {i} 档（{yuan(band.lower)} 元–{upper}，{pct(band.rate)}）"


def band_label_en(i: int, band: Band) -> str:
    upper = f"{yuan(band.upper)} yuan" if band.upper is not None else "open-ended"
    return f"band {i} ({yuan(band.lower)}–{upper}, {pct(band.rate)})"


def _band_problems(bands: list[Band], rules: FeeRules) -> list[Problem]:
    out: list[Problem] = []
    lo, hi = rules.rate_percent.min, rules.rate_percent.max
    first = bands[0]
    if first.lower != 0:
        out.append(
            Problem(
                "band_gap",
                f"{band_label_zh(1, first)}：0–{yuan(first.lower)} 元未被任何一档覆盖（第一档应从 0 元起）",
                f"{band_label_en(1, first)}: 0–{yuan(first.lower)} yuan is covered by no band (the first band must start at 0)",
                band=1,
            )
        )
    for i, band in enumerate(bands, start=1):
        zh, en = band_label_zh(i, band), band_label_en(i, band)
        if not lo <= band.rate <= hi:
            out.append(
                Problem(
                    "rate_range",
                    f"{zh}：费率 {pct(band.rate)} 超出 {pct(lo)}–{pct(hi)} 的范围",
                    f"{en}: rate {pct(band.rate)} is outside {pct(lo)}–{pct(hi)}",
                    band=i,
                )
            )
        if band.lower < 0:
            out.append(
                Problem(
                    "band_order",
                    f"{zh}：下限不能为负数",
                    f"{en}: the lower bound cannot be negative",
                    band=i,
                )
            )
        if band.upper is not None and band.upper <= band.lower:
            out.append(
                Problem(
                    "band_order",
                    f"{zh}：上限 {yuan(band.upper)} 元应大于下限 {yuan(band.lower)} 元",
                    f"{en}: the upper bound {yuan(band.upper)} must exceed the lower bound {yuan(band.lower)}",
                    band=i,
                )
            )
        if i == len(bands):
            if band.upper is not None:
                out.append(
                    Problem(
                        "band_gap",
                        f"{zh}：超过 {yuan(band.upper)} 元的金额未被任何一档覆盖（最后一档应不设上限）",
                        f"{en}: amounts above {yuan(band.upper)} yuan are covered by no band (the last band must be open-ended)",
                        band=i,
                    )
                )
            continue
        nxt = bands[i]
        nzh, nen = band_label_zh(i + 1, nxt), band_label_en(i + 1, nxt)
        if band.upper is None:
            out.append(
                Problem(
                    "band_overlap",
                    f"{zh}不设上限，与其后的{nzh}重叠（只有最后一档可以不设上限）",
                    f"{en} is open-ended and overlaps the following {nen} (only the last band may be open-ended)",
                    band=i,
                )
            )
        elif nxt.lower > band.upper:
            out.append(
                Problem(
                    "band_gap",
                    f"{zh}与{nzh}之间 {yuan(band.upper)}–{yuan(nxt.lower)} 元未被任何一档覆盖",
                    f"between {en} and {nen}, {yuan(band.upper)}–{yuan(nxt.lower)} yuan is covered by no band",
                    band=i + 1,
                )
            )
        elif nxt.lower < band.upper:
            out.append(
                Problem(
                    "band_overlap",
                    f"{nzh}与{zh}在 {yuan(nxt.lower)}–{yuan(band.upper)} 元重叠",
                    f"{nen} overlaps {en} over {yuan(nxt.lower)}–{yuan(band.upper)} yuan",
                    band=i + 1,
                )
            )
    return out


def scale_exact(bands: list[Band], method: str, amount: Decimal) -> Decimal:
    """A well-formed scale's fee on `amount`, unrounded (for comparing with caps)."""
    if method == WHOLE_AMOUNT:
        return share(amount, band_of(bands, amount)[1].rate)
    total = Decimal(0)
    for band in bands:
        if amount <= band.lower:
            break
        top = amount if band.upper is None else min(amount, band.upper)
        total += share(top - band.lower, band.rate)
    return total


def band_of(bands: list[Band], amount: Decimal) -> tuple[int, Band]:
    """The 1-based band an amount falls in: lower < amount <= upper (the first band holds 0)."""
    for i, band in enumerate(bands, start=1):
        if band.upper is None or amount <= band.upper:
            return i, band
    return len(bands), bands[-1]


def _cap_problems(c: Commission, cap: ContingencyCap) -> list[Problem]:
    """Where the scale's fee exceeds the cap; the difference is piecewise linear, so checking
    every band edge of both (from either side) and the slope beyond the last edge is enough."""
    points = sorted(
        {b.upper for b in c.bands if b.upper is not None}
        | {b.upper for b in cap.bands if b.upper is not None}
        | {b.lower for b in c.bands}
    )
    found: dict[int, Problem] = {}

    def breach(at: Decimal, fee: Decimal, i: int) -> None:
        if i in found:
            return
        limit = scale_exact(cap.bands, "marginal", at)
        band = c.bands[i - 1]
        found[i] = Problem(
            "contingency_cap",
            f"{band_label_zh(i, band)}：风险代理收费在金额为 {yuan(at)} 元时达 {yuan(fee)} 元，"
            f"超过{cap.instrument_zh}规定的上限 {yuan(limit)} 元（{cap_text_zh(cap)}）",
            f"{band_label_en(i, band)}: the contingency fee on {yuan(at)} yuan is {yuan(fee)} yuan, "
            f"above the cap of {yuan(limit)} yuan set by the {cap.instrument_en} ({cap_text_en(cap)})",
            band=i,
        )

    for p in points:
        if p <= 0:
            continue
        fee = scale_exact(c.bands, c.method, p)
        if fee > scale_exact(cap.bands, "marginal", p):
            breach(p, fee, band_of(c.bands, p)[0])
        if c.method == WHOLE_AMOUNT:
            # Just above an edge the whole amount moves to the next band's rate.
            i, band = band_of(c.bands, p + Decimal("0.01"))
            if share(p, band.rate) > scale_exact(cap.bands, "marginal", p):
                breach(p + Decimal("0.01"), share(p + Decimal("0.01"), band.rate), i)
    last, cap_last = c.bands[-1], cap.bands[-1]
    if last.rate > cap_last.rate:
        # Beyond every edge the fee grows faster than the cap: find where it overtakes it.
        top = points[-1] if points else Decimal(0)
        # The fee's line beyond the last edge: for a whole-amount scale the last rate applies to
        # the whole amount, so its value at the edge is not the edge's own (lower band's) fee.
        if c.method == WHOLE_AMOUNT:
            fee_line = share(top, last.rate)
        else:
            fee_line = scale_exact(c.bands, c.method, top)
        room = scale_exact(cap.bands, "marginal", top) - fee_line
        at = top + max(room, Decimal(0)) * 100 / (last.rate - cap_last.rate)
        at = max(at, top) + Decimal(1)
        breach(
            at.quantize(Decimal(1)),
            scale_exact(c.bands, c.method, at.quantize(Decimal(1))),
            len(c.bands),
        )
    return [found[i] for i in sorted(found)]


def cap_text_zh(cap: ContingencyCap) -> str:
    parts = []
    for b in cap.bands:
        if b.lower == 0:
            parts.append(f"不足 {yuan(b.upper)} 元的部分 {pct(b.rate)}")
        elif b.upper is None:
            parts.append(f"{yuan(b.lower)} 元以上的部分 {pct(b.rate)}")
        else:
            parts.append(f"{yuan(b.lower)}–{yuan(b.upper)} 元的部分 {pct(b.rate)}")
    return "，".join(parts)


def cap_text_en(cap: ContingencyCap) -> str:
    parts = []
    for b in cap.bands:
        if b.lower == 0:
            parts.append(f"{pct(b.rate)} of the part below {yuan(b.upper)}")
        elif b.upper is None:
            parts.append(f"{pct(b.rate)} above {yuan(b.lower)}")
        else:
            parts.append(f"{pct(b.rate)} of {yuan(b.lower)}–{yuan(b.upper)}")
    return ", ".join(parts)


def well_formed_problems(schedule: FeeSchedule, rules: FeeRules | None = None) -> list[Problem]:
    """Problems that make a schedule impossible to compute (gaps, overlaps, bad rates, ranges)."""
    rules = rules or default_rules()
    out: list[Problem] = []
    if schedule.commission is None and schedule.hourly is None and not schedule.fixed_fees:
        out.append(
            Problem(
                "empty",
                "收费标准至少应包含按比例、计时或固定收费中的一种",
                "a fee schedule needs at least a commission, an hourly rate or a fixed fee",
            )
        )
    if schedule.commission is not None:
        out += _band_problems(schedule.commission.bands, rules)
    h = schedule.hourly
    if h is not None and (h.min_rate < 0 or h.max_rate < h.min_rate):
        out.append(
            Problem(
                "hourly_range",
                f"计时收费：每小时 {yuan(h.min_rate)}–{yuan(h.max_rate)} 元不是有效的范围（下限不能为负，也不能高于上限）",
                f"hourly rate: {yuan(h.min_rate)}–{yuan(h.max_rate)} yuan/hour is not a valid range",
                item="hourly",
            )
        )
    for n, fee in enumerate(schedule.fixed_fees, start=1):
        if fee.amount < 0:
            out.append(
                Problem(
                    "fixed_fee_negative",
                    f"第 {n} 项固定收费“{fee.name_zh}”金额不能为负数",
                    f"fixed fee {n} '{fee.name_en}' cannot be negative",
                    item=f"fixed_fees[{n}]",
                )
            )
    lo, hi = schedule.minimum_fee, schedule.maximum_fee
    if (
        (lo is not None and lo < 0)
        or (hi is not None and hi < 0)
        or (lo is not None and hi is not None and lo > hi)
    ):
        out.append(
            Problem(
                "fee_limits",
                f"最低收费 {yuan(lo) if lo is not None else '—'} 元与最高收费 {yuan(hi) if hi is not None else '—'} 元不成立（不能为负，最低不能高于最高）",
                f"minimum fee {yuan(lo) if lo is not None else '—'} and maximum fee {yuan(hi) if hi is not None else '—'} do not make sense",
                item="minimum_fee",
            )
        )
    e = schedule.expenses
    if e is not None and e.policy == "capped" and (e.cap is None or e.cap < 0):
        out.append(
            Problem(
                "expenses_cap",
                "办案费用设有上限时须写明上限金额",
                "an expenses policy 'capped' needs its cap amount",
                item="expenses",
            )
        )
    return out


def compliance_problems(
    schedule: FeeSchedule, kind: str | None, rules: FeeRules | None = None
) -> list[Problem]:
    """Rules in force that a computable schedule breaks: caps for the agency's kind, upfront fees."""
    rules = rules or default_rules()
    out: list[Problem] = []
    c = schedule.commission
    cap = rules.cap_for(kind)
    if c is not None and c.contingency and cap is not None:
        out += _cap_problems(c, cap)
    code = schedule.contract_template
    if code is not None:
        template = rules.contract_templates.get(code)
        if template is None:
            known = ", ".join(rules.contract_templates)
            out.append(
                Problem(
                    "contract_template",
                    f"合同范本“{code}”不存在（可用：{known}）",
                    f"no contract template '{code}' (known: {known})",
                    item="contract_template",
                )
            )
        elif template.forbids_upfront_fees:
            for n, fee in enumerate(schedule.fixed_fees, start=1):
                if fee.upfront and fee.amount > 0:
                    out.append(
                        Problem(
                            "upfront_fee",
                            f"第 {n} 项固定收费“{fee.name_zh}”（{yuan(fee.amount)} 元）为预收费用，"
                            f"所用《{template.title_zh}》禁止在回收前收费",
                            f"fixed fee {n} '{fee.name_en}' ({yuan(fee.amount)} yuan) is charged upfront, "
                            f"which the {template.title_en} forbids",
                            item=f"fixed_fees[{n}]",
                        )
                    )
    return out


def warnings(schedule: FeeSchedule, rules: FeeRules | None = None) -> list[Problem]:
    """What a creditor should notice though no rule is broken."""
    rules = rules or default_rules()
    out: list[Problem] = []
    c = schedule.commission
    if c is not None and c.method == WHOLE_AMOUNT:
        for i, (band, nxt) in enumerate(zip(c.bands, c.bands[1:], strict=False), start=1):
            if band.upper is None or nxt.rate >= band.rate:
                continue
            before = share(band.upper, band.rate)
            after = share(band.upper, nxt.rate)
            out.append(
                Problem(
                    "whole_amount_drop",
                    f"全额累进：金额刚超过 {yuan(band.upper)} 元时，收费从 {yuan(before)} 元降到约 {yuan(after)} 元"
                    f"（{band_label_zh(i + 1, nxt)}按全额计）——多回收反而少付",
                    f"whole-amount scale: just above {yuan(band.upper)} yuan the fee falls from {yuan(before)} "
                    f"to about {yuan(after)} yuan ({band_label_en(i + 1, nxt)} applies to the whole amount)",
                    band=i + 1,
                )
            )
    h = schedule.hourly
    if (
        h is not None
        and h.min_rate > 0
        and h.max_rate / h.min_rate > rules.warnings.hourly_range_factor
    ):
        out.append(
            Problem(
                "hourly_range_wide",
                f"计时收费 {yuan(h.min_rate)}–{yuan(h.max_rate)} 元/小时，上下限相差超过 {rules.warnings.hourly_range_factor} 倍，费用难以预估",
                f"hourly rate {yuan(h.min_rate)}–{yuan(h.max_rate)} yuan/hour spans more than {rules.warnings.hourly_range_factor}×: hard to budget",
                item="hourly",
            )
        )
    for n, fee in enumerate(schedule.fixed_fees, start=1):
        if fee.upfront and fee.amount > 0:
            out.append(
                Problem(
                    "upfront_fee_notice",
                    f"第 {n} 项“{fee.name_zh}”{yuan(fee.amount)} 元须预先支付，无论是否回收",
                    f"item {n} '{fee.name_en}' ({yuan(fee.amount)} yuan) is paid upfront, whatever is recovered",
                    item=f"fixed_fees[{n}]",
                )
            )
    if schedule.expenses is None:
        out.append(
            Problem(
                "expenses_unstated",
                "未说明办案费用（诉讼费、差旅费等）由谁承担",
                "the schedule does not say who pays case expenses (court fees, travel …)",
                item="expenses",
            )
        )
    return out


def check_schedule(
    schedule: FeeSchedule, kind: str | None, rules: FeeRules | None = None
) -> list[Problem]:
    """Raise ScheduleInvalid with every problem, or return the warnings of a publishable schedule."""
    rules = rules or default_rules()
    problems = well_formed_problems(schedule, rules)
    if not problems:
        problems = compliance_problems(schedule, kind, rules)
    if problems:
        raise ScheduleInvalid(problems)
    return warnings(schedule, rules)
