"""An agency's service record from its cases and complaints: what the rating and stars read."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import TypeAdapter
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.agencies.standing import Performance
from xinyong.cases.models import Complaint, DebtCase, EvidenceItem
from xinyong.lists.clock import resolve

_PCT = Decimal("0.01")
_DAYS = Decimal("0.1")


def _pct(part: int | Decimal, whole: int | Decimal) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_PCT, ROUND_HALF_UP)


@dataclass
class ServiceRecord:
    """Counts first, then the shares computed from them (None where there is nothing to divide)."""

    cases: int = 0
    amount_entrusted: Decimal = Decimal(0)
    amount_recovered: Decimal = Decimal(0)
    recovery_rate: Decimal | None = None  # % of the amount entrusted
    finished: int = 0
    cycle_days: Decimal | None = None  # mean days from entrustment to finish
    recovered_cases: int = 0
    mediated: int = 0
    mediation_share: Decimal | None = None  # % of cases with money back settled in mediation
    first_reports_due: int = 0
    first_reports_on_time: int = 0
    first_report_share: Decimal | None = None  # % delivered within 3 days
    evidence_items: int = 0
    contracts_reviewed: int = 0  # entrustment contracts given and reviewed on entrusting
    contracts_short: int = 0  # … of which missing the model agreement's mandatory clauses
    complaints: int = 0
    # Answered, or their 48 hours ran out: an open complaint still within its hours is neither
    # in time nor late yet.
    complaints_due: int = 0
    answered_in_time: int = 0
    answered_late: int = 0
    breached: int = 0  # the 48 hours ran out before an answer
    open_complaints: int = 0
    complaint_share: Decimal | None = None  # % of the complaints due answered within 48 hours
    satisfaction: Decimal | None = None  # mean 1–5

    def as_dict(self) -> dict[str, Any]:
        """JSON-ready: amounts and shares as exact decimal strings."""
        return TypeAdapter(ServiceRecord).dump_python(self, mode="json")


def service_record(
    session: Session, credit_codes: list[str], now: datetime | None = None
) -> dict[str, ServiceRecord]:
    """Every code asked for gets a record (zeros when the platform has seen nothing of it)."""
    now = resolve(now)
    out = {code: ServiceRecord() for code in credit_codes}
    if not credit_codes:
        return out
    cases = session.execute(
        select(
            DebtCase.agency_code,
            DebtCase.amount_fen,
            DebtCase.recovered_fen,
            DebtCase.recovered_via,
            DebtCase.entrusted_at,
            DebtCase.finished_at,
            DebtCase.first_report_due_at,
            DebtCase.first_report_at,
            DebtCase.contract_review,
        ).where(DebtCase.agency_code.in_(credit_codes), DebtCase.entrusted_at.is_not(None))
    )
    cycle: dict[str, list[float]] = {}
    for code, amount, recovered, via, entrusted, finished, due, reported, review in cases:
        r = out[code]
        r.cases += 1
        if review:
            r.contracts_reviewed += 1
            r.contracts_short += review.get("verdict") == "missing_clauses"
        r.amount_entrusted += Decimal(amount) / 100
        r.amount_recovered += Decimal(recovered) / 100
        if finished is not None:
            r.finished += 1
            cycle.setdefault(code, []).append((finished - entrusted).total_seconds() / 86400)
        if recovered:
            r.recovered_cases += 1
            r.mediated += via == "mediating"
        # A report is due once it was delivered or its deadline passed.
        if reported is not None or (due is not None and due < now):
            r.first_reports_due += 1
            r.first_reports_on_time += reported is not None and reported <= due
    complaints = session.execute(
        select(
            Complaint.agency_code,
            Complaint.due_at,
            Complaint.responded_at,
            Complaint.breached_at,
            Complaint.satisfaction,
        ).where(Complaint.agency_code.in_(credit_codes))
    )
    ratings: dict[str, list[int]] = {}
    for code, due, answered, breached, satisfaction in complaints:
        r = out[code]
        r.complaints += 1
        r.complaints_due += answered is not None or due < now
        if answered is not None:
            if answered <= due:
                r.answered_in_time += 1
            else:
                r.answered_late += 1
        elif due >= now:
            r.open_complaints += 1
        if (
            breached is not None
            or (answered is None and due < now)
            or (answered and answered > due)
        ):
            r.breached += 1
        if satisfaction is not None:
            ratings.setdefault(code, []).append(satisfaction)
    for code, n in session.execute(
        select(EvidenceItem.agency_code, func.count())
        .where(
            EvidenceItem.agency_code.in_(credit_codes),
            EvidenceItem.role.in_(("progress", "report")),
        )
        .group_by(EvidenceItem.agency_code)
    ):
        out[code].evidence_items = n
    for code, r in out.items():
        r.recovery_rate = _pct(r.amount_recovered, r.amount_entrusted)
        r.mediation_share = _pct(r.mediated, r.recovered_cases)
        r.first_report_share = _pct(r.first_reports_on_time, r.first_reports_due)
        r.complaint_share = _pct(r.answered_in_time, r.complaints_due)
        if cycle.get(code):
            days = Decimal(str(sum(cycle[code]) / len(cycle[code])))
            r.cycle_days = days.quantize(_DAYS, ROUND_HALF_UP)
        if ratings.get(code):
            mean = Decimal(sum(ratings[code])) / len(ratings[code])
            r.satisfaction = mean.quantize(_PCT, ROUND_HALF_UP)
    return out


def standing_provider(session: Session, codes: list[str]) -> dict[str, dict[str, Any]]:
    """For `agencies.standing.register_provider('cases', …)`: the directory's performance figures."""
    found = {}
    for code, r in service_record(session, codes).items():
        if r.cases == 0:
            continue
        found[code] = {
            "performance": Performance(
                cases=r.cases,
                recovery_rate=r.recovery_rate,
                average_cycle_days=r.cycle_days,
                mediation_share=r.mediation_share,
                first_report_within_3_days_share=r.first_report_share,
            )
        }
    return found
