"""Hypothesis strategies: well-formed commission scales and amounts exact to the fen."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import strategies as st

from xinyong.agencies.schedule import Band, Commission

amounts = st.integers(min_value=0, max_value=10**11).map(lambda fen: Decimal(fen) / 100)
rates = st.integers(min_value=0, max_value=10000).map(lambda r: Decimal(r) / 100)


@st.composite
def scales(draw, method: str, contingency: bool = False) -> Commission:
    """A gap-free, overlap-free scale: 1–6 bands, edges in whole yuan, last band open."""
    edges = sorted(set(draw(st.lists(st.integers(1, 10**8), min_size=0, max_size=5))))
    bounds = [0, *edges, None]
    bands = [
        Band(lower=Decimal(lo), upper=None if hi is None else Decimal(hi), rate=draw(rates))
        for lo, hi in zip(bounds, bounds[1:], strict=False)
    ]
    return Commission(method=method, contingency=contingency, bands=bands)
