"""Delivery of account messages (password resets): a pluggable notifier; the default is a local outbox."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.accounts.models import OutboxMessage
from xinyong.paging import PAGE_SIZE, Page, keyset

# (session, recipient, subject, body, now) -> None; a deployment registers e-mail or SMS here.
Notifier = Callable[[Session, str, str, str, datetime], None]


def outbox(session: Session, recipient: str, subject: str, body: str, now: datetime) -> None:
    """The default: keep the message in the outbox table, which the operator page shows."""
    session.add(OutboxMessage(recipient=recipient, subject=subject, body=body, created_at=now))


_notifier: Notifier = outbox


def register_notifier(notifier: Notifier) -> None:
    global _notifier
    _notifier = notifier


def notifier() -> Notifier:
    return _notifier


def recent_page(
    session: Session, *, before: int | None = None, after: int | None = None, size: int = PAGE_SIZE
) -> Page[OutboxMessage]:
    """One page of the stored messages, newest first (the console's outbox)."""
    query = select(OutboxMessage)
    return keyset(session, query, OutboxMessage.id, before=before, after=after, size=size)


def recent(session: Session, limit: int = 100) -> list[OutboxMessage]:
    return list(
        session.scalars(select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit))
    )
