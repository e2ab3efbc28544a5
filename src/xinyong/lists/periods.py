"""Publicity periods: the bounds each class allows, counted from the decision, checked against the rule."""

from __future__ import annotations

from datetime import date, timedelta

from xinyong.errors import InvalidInput
from xinyong.lists.config import Policy, PublicityClass, Span


class PeriodOutsideRule(InvalidInput):
    code = "period_outside_rule"
    title_zh = "公示期限不符合规定"
    title_en = "Publicity period outside the rules"


def bounds(cls: PublicityClass, aggravated: bool) -> tuple[Span, Span]:
    if aggravated:
        if cls.aggravated_min is None or cls.aggravated_max is None:
            raise InvalidInput(
                f"{cls.label_zh}没有“情节严重”延长期限的规定",
                f"{cls.label_en} has no longer period for aggravated cases",
                field="aggravated",
            )
        return cls.aggravated_min, cls.aggravated_max
    return cls.min, cls.max


def default_end(policy: Policy, class_name: str, decision_date: date, aggravated: bool) -> date:
    cls = policy.cls(class_name)
    low, _ = bounds(cls, aggravated)
    span = low if aggravated else cls.default
    return span.after(decision_date)


def earliest_running(policy: Policy, class_name: str, today: date, may_aggravate: bool) -> date:
    """The earliest decision date whose default period (or, where the facts may aggravate it,
    the longer aggravated one) can still run today. A few days early on purpose: month-end
    arithmetic differs forwards and backwards, and callers check each fact exactly after."""
    cls = policy.cls(class_name)
    spans = [cls.default]
    if may_aggravate and cls.aggravated_min is not None:
        spans.append(cls.aggravated_min)
    return min(today - span.delta() for span in spans) - timedelta(days=3)


def check_period(
    policy: Policy, class_name: str, decision_date: date, end: date | None, aggravated: bool
) -> None:
    """Refuse an end date outside the class's rule, naming the rule and the instrument."""
    cls = policy.cls(class_name)
    instrument = policy.instruments[cls.instrument]
    cite_zh = f"依据{instrument.title_zh}：{cls.rule_zh}"
    cite_en = f"under the {instrument.title_en}: {cls.rule_en}"
    if end is None:
        if cls.may_skip_publication:
            return
        raise PeriodOutsideRule(
            f"{cls.label_zh}必须有公示截止日期（{cite_zh}）",
            f"{cls.label_en} needs a publicity end date ({cite_en})",
            field="publicity_end",
            rule=class_name,
            instrument=cls.instrument,
        )
    low, high = bounds(cls, aggravated)
    earliest, latest = low.after(decision_date), high.after(decision_date)
    if earliest <= end <= latest and end > decision_date:
        return
    raise PeriodOutsideRule(
        f"公示截止日期 {end} 不符合规定：自认定日期 {decision_date} 起，"
        f"{cls.label_zh}{'（情节严重）' if aggravated else ''}的公示截止日期应在 {earliest} 至 {latest} 之间"
        f"（{low.zh()}至{high.zh()}；{cite_zh}）",
        f"publicity end {end} is outside the rules: counted from the decision on {decision_date}, "
        f"{cls.label_en}{' (aggravated)' if aggravated else ''} must end between {earliest} and {latest} "
        f"({low.en()} to {high.en()}; {cite_en})",
        field="publicity_end",
        rule=class_name,
        instrument=cls.instrument,
        earliest=earliest.isoformat(),
        latest=latest.isoformat(),
    )
