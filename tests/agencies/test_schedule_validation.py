"""A malformed schedule is refused, and the refusal names the band and the rule it breaks."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from xinyong.agencies.fees import quote
from xinyong.agencies.schedule import Band, Commission, Expenses, FeeSchedule, FixedFee, Hourly
from xinyong.agencies.validation import ScheduleInvalid, check_schedule

from .strategies import scales

BREAKS = (
    "gap",
    "overlap",
    "rate_high",
    "rate_negative",
    "not_from_zero",
    "closed_top",
    "open_middle",
    "inverted",
)


@st.composite
def broken_scales(draw):
    """A well-formed scale with one band broken; returns the scale, the band number and rule."""
    c = draw(scales(draw(st.sampled_from(["marginal", "whole_amount"]))))
    bands = [b.model_copy() for b in c.bands]
    how = draw(st.sampled_from(BREAKS))
    n = len(bands)
    if how in ("gap", "overlap", "open_middle", "inverted") and n < 2:
        how = "rate_high"
    if how == "gap":
        k = draw(st.integers(2, n))  # band k starts above where band k-1 ends
        bump = Decimal(draw(st.integers(1, 10**6)))
        bands[k - 1] = bands[k - 1].model_copy(update={"lower": bands[k - 1].lower + bump})
        if bands[k - 1].upper is not None and bands[k - 1].upper <= bands[k - 1].lower:
            bands[k - 1] = bands[k - 1].model_copy(update={"upper": bands[k - 1].lower + 1})
        rule = "band_gap"
    elif how == "overlap":
        k = draw(st.integers(2, n))  # band k starts below where band k-1 ends
        prev = bands[k - 2]
        back = Decimal(draw(st.integers(1, int(prev.upper - prev.lower))))
        bands[k - 1] = bands[k - 1].model_copy(update={"lower": prev.upper - back})
        rule = "band_overlap"
    elif how == "rate_high":
        k = draw(st.integers(1, n))
        rate = Decimal(draw(st.integers(10001, 10**6))) / 100
        bands[k - 1] = bands[k - 1].model_copy(update={"rate": rate})
        rule = "rate_range"
    elif how == "rate_negative":
        k = draw(st.integers(1, n))
        rate = -Decimal(draw(st.integers(1, 10**4))) / 100
        bands[k - 1] = bands[k - 1].model_copy(update={"rate": rate})
        rule = "rate_range"
    elif how == "not_from_zero":
        k = 1
        start = Decimal(draw(st.integers(1, 10**6)))
        first = bands[0]
        bands[0] = first.model_copy(update={"lower": start})
        if first.upper is not None and first.upper <= start:
            bands[0] = bands[0].model_copy(update={"upper": start + 1})
            if n > 1 and bands[1].lower < start + 1:
                bands[1] = bands[1].model_copy(update={"lower": start + 1})
        rule = "band_gap"
    elif how == "closed_top":
        k = n
        top = bands[-1].lower + Decimal(draw(st.integers(1, 10**6)))
        bands[-1] = bands[-1].model_copy(update={"upper": top})
        rule = "band_gap"
    elif how == "open_middle":
        k = draw(st.integers(1, n - 1))
        bands[k - 1] = bands[k - 1].model_copy(update={"upper": None})
        rule = "band_overlap"
    else:  # inverted: a band whose upper bound is not above its lower bound
        k = draw(st.integers(1, n - 1))
        b = bands[k - 1]
        bands[k - 1] = b.model_copy(update={"upper": b.lower})
        rule = "band_order"
    return Commission(method=c.method, bands=bands), k, rule


@settings(deadline=None)
@given(broken_scales())
def test_every_malformed_scale_is_refused_naming_its_band(case):
    commission, k, rule = case
    schedule = FeeSchedule(commission=commission, expenses=Expenses(policy="actual"))
    with pytest.raises(ScheduleInvalid) as refused:
        check_schedule(schedule, "mediation")
    named = [p for p in refused.value.problems if p.band == k and p.rule == rule]
    assert named, refused.value.problems
    assert f"第 {k} 档" in named[0].message_zh and f"band {k}" in named[0].message_en
    # Nor can it be quoted: a creditor never sees a fee computed on a broken scale.
    with pytest.raises(ScheduleInvalid):
        quote(schedule, Decimal(100000))


def test_the_articles_literal_scale_leaves_50000_to_100000_uncovered():
    """ "30% below 50,000, 20% above 100,000": the schedule must say what happens in between."""
    literal = FeeSchedule(
        commission=Commission(
            method="marginal",
            bands=[
                Band(lower=0, upper=50000, rate=30),
                Band(lower=100000, upper=None, rate=20),
            ],
        )
    )
    with pytest.raises(ScheduleInvalid) as refused:
        check_schedule(literal, "mediation")
    (problem,) = refused.value.problems
    assert problem.rule == "band_gap" and problem.band == 2
    assert "50,000–100,000 元未被任何一档覆盖" in problem.message_zh


def test_a_law_firms_30_percent_tier_breaks_the_2021_cap_and_says_so():
    article = FeeSchedule(
        commission=Commission(
            method="marginal",
            contingency=True,
            bands=[Band(lower=0, upper=50000, rate=30), Band(lower=50000, rate=20)],
        )
    )
    with pytest.raises(ScheduleInvalid) as refused:
        check_schedule(article, "law_firm")
    first = refused.value.problems[0]
    assert first.rule == "contingency_cap" and first.band == 1
    assert "司发通〔2021〕87号" in first.message_zh and "9,000 元" in first.message_zh
    assert "Ministry of Justice" in first.message_en
    # The same scale is lawful for a mediation organisation: the cap is for lawyers' fees.
    check_schedule(article, "mediation")
    # A law firm at exactly the caps is accepted.
    at_cap = FeeSchedule(
        commission=Commission(
            method="marginal",
            bands=[
                Band(lower=0, upper=1000000, rate=18),
                Band(lower=1000000, upper=5000000, rate=15),
                Band(lower=5000000, upper=10000000, rate=12),
                Band(lower=10000000, upper=50000000, rate=9),
                Band(lower=50000000, rate=6),
            ],
        ),
        expenses=Expenses(policy="actual"),
    )
    assert check_schedule(at_cap, "law_firm") == []


def test_a_flat_rate_above_six_percent_breaks_the_cap_somewhere_above_fifty_million():
    flat = FeeSchedule(commission=Commission(method="marginal", bands=[Band(lower=0, rate=8)]))
    with pytest.raises(ScheduleInvalid) as refused:
        check_schedule(flat, "law_firm")
    assert refused.value.problems[0].band == 1


def test_upfront_fees_are_refused_where_the_contract_template_forbids_them():
    schedule = FeeSchedule(
        contract_template="debt_entrustment",
        commission=Commission(method="marginal", bands=[Band(lower=0, rate=15)]),
        fixed_fees=[
            FixedFee(name_zh="前期调查费", name_en="investigation fee", amount=2000, upfront=True),
            FixedFee(name_zh="结案文书费", name_en="closing documents", amount=300),
        ],
    )
    with pytest.raises(ScheduleInvalid) as refused:
        check_schedule(schedule, "account_management")
    (problem,) = refused.value.problems
    assert problem.rule == "upfront_fee" and problem.item == "fixed_fees[1]"
    assert "债务委托协议范本" in problem.message_zh and "前期调查费" in problem.message_zh
    # Under the legal-services contract the same fee is allowed, with a notice to the creditor.
    allowed = schedule.model_copy(update={"contract_template": "legal_services"})
    rules = [w.rule for w in check_schedule(allowed, "account_management")]
    assert "upfront_fee_notice" in rules and "expenses_unstated" in rules


def test_an_inverted_hourly_range_is_refused():
    schedule = FeeSchedule(hourly=Hourly(min_rate=500, max_rate=200))
    with pytest.raises(ScheduleInvalid) as refused:
        check_schedule(schedule, "law_firm")
    assert refused.value.problems[0].rule == "hourly_range"
    assert "500–200" in refused.value.problems[0].message_zh
