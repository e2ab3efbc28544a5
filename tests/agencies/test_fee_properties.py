"""Properties every creditor relies on: fees move with the amount the way the scale says."""

from __future__ import annotations

import re
from decimal import Decimal

from hypothesis import example, given, settings
from hypothesis import strategies as st

from xinyong.agencies.fees import commission_fee, quote
from xinyong.agencies.money import to_fen
from xinyong.agencies.schedule import Band, Commission, Expenses, FeeSchedule, FixedFee, Hourly
from xinyong.agencies.validation import check_schedule, well_formed_problems

from .strategies import amounts, scales

FEN = Decimal("0.01")


@settings(deadline=None)
@given(scales("marginal"), amounts, amounts)
def test_marginal_fees_never_fall_as_the_amount_grows(c, a, b):
    low, high = sorted((a, b))
    assert commission_fee(c, low) <= commission_fee(c, high)


@settings(deadline=None)
@given(scales("marginal"), st.data())
def test_marginal_fees_are_continuous_at_every_band_edge(c, data):
    """One fen more across an edge costs at most one fen per band more (rounding included)."""
    edges = [band.upper for band in c.bands if band.upper is not None]
    if not edges:
        edges = [data.draw(amounts.filter(lambda x: x > 0))]
    edge = data.draw(st.sampled_from(edges))
    step = len(c.bands) * FEN + FEN
    assert abs(commission_fee(c, edge + FEN) - commission_fee(c, edge)) <= step
    assert abs(commission_fee(c, edge) - commission_fee(c, edge - FEN)) <= step


@settings(deadline=None)
@given(scales("whole_amount"), st.data())
def test_whole_amount_fees_jump_exactly_at_band_edges(c, data):
    """At an edge the lower band's rate applies to the whole amount; one fen above, the next band's."""
    edged = [(band, nxt) for band, nxt in zip(c.bands, c.bands[1:], strict=False)]
    if not edged:
        x = data.draw(amounts)
        assert commission_fee(c, x) == to_fen(x * c.bands[0].rate / 100)
        return
    band, nxt = data.draw(st.sampled_from(edged))
    edge = band.upper
    assert commission_fee(c, edge) == to_fen(edge * band.rate / 100)
    assert commission_fee(c, edge + FEN) == to_fen((edge + FEN) * nxt.rate / 100)
    # Inside a band the fee is the whole amount at that band's rate: no other jump.
    inside = data.draw(
        st.integers(int(band.lower * 100) + 1, int(edge * 100)).map(lambda f: Decimal(f) / 100)
    )
    assert commission_fee(c, inside) == to_fen(inside * band.rate / 100)


hourly = st.builds(
    lambda lo, extra: Hourly(min_rate=Decimal(lo), max_rate=Decimal(lo + extra)),
    st.integers(0, 3000),
    st.integers(0, 3000),
)
fixed = st.lists(
    st.builds(
        lambda fen, upfront: FixedFee(
            name_zh="文书费", name_en="documents", amount=Decimal(fen) / 100, upfront=upfront
        ),
        st.integers(0, 10**7),
        st.booleans(),
    ),
    max_size=3,
)


@st.composite
def schedules(draw) -> FeeSchedule:
    commission = draw(st.none() | scales(draw(st.sampled_from(["marginal", "whole_amount"]))))
    h = draw(st.none() | hourly)
    fees = draw(fixed)
    if commission is None and h is None and not fees:
        fees = [FixedFee(name_zh="咨询费", name_en="consultation", amount=Decimal(500))]
    lo = draw(st.none() | st.integers(0, 10**6).map(Decimal))
    hi = draw(st.none() | st.integers(0, 10**7).map(Decimal))
    if lo is not None and hi is not None and lo > hi:
        lo, hi = hi, lo
    return FeeSchedule(
        commission=commission,
        hourly=h,
        fixed_fees=fees,
        minimum_fee=lo,
        maximum_fee=hi,
        expenses=Expenses(policy="actual"),
    )


@settings(max_examples=300, deadline=None)
@given(
    schedules(),
    amounts,
    st.none() | amounts,
    st.none() | st.integers(0, 50000).map(lambda h: Decimal(h) / 100),
)
def test_a_quotes_lines_add_up_to_its_total(schedule, debt, recovered, hours):
    q = quote(schedule, debt, recovered, hours)
    assert sum(line.low for line in q.lines) == q.total_low
    assert sum(line.high for line in q.lines) == q.total_high
    assert q.total_low <= q.total_high
    for line in q.lines:
        assert line.low == line.low.quantize(FEN) and line.high == line.high.quantize(FEN)
    if schedule.minimum_fee is not None:
        assert q.total_low >= schedule.minimum_fee
    if schedule.maximum_fee is not None:
        assert q.total_high <= schedule.maximum_fee


@settings(deadline=None)
@given(scales("marginal"), scales("whole_amount"))
def test_every_well_formed_scale_in_range_passes_for_a_mediator(m, w):
    for c in (m, w):
        assert well_formed_problems(FeeSchedule(commission=c)) == []
        check_schedule(FeeSchedule(commission=c, expenses=Expenses(policy="included")), "mediation")


@settings(max_examples=300, deadline=None)
@given(
    st.sampled_from(["marginal", "whole_amount"]).flatmap(lambda m: scales(m, contingency=True)),
    st.lists(amounts, max_size=20),
)
# Found by Hypothesis: a whole-amount scale whose last rate (6.01%) outgrows the cap's 6% only
# near 19.8 billion yuan; the crossing was computed from the lower band's fee at the edge.
@example(
    Commission(
        method="whole_amount",
        contingency=True,
        bands=[
            Band(lower=Decimal(0), upper=Decimal(50_000_000), rate=Decimal("6.02")),
            Band(lower=Decimal(50_000_000), rate=Decimal("6.01")),
        ],
    ),
    [],
)
def test_a_law_firm_scale_passes_the_cap_check_exactly_when_it_never_exceeds_the_cap(c, xs):
    """Accepted: below the cap at every amount tried. Refused: the amount named is over it."""
    from xinyong.agencies.rules import default_rules
    from xinyong.agencies.validation import ScheduleInvalid, scale_exact

    cap = default_rules().cap_for("law_firm")
    schedule = FeeSchedule(commission=c, expenses=Expenses(policy="actual"))
    edges = [b.upper for b in c.bands if b.upper is not None]
    probes = [*xs, *edges, *(e + FEN for e in edges), Decimal(10**9)]
    try:
        check_schedule(schedule, "law_firm")
    except ScheduleInvalid as refused:
        assert all(p.rule == "contingency_cap" for p in refused.problems)
        for p in refused.problems:
            at = Decimal(re.search(r"金额为 ([\d,.]+) 元", p.message_zh).group(1).replace(",", ""))
            assert scale_exact(c.bands, c.method, at) > scale_exact(cap.bands, "marginal", at)
        return
    for x in probes:
        assert scale_exact(c.bands, c.method, x) <= scale_exact(cap.bands, "marginal", x)
