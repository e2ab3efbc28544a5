"""Public shape of a penalty record: persons masked, amounts in yuan, provenance and history."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from xinyong.enforcement.schemas import JudicialRecord


class PenaltyOut(JudicialRecord):
    """行政处罚: one decision against one party. `party_id` is the party's credit code."""

    party_category: str
    legal_rep: str | None
    decision_number: str
    violation_type: str | None
    facts: str | None
    legal_basis: str | None
    penalty_types: str
    content: str | None
    fine_yuan: Decimal | None
    confiscated_yuan: Decimal | None
    licence_action: str | None
    decided_on: date
    valid_until: date | None
    publish_until: date | None
    authority: str
    authority_credit_code: str | None
    data_source_unit: str | None
