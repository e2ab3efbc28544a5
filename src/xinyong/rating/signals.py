"""The seam for what the cases domain knows about an agency's service: complaints, SLAs, evidence.

Rating never reads case tables itself. The cases domain registers a provider on
`SERVICE_RECORDS` (in `xinyong.wiring`); with none registered, or no record for a code, the complaint and SLA
factors say 暂无记录 / no record and count neither for nor against the subject.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from xinyong.seams import Seam


@dataclass(frozen=True)
class ServiceRecord:
    """One agency's service record over the past year, as the cases domain computes it."""

    complaints: int = 0  # 投诉 received
    answered_in_time: int = 0  # answered within 48 hours
    breached: int = 0  # not answered within 48 hours (escalated)
    first_reports_due: int = 0  # cases whose first investigation report fell due
    first_reports_on_time: int = 0  # … delivered within 3 days
    evidence_items: int = 0  # progress evidence anchored in the ledger
    cases: int = 0  # cases entrusted
    contract_template_adopted: bool | None = None  # uses the platform's 债务委托协议范本
    # What that rests on: the template the schedule in force declares, and the entrustment
    # contracts reviewed (of which `contracts_short` miss the model's mandatory clauses).
    template_declared: str | None = None
    contracts_reviewed: int = 0
    contracts_short: int = 0
    # Where these figures come from, for the explanation: {source, source_record_id, as_of}.
    sources: list[dict[str, Any]] = field(default_factory=list)


# fn(session, credit_codes, now) -> {credit_code: ServiceRecord}; codes it knows nothing about are
# left out. `now` is the rating's clock: whether an answer or a report is overdue depends on it.
ServiceRecordProvider = Callable[[Session, list[str], datetime], dict[str, ServiceRecord]]
# The cases domain plugs its provider in through `wiring.connect()`.
SERVICE_RECORDS: Seam[ServiceRecordProvider] = Seam("rating.service_records")


def service_records(session: Session, codes: list[str], now: datetime) -> dict[str, ServiceRecord]:
    """What the registered providers know at `now` (a later provider's answer for a code wins)."""
    out: dict[str, ServiceRecord] = {}
    if not codes:
        return out
    for provider in SERVICE_RECORDS:
        out.update(provider(session, codes, now))
    return out
