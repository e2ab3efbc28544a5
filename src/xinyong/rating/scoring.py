"""Applying the scorecard to one enterprise's facts: points per dimension, score, grade, colour."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
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
        if f.established_on > today - relativedelta(years=1):
            f.hits["very_young"].append(f.ref)
        elif f.established_on > today - relativedelta(years=3):
            f.hits["young"].append(f.ref)
    # The same marks as the three-step verification's step 2 (its rules.yaml), not a second list.
    rules = default_rules()
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
        f.hits["no_contract_template"].extend(refs[:1] or [{"record": "service_record"}])
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


def score(f: Facts, card: Scorecard, today: date, record: ServiceRecord | None = None) -> Result:
    _condition_hits(f, card, today)
    unknown = _service_hits(f, card, record)
    kept_total = possible_total = 0
    grade_ceiling = "AAA"
    colour = "green"
    factors: list[dict[str, Any]] = []
    unassessed: list[str] = []
    for dim_name, dim in card.dimensions.items():
        if dim.agencies_only and not f.agency:
            continue
        in_dim = [(n, fa) for n, fa in card.factors.items() if fa.dimension == dim_name]
        possible = dim.points - sum(
            fa.max if fa.per_record and fa.max else fa.points for n, fa in in_dim if n in unknown
        )
        if possible <= 0:
            unassessed.append(dim_name)
            continue
        taken = 0
        for name, fa in in_dim:
            refs = f.hits.get(name)
            if not refs:
                continue
            points = fa.deduction(len(refs))
            taken += points
            colour = hotter(colour, fa.colour)
            if fa.ceiling:
                grade_ceiling = worse(grade_ceiling, fa.ceiling)
            factors.append(
                {"factor": name, "points": -points, "count": len(refs), "records": refs[:MAX_REFS]}
            )
        for name in sorted(n for n, _ in in_dim if n in unknown):
            factors.append(
                {"factor": name, "points": 0, "count": 0, "records": [], "no_record": True}
            )
        kept_total += max(0, possible - taken)
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
