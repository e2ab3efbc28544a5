"""What the case and complaint routes return: plain shapes built from the tables."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from pydantic import BaseModel, Field

from xinyong.cases import complaints as complaint_service
from xinyong.cases import service
from xinyong.cases.models import CaseEvent, Complaint, DebtCase, EvidenceItem
from xinyong.money import fen_to_yuan


class Clock(BaseModel):
    status: str  # not_started / running / on_time / late / missed (cases); running / answered_* / breached
    due_at: datetime | None
    seconds_left: int | None


class CaseOut(BaseModel):
    id: int
    number: str
    state: str
    state_zh: str
    state_en: str
    creditor_name: str
    debtor_name: str
    debtor_code: str | None
    amount: Decimal
    basis: str
    due_date: date
    registration_leaf: int | None
    agency_code: str | None
    agency_name: str | None
    contract_number: str | None
    contract_sha256: str | None
    contract_review: dict[str, Any] | None
    schedule_version: int | None
    entrusted_at: datetime | None
    first_report: Clock
    recovered: Decimal
    fee: Decimal | None
    fee_high: Decimal | None
    fee_lines: list[dict[str, Any]] | None
    finished_at: datetime | None


class EvidenceOut(BaseModel):
    id: int
    role: str
    file_sha256: str | None
    file_name: str | None
    media_type: str | None
    size: int | None
    leaf_index: int
    bundle_url: str


class EventOut(BaseModel):
    id: int
    kind: str
    at: datetime
    actor_kind: str
    actor_name: str
    from_state: str | None
    to_state: str | None
    text: str | None
    data: dict[str, Any]


class ComplaintEvidenceOut(BaseModel):
    """A complaint's exhibit (role `complaint`) or the agency's attachment (role `response`);
    the file opens for the complaint's readers only (add `?code=` as for the complaint)."""

    id: int
    role: str
    file_name: str | None
    media_type: str | None
    size: int | None
    file_sha256: str | None
    leaf_index: int
    file_url: str | None  # None for the text-only record


class ComplaintOut(BaseModel):
    id: int
    agency_code: str
    agency_name: str
    case_id: int | None
    complainant_kind: str
    category: str
    text: str
    state: str
    filed_at: datetime
    sla: Clock
    reminded_at: datetime | None
    responded_at: datetime | None
    response_text: str | None
    answered_in_time: bool | None
    breached_at: datetime | None
    escalated_at: datetime | None
    escalated_by: str | None = Field(
        None, description="system（48 小时未答复）/ complainant（投诉人申请平台介入）"
    )
    escalation_reason: str | None = Field(
        None, description="投诉人的理由 / the complainant's reason"
    )
    operator: str | None
    resolved_at: datetime | None
    resolution: str | None
    satisfaction: int | None
    history: list[dict[str, Any]]
    evidence: list[ComplaintEvidenceOut] = Field(
        default_factory=list, description="证据与答复附件 / exhibits and the answer's attachments"
    )


class FiledOut(BaseModel):
    complaint: ComplaintOut
    query_code: str = Field(description="查询码，只显示一次 / query code, shown once")


def case_out(case: DebtCase, now: datetime | None = None) -> CaseOut:
    return CaseOut(
        id=case.id,
        number=case.number,
        state=case.state,
        state_zh=service.STATE_ZH[case.state],
        state_en=service.STATE_EN[case.state],
        creditor_name=case.creditor_name,
        debtor_name=case.debtor_name,
        debtor_code=case.debtor_code,
        amount=fen_to_yuan(case.amount_fen),
        basis=case.basis,
        due_date=case.due_date,
        registration_leaf=case.registration_leaf,
        agency_code=case.agency_code,
        agency_name=case.agency_name,
        contract_number=case.contract_number,
        contract_sha256=case.contract_sha256,
        contract_review=case.contract_review,
        schedule_version=case.schedule_version,
        entrusted_at=case.entrusted_at,
        first_report=Clock(**service.first_report_clock(case, now)),
        recovered=fen_to_yuan(case.recovered_fen),
        fee=fen_to_yuan(case.fee_fen),
        fee_high=fen_to_yuan(case.fee_high_fen),
        fee_lines=case.fee_lines,
        finished_at=case.finished_at,
    )


def event_out(ev: CaseEvent) -> EventOut:
    return EventOut.model_validate(ev, from_attributes=True)


def evidence_out(item: EvidenceItem) -> EvidenceOut:
    return EvidenceOut(
        id=item.id,
        role=item.role,
        file_sha256=item.file_sha256,
        file_name=item.file_name,
        media_type=item.media_type,
        size=item.size,
        leaf_index=item.leaf_index,
        bundle_url=f"/api/v1/cases/{item.case_id}/evidence/{item.id}/bundle",
    )


def complaint_evidence_out(item: EvidenceItem) -> ComplaintEvidenceOut:
    return ComplaintEvidenceOut(
        id=item.id,
        role=item.role,
        file_name=item.file_name,
        media_type=item.media_type,
        size=item.size,
        file_sha256=item.file_sha256,
        leaf_index=item.leaf_index,
        file_url=(
            f"/api/v1/complaints/{item.complaint_id}/evidence/{item.id}/file"
            if item.file_sha256
            else None
        ),
    )


def complaint_out(
    c: Complaint, now: datetime | None = None, evidence: list[EvidenceItem] | None = None
) -> ComplaintOut:
    """`evidence`: the complaint's items (`complaints.evidence_of`)."""
    escalation = complaint_service.escalation_of(c)
    return ComplaintOut(
        id=c.id,
        agency_code=c.agency_code,
        agency_name=c.agency_name,
        case_id=c.case_id,
        complainant_kind=c.complainant_kind,
        category=c.category,
        text=c.text,
        state=c.state,
        filed_at=c.filed_at,
        sla=Clock(**complaint_service.sla_clock(c, now)),
        reminded_at=c.reminded_at,
        responded_at=c.responded_at,
        response_text=c.response_text,
        answered_in_time=complaint_service.answered_in_time(c),
        breached_at=c.breached_at,
        escalated_at=c.escalated_at,
        escalated_by=escalation["who"] if escalation else None,
        escalation_reason=escalation.get("reason") if escalation else None,
        operator=c.operator,
        resolved_at=c.resolved_at,
        resolution=c.resolution,
        satisfaction=c.satisfaction,
        history=c.history or [],
        evidence=[complaint_evidence_out(i) for i in evidence or []],
    )
