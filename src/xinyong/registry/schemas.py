"""Public shapes of registry records (API responses), each carrying its provenance."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, ConfigDict


class ProvenanceOut(BaseModel):
    source: str
    source_record_id: str
    fetched_at: datetime
    as_of: date | None
    known_from: datetime
    demo: bool


class Record(BaseModel):
    model_config = ConfigDict(from_attributes=True)
    provenance: ProvenanceOut


class ShareholderOut(Record):
    name: str
    kind: str | None
    id_type: str | None
    id_number: str | None  # masked for natural persons
    subscribed_yuan: Decimal | None
    share_percent: Decimal | None
    subscribed_on: date | None
    ended_on: date | None


class LicenceOut(Record):
    kind: str
    title: str
    number: str | None
    issuer: str | None
    valid_from: date | None
    valid_to: date | None
    content: str | None
    status: str
    ended_on: date | None


class AbnormalEntryOut(Record):
    reason: str
    listed_on: date
    listed_by: str | None
    removal_reason: str | None
    removed_on: date | None
    removed_by: str | None
    current: bool


class DivisionOut(BaseModel):
    code: str
    name: str
    known: bool


class EnterpriseOut(Record):
    credit_code: str
    reg_no: str | None
    org_code: str | None
    name: str
    former_names: list[str]
    legal_rep: str | None
    entity_type: str | None
    registered_capital_yuan: Decimal | None
    capital_currency: str | None
    established_on: date | None
    term_from: date | None
    term_to: date | None
    registration_authority: str | None
    approved_on: date | None
    status: str
    status_date: date | None
    status_reason: str | None
    active: bool
    address: str | None
    division: DivisionOut | None
    business_scope: str | None
    industry: str | None


class ProfileOut(BaseModel):
    as_known_on: datetime | None
    enterprise: EnterpriseOut
    shareholders: list[ShareholderOut]
    licences: list[LicenceOut]
    abnormal_entries: list[AbnormalEntryOut]
