"""Shared ground of the demo builders: the random stream, calendar milestones, weighted tables."""

from __future__ import annotations

from datetime import date
from random import Random
from typing import TypeVar

T = TypeVar("T")

D2014 = date(2014, 3, 1).toordinal()  # registered-capital reform; annual inspection ends
D2015_10 = date(2015, 10, 1).toordinal()  # 三证合一: no new 注册号 after this day
D2017_03 = date(2017, 3, 1).toordinal()  # simplified cancellation (简易注销) begins
D2021_03 = date(2021, 3, 1).toordinal()  # 经营范围规范表述 wording
D2024_07 = date(2024, 7, 1).toordinal()  # new Company Law: capital paid within five years

ZONE = "320771"  # 连云港经济技术开发区, a division code GB/T 2260 does not have
COMPANY_FAMILIES = frozenset(
    {
        "llc_np",
        "llc_sole_np",
        "llc_corp",
        "llc_corp_np",
        "llc_state",
        "llc_state_ctrl",
        "jsc_np",
        "jsc",
        "fie_jv",
        "fie_foreign",
        "fie_hk",
        "fie_cjv",
    }
)


def weighted_table(pairs: list[tuple[T, float]], size: int = 10_000) -> list[T]:
    """A lookup table where each value fills a share of slots proportional to its weight.

    One random() and an index replace a weighted choice: the generator draws hundreds of
    millions of these, and this is several times faster than random.choices.
    """
    total = sum(w for _, w in pairs)
    out: list[T] = []
    running = 0.0
    for value, weight in pairs:
        # Cumulative rounding gives exactly `size` slots, so callers can index with a
        # constant instead of len().
        running += weight
        count = round(running / total * size) - len(out)
        if count < 1:
            raise ValueError(f"weight {weight} is too small for a table of {size}")
        out += [value] * count
    return out


def add_years(ordinal: int, years: int) -> int:
    d = date.fromordinal(ordinal)
    try:
        return d.replace(year=d.year + years).toordinal()
    except ValueError:  # 29 February
        return d.replace(year=d.year + years, day=28).toordinal()


def year_of(ordinal: int) -> int:
    return date.fromordinal(ordinal).year


class Draws:
    """Access to the one random stream every part of the generator draws from."""

    def __init__(self, rng: Random) -> None:
        self.rng = rng
        self.r = rng.random

    def pick(self, seq: tuple[T, ...] | list[T]) -> T:
        return seq[int(self.r() * len(seq))]

    def between(self, lo: int, hi: int) -> int:
        """A day in [lo, hi]; lo when the range is empty."""
        return lo if hi <= lo else lo + int(self.r() * (hi - lo + 1))
