"""The case outbox: notices to creditors, agencies, complainants and operators, Chinese and English."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.cases.models import CaseNotification


def notify(
    session: Session,
    *,
    kind: str,
    recipient_kind: str,
    recipient_name: str,
    subject: tuple[str, str],
    body: tuple[str, str],
    now: datetime,
    recipient_code: str | None = None,
    case_id: int | None = None,
    complaint_id: int | None = None,
) -> CaseNotification:
    note = CaseNotification(
        case_id=case_id,
        complaint_id=complaint_id,
        kind=kind,
        recipient_kind=recipient_kind,
        recipient_code=recipient_code,
        recipient_name=recipient_name,
        subject_zh=subject[0],
        subject_en=subject[1],
        body_zh=body[0],
        body_en=body[1],
        created_at=now,
    )
    session.add(note)
    return note


def outbox(
    session: Session,
    *,
    recipient_kind: str | None = None,
    case_id: int | None = None,
    complaint_id: int | None = None,
    undelivered: bool = False,
    limit: int = 100,
) -> list[CaseNotification]:
    """What a notifier must deliver, oldest first."""
    q = select(CaseNotification).order_by(CaseNotification.id).limit(limit)
    if recipient_kind:
        q = q.where(CaseNotification.recipient_kind == recipient_kind)
    if case_id is not None:
        q = q.where(CaseNotification.case_id == case_id)
    if complaint_id is not None:
        q = q.where(CaseNotification.complaint_id == complaint_id)
    if undelivered:
        q = q.where(CaseNotification.delivered_at.is_(None))
    return list(session.scalars(q))
