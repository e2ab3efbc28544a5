"""Pydantic shapes of list entries, their history, objections, repairs and notices."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

OFFICIAL_LABEL_ZH = "官方名单（依法认定并公示）"
OFFICIAL_LABEL_EN = "Official list (decided and published under law)"


class SourceRecord(BaseModel):
    """A record the decision rests on: an imported record, or a decision document."""

    layout: str | None = None
    source: str = Field(min_length=1, max_length=64)
    source_record_id: str = Field(min_length=1, max_length=128)


class ProposalIn(BaseModel):
    """What an operator (or a rule) proposes for a list."""

    model_config = ConfigDict(extra="forbid")

    list_type: Literal["red", "black"]
    publicity_class: str = Field(
        description="minor / general / serious / dishonest_debtor / recommended"
    )
    aggravated: bool = False
    subject_kind: Literal["organisation", "person"] = "organisation"
    credit_code: str | None = None
    subject_name: str = Field(min_length=1, max_length=200)
    subject_id: str | None = Field(None, max_length=40)
    reason_zh: str = Field(min_length=1)
    reason_en: str = Field(min_length=1)
    legal_basis_zh: str = Field(min_length=1)
    legal_basis_en: str = Field(min_length=1)
    source_records: list[SourceRecord] = Field(min_length=1)
    authority: str = Field(min_length=1, max_length=200)
    decision_date: date
    publicity_end: date | None = Field(
        None, description="默认按类别的默认期限 / default: the class's default period"
    )
    # Minor dishonesty may be recorded without being published at all.
    publish: bool = True


class DecisionIn(BaseModel):
    reason: str | None = Field(None, description="理由 / reason")


class ReasonIn(BaseModel):
    reason: str = Field(min_length=1, description="理由（必填） / reason (required)")


class PublicEntry(BaseModel):
    """A published entry as anyone may read it: persons masked, the official nature labelled."""

    id: int
    official: bool = True
    label_zh: str
    label_en: str
    list_type: str
    list_name_zh: str
    list_name_en: str
    publicity_class: str
    class_label_zh: str
    class_label_en: str
    aggravated: bool
    subject_kind: str
    credit_code: str | None
    subject_name: str
    subject_id: str | None
    reason_zh: str
    reason_en: str
    legal_basis_zh: str
    legal_basis_en: str
    instrument_zh: str
    instrument_en: str
    source_records: list[dict[str, Any]]
    authority: str
    decision_date: date
    publicity_start: date | None
    publicity_end: date | None


class EventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    action: str
    from_state: str | None
    to_state: str | None
    actor: str
    at: datetime
    reason: str | None
    changes: dict[str, Any] | None
    objection_id: int | None
    repair_id: int | None


class OperatorEntry(PublicEntry):
    """An entry as operators see it: its state, origin and full history."""

    state: str
    origin: str
    rule_id: str | None
    rule_version: int | None
    created_by: str
    created_at: datetime
    ended_at: datetime | None
    history: list[EventOut]
    # Approved entries: the first day the notice's waiting period allows publication, and an
    # open objection that holds it back until decided.
    publishable_from: date | None = None
    open_objection_id: int | None = None


class Material(BaseModel):
    kind: str = Field(description="材料类型，如 application_form / material kind")
    name: str = Field(min_length=1, max_length=300, description="文件名或说明 / file name")
    sha256: str | None = Field(None, pattern=r"^[0-9a-f]{64}$")


class ObjectionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: int
    case_type: str = Field(description="wrong_facts / wrong_subject / period")
    applicant_name: str = Field(min_length=1, max_length=200)
    applicant_contact: str = Field(min_length=1, max_length=200)
    statement: str = Field(min_length=1)
    materials: list[Material]


class ObjectionDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    upheld: bool
    reason: str = Field(min_length=1)
    outcome: Literal["revoke", "correct"] | None = Field(
        None, description="异议成立时：撤销或更正 / when upheld: revoke or correct the entry"
    )
    corrections: dict[str, Any] | None = None


class ObjectionOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    entry_id: int
    case_type: str
    state: str
    state_zh: str
    submitted_at: datetime
    due_on: date
    overdue: bool
    decided_at: datetime | None
    decision_reason: str | None
    outcome: str | None
    corrections: dict[str, Any] | None
    materials: list[dict[str, Any]]
    # Shown once, on filing: the applicant needs it to read the status.
    query_code: str | None = None


class OperatorObjectionOut(ObjectionOut):
    """An objection as the operator deciding it reads it: who applied, how to reach them
    (operators only), what they wrote, and which entry it concerns."""

    case_type_zh: str
    case_type_en: str
    applicant_name: str
    applicant_contact: str
    statement: str
    subject_name: str
    entry_state: str


class RepairIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    entry_id: int
    applicant_name: str = Field(min_length=1, max_length=200)
    applicant_contact: str = Field(min_length=1, max_length=200)
    statement: str = Field(min_length=1)
    materials: list[Material]


class RepairDecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    approved: bool
    reason: str = Field(min_length=1)


class RepairOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    entry_id: int
    state: str
    state_zh: str
    submitted_at: datetime
    due_on: date
    overdue: bool
    decided_at: datetime | None
    decision_reason: str | None
    materials: list[dict[str, Any]]
    # Shown once, on filing: the applicant needs it to read the status.
    query_code: str | None = None


class OperatorRepairOut(RepairOut):
    """A repair application as the operator deciding it reads it (contact: operators only)."""

    applicant_name: str
    applicant_contact: str
    statement: str
    subject_name: str
    class_label_zh: str
    class_label_en: str
    entry_state: str


class NotificationOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    entry_id: int
    objection_id: int | None
    repair_id: int | None
    kind: str
    recipient_code: str | None
    recipient_name: str
    recipient_contact: str | None
    subject_zh: str
    subject_en: str
    body_zh: str
    body_en: str
    created_at: datetime
    delivered_at: datetime | None


class RiskFlag(BaseModel):
    """One of the platform's own risk flags (alerts): a warning, not an official list."""

    id: int
    rule_id: str
    severity: str
    message_zh: str
    message_en: str
    created_at: datetime


class SubjectStanding(BaseModel):
    """Everything about one credit code, official lists and platform flags kept apart."""

    credit_code: str
    on_black_list: bool
    on_red_list: bool
    official_lists: list[PublicEntry]
    platform_risk_flags_label_zh: str = "平台风险提示（平台自动预警，非官方名单，不具有认定效力）"
    platform_risk_flags_label_en: str = "Platform risk flags (automatic warnings of this platform; not an official list, no legal effect)"
    platform_risk_flags: list[RiskFlag]
