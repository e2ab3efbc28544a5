"""Applying the scorecard to one enterprise's facts: points per dimension, score, grade, colour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from dateutil.relativedelta import relativedelta

from xinyong.rating.config import Scorecard, hotter, worse
from xinyong.rating.facts import MAX_REFS, Facts
from xinyong.rating.signals import ServiceRecord
from xinyong.verification.rules import default_rules

REVOKED = "吊销"
CANCELLED = "注销"
MOVED_OUT = "迁出"


@dataclass(frozen=True)
class Result:
    score: int
    grade: str
    colour: str
    factors: list[dict[str, Any]]  # only factors that hit, or are "no record"
    unassessed: list[str]  # dimensions left out for want of any record


@lru_cache(maxsize=8)
def _cutoffs(today: date) -> tuple[date, date]:
    return today - relativedelta(years=1), today - relativedelta(years=3)


def _condition_hits(f: Facts, card: Scorecard, today: date) -> None:
    """Facts that are states of the enterprise itself rather than records against it."""
    if f.status == REVOKED:
        f.hits["revoked"].append(f.ref)
    elif f.status == CANCELLED:
        f.hits["cancelled"].append(f.ref)
    elif f.status == MOVED_OUT:
        f.hits["moved_out"].append(f.ref)
    if f.term_to is not None and f.term_to < today and f.status not in (REVOKED, CANCELLED):
        f.hits["term_expired"].append(f.ref)
    if f.established_on is not None:
        one, three = _cutoffs(today)
        if f.established_on > one:
            f.hits["very_young"].append(f.ref)
        elif f.established_on > three:
            f.hits["young"].append(f.ref)
    # The same marks as the three-step verification's step 2 (its rules.yaml), not a second list.
    rules = default_rules()
    text = f.name + (f.scope or "")
    if any(t in text for t in rules.collector_terms):  # cheap test first; most firms stop here
        scope = rules.collector_exclusion.sub("", f.scope or "")
        if any(t in f.name or t in scope for t in rules.collector_terms):
            f.hits["unlawful_collector"].append(f.ref)
    small = int(card.thresholds.small_capital_yuan * 100)
    if f.capital_fen is None or f.capital_fen < small:
        f.hits["small_capital"].append(f.ref)
    if f.changes_last_year >= card.thresholds.frequent_changes_per_year:
        f.hits["frequent_changes"].append(f.ref)


def _service_hits(f: Facts, card: Scorecard, record: ServiceRecord | None) -> set[str]:
    """Complaint, SLA and transparency facts; returns the factors there is no record for."""
    unknown: set[str] = set()
    refs = list(record.sources) if record else []
    if f.agency and f.fee_schedule is None:
        f.hits["no_fee_schedule"].append(f.ref)
    if record is None:
        return {"complaints_late", "complaints_many", "no_contract_template", "no_evidence",
                "first_reports_late"}  # fmt: skip
    if record.complaints == 0 and record.cases == 0:
        unknown |= {"complaints_late", "complaints_many"}
    else:
        for _ in range(record.breached):
            f.hits["complaints_late"].extend(refs[:1] or [{"record": "service_record"}])
        if record.complaints >= card.thresholds.many_complaints_per_year:
            f.hits["complaints_many"].extend(refs[:1] or [{"record": "service_record"}])
    if record.contract_template_adopted is None:
        unknown.add("no_contract_template")
    elif not record.contract_template_adopted:
        # Cite what the answer rests on: the contracts reviewed, else the schedule's declaration.
        schedule = [r for r in refs if r.get("source") == "agencies"]
        basis = refs if record.contracts_reviewed or not schedule else schedule
        f.hits["no_contract_template"].extend(basis[:1] or [{"record": "service_record"}])
    if record.cases == 0:
        unknown.add("no_evidence")
    elif record.evidence_items == 0:
        f.hits["no_evidence"].extend(refs[:1] or [{"record": "service_record"}])
    if record.first_reports_due == 0:
        unknown.add("first_reports_late")
    else:
        late = 1 - record.first_reports_on_time / record.first_reports_due
        if late > card.thresholds.first_reports_late_share:
            f.hits["first_reports_late"].extend(refs[:1] or [{"record": "service_record"}])
    return unknown


_LAYOUTS: dict[int, tuple] = {}


def _layout(card: Scorecard) -> tuple:
    """Factor order and each dimension's factors, worked out once per card (a full pass scores
    millions of enterprises)."""
    layout = _LAYOUTS.get(id(card))
    if layout is None:
        order = {n: i for i, n in enumerate(card.factors)}
        dims = [
            (name, dim, [(n, fa) for n, fa in card.factors.items() if fa.dimension == name])
            for name, dim in card.dimensions.items()
        ]
        layout = _LAYOUTS[id(card)] = (order, dims)
    return layout


_POSSIBLE: dict[tuple[int, frozenset[str]], list] = {}


def _possible(card: Scorecard, unknown: frozenset[str]) -> list:
    """Per dimension: the points possible once factors without a record are left out, and
    those factors' names. Few distinct `unknown` sets occur, so each is worked out once."""
    key = (id(card), unknown)
    found = _POSSIBLE.get(key)
    if found is None:
        found = []
        for name, dim, in_dim in _layout(card)[1]:
            missing = sorted(n for n, _ in in_dim if n in unknown)
            left_out = sum(
                card.factors[n].max if card.factors[n].per_record and card.factors[n].max
                else card.factors[n].points
                for n in missing
            )  # fmt: skip
            found.append((name, dim, dim.points - left_out, missing))
        _POSSIBLE[key] = found
    return found


def score(f: Facts, card: Scorecard, today: date, record: ServiceRecord | None = None) -> Result:
    _condition_hits(f, card, today)
    unknown = _service_hits(f, card, record)
    order, dims = _layout(card)
    taken_by_dim: dict[str, int] = {}
    grade_ceiling = "AAA"
    colour = "green"
    hit_factors: list[tuple[int, str, dict[str, Any]]] = []
    for name, refs in f.hits.items():
        if not refs:
            continue
        fa = card.factors[name]
        if fa.dimension == "transparency" and not f.agency:
            continue
        points = fa.deduction(len(refs))
        taken_by_dim[fa.dimension] = taken_by_dim.get(fa.dimension, 0) + points
        colour = hotter(colour, fa.colour)
        if fa.ceiling:
            grade_ceiling = worse(grade_ceiling, fa.ceiling)
        hit_factors.append(
            (order[name], fa.dimension,
             {"factor": name, "points": -points, "count": len(refs), "records": refs[:MAX_REFS]})
        )  # fmt: skip
    hit_factors.sort(key=lambda x: x[0])
    kept_total = possible_total = 0
    factors: list[dict[str, Any]] = []
    unassessed: list[str] = []
    for dim_name, dim, possible, no_record in _possible(card, frozenset(unknown)):
        if dim.agencies_only and not f.agency:
            continue
        if possible <= 0:
            unassessed.append(dim_name)
            continue
        if hit_factors:
            factors.extend(x[2] for x in hit_factors if x[1] == dim_name)
        for name in no_record:
            factors.append(
                {"factor": name, "points": 0, "count": 0, "records": [], "no_record": True}
            )
        kept_total += max(0, possible - taken_by_dim.get(dim_name, 0))
        possible_total += possible
    value = round(100 * kept_total / possible_total) if possible_total else 0
    if worse(card.grade_for(value), grade_ceiling) != card.grade_for(value):
        # A ceiling fact (revoked, 失信, black list) caps the score too, so score and grade agree.
        capped = card.highest_score(grade_ceiling)
        by = [x["factor"] for x in factors if card.factors[x["factor"]].ceiling == grade_ceiling]
        factors.append(
            {"factor": "ceiling", "grade": grade_ceiling, "points": capped - value, "by": by,
             "count": 0, "records": []}
        )  # fmt: skip
        value = capped
    grade = card.grade_for(value)
    for floor_grade, floor_colour in card.grade_colour_floor.items():
        if worse(grade, floor_grade) == grade:
            colour = hotter(colour, floor_colour)
    return Result(value, grade, colour, factors, unassessed)
