"""Public shapes of enforcement records: persons masked, amounts in yuan, provenance and history."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel

from xinyong.registry.schemas import ProvenanceOut


class EarlierVersion(BaseModel):
    """A version we held before, and which of the shown fields the next version changed."""

    known_from: datetime
    known_to: datetime
    as_of: date | None
    changed: list[str]


class JudicialRecord(BaseModel):
    party_name: str  # masked for natural persons
    party_kind: str  # person / organisation
    party_id: str | None  # an organisation's code; a person's ID only masked
    linked_credit_code: str | None
    link_status: str  # code / name (how the record was tied to this enterprise)
    current: bool  # False once upstream ended it
    ended_on: date | None
    end_reason: str | None
    provenance: ProvenanceOut
    history: list[EarlierVersion]


class EnforcementCaseOut(JudicialRecord):
    """被执行人: a party under enforcement in one case."""

    case_number: str
    court: str
    filed_on: date
    amount_yuan: Decimal | None
    case_status: str | None
    case_closed_on: date | None


class DishonestRecordOut(JudicialRecord):
    """失信被执行人: a dishonest judgment debtor entry."""

    party_type: str | None
    legal_rep: str | None
    province: str | None
    court: str
    case_number: str
    filed_on: date | None
    published_on: date
    basis_number: str | None
    basis_issuer: str | None
    obligation: str | None
    performance: str | None
    performed_part: str | None
    unperformed_part: str | None
    conduct: str | None


class EnforcementRecords(BaseModel):
    """An enterprise's enforcement records, current and closed, newest first."""

    credit_code: str
    cases: list[EnforcementCaseOut]
    dishonest: list[DishonestRecordOut]
