"""Seams for what other domains say about an agency: verdict, rating, stars, case performance.

The agency never types these in. Each domain registers a provider that, given credit codes,
returns what it knows; whatever no provider knows is shown as 尚未评定 / not yet rated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy.orm import Session

from xinyong.seams import Seam

NOT_RATED_ZH = "尚未评定"
NOT_RATED_EN = "not yet rated"


@dataclass
class Verdict:
    """The three-step verification's verdict (三步核验结论), from the verification domain."""

    result: str  # e.g. pass / warn / fail
    label_zh: str
    label_en: str
    checked_at: str | None = None
    record_url: str | None = None
    # The finding the verdict is told by (the first failing one, else the first warning).
    reason_zh: str | None = None
    reason_en: str | None = None


@dataclass
class Performance:
    """Figures computed from case outcomes (cases domain) — never declared by the agency."""

    cases: int
    recovery_rate: Decimal | None = None  # percent of the amount entrusted recovered
    average_cycle_days: Decimal | None = None
    mediation_share: Decimal | None = None  # percent of cases settled by mediation
    first_report_within_3_days_share: Decimal | None = None  # percent


@dataclass
class Standing:
    verdict: Verdict | None = None
    rating: str | None = None  # AAA … C (rating domain)
    stars: int | None = None  # 星级认证 (lists domain)
    performance: Performance | None = None
    # Records in force and list standing (profile/glance.Glance): what the search page tags.
    records: Any = None
    sources: list[str] = field(default_factory=list)  # which providers contributed


# A provider returns, per credit code it knows, any of: verdict, rating, stars, performance,
# records.
Provider = Callable[[Session, list[str]], dict[str, dict[str, Any]]]
# Verification, rating, lists and cases plug theirs in through `wiring.connect()`.
STANDING_PROVIDERS: Seam[Provider] = Seam("agencies.standing")


def standings(
    session: Session, codes: list[str], only: frozenset[str] | None = None
) -> dict[str, Standing]:
    """What the providers (all, or those named in `only`) know of each code."""
    out = {code: Standing() for code in codes}
    for name, provider in STANDING_PROVIDERS.items():
        if only is not None and name not in only:
            continue
        for code, facts in provider(session, codes).items():
            if code not in out:
                continue
            s = out[code]
            for key, value in facts.items():
                setattr(s, key, value)
            s.sources.append(name)
    return out


# One agency's verdict for a fee quote (`verdict_of`): given a session, the credit code, the
# server's answer cache (or None) and a set to fill with what the verdict rests on (api/carry:
# the firm and its people), the verdict, or None when there is none (not in the registry).
OneVerdict = Callable[[Session, str, Any, set[str]], Verdict | None]
# The verification domain plugs its provider in through `wiring.connect()`.
VERDICT_PROVIDERS: Seam[OneVerdict] = Seam("agencies.verdict")


def verdict_of(session: Session, code: str, cache: Any, shown: set[str]) -> Verdict | None:
    """The verdict the directory goes by for one agency, from the first provider that gives one."""
    for provider in VERDICT_PROVIDERS:
        found = provider(session, code, cache, shown)
        if found is not None:
            return found
    return None
