"""Anchors other domains' records in the ledger as they are written: each stored verification and
each red/black list decision becomes a leaf in the same transaction (no ledger code in those domains).

`install()` is called once by `wiring.connect()`: list decisions are seen at every session's
flush; verifications, stored with a Core insert, are handed over through verification's seam.
"""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import Session

from xinyong.db import Carried
from xinyong.ledger import service

# List history steps that are not decisions: filings and notices.
NOT_DECISIONS = {"proposed", "notified", "objection_submitted", "repair_submitted"}


def _digest(text: str | None) -> str | None:
    return hashlib.sha256(text.encode()).hexdigest() if text else None


def verification_payload(v: dict[str, Any]) -> dict[str, Any]:
    """The record's id, subject code, verdict and digest: anyone holding the record checks it."""
    return {
        "verification": v["id"],
        "credit_code": v["credit_code"],
        "service": v["service"],
        "verdict": v["verdict"],
        "rules_version": v["rules_version"],
        "digest": v["digest"],
        "checked_at": v["created_at"],
    }


def anchor_verifications(
    session: Session, rows: list[dict[str, Any]], carried: Carried | None = None
) -> None:
    """Verification rows (their column values) as leaves, one append for all; `carried` is the
    rows' own insert when it is not made yet, made with the append (store.append)."""
    service.append_many(
        session,
        [service.Entry("verification", verification_payload(row)) for row in rows],
        now=max((row["created_at"] for row in rows if row["created_at"]), default=None),
        carried=carried,
    )


def list_decision_payload(ev, entry) -> dict[str, Any]:
    """Entry, list, step and who decided; a person's name stays out (only the reason's hash)."""
    return {
        "entry": ev.entry_id,
        "list_type": entry.list_type if entry is not None else None,
        "credit_code": entry.credit_code if entry is not None else None,
        "action": ev.action,
        "from_state": ev.from_state,
        "to_state": ev.to_state,
        "decided_by": ev.actor,
        "decided_at": ev.at,
        "reason_sha256": _digest(ev.reason),
        "objection": ev.objection_id,
        "repair": ev.repair_id,
    }


def _before_flush(session: Session, _context, _instances) -> None:
    from xinyong.lists.models import ListEntry, ListEvent

    entries: list[service.Entry] = []
    times = []
    with session.no_autoflush:
        for obj in list(session.new):
            if isinstance(obj, ListEvent) and obj.action not in NOT_DECISIONS:
                entry = session.get(ListEntry, obj.entry_id) if obj.entry_id else None
                entries.append(service.Entry("list_decision", list_decision_payload(obj, entry)))
                times.append(obj.at)
    if entries:
        # Recorded at the record's own time, so a replayed clock gives the same leaves.
        service.append_many(session, entries, now=max((t for t in times if t), default=None))


def installed() -> bool:
    return event.contains(Session, "before_flush", _before_flush)


def install() -> None:
    from xinyong.verification.service import RECORD_ANCHORS

    RECORD_ANCHORS.register("ledger", anchor_verifications)
    if not event.contains(Session, "before_flush", _before_flush):
        event.listen(Session, "before_flush", _before_flush)


def uninstall() -> None:
    from xinyong.verification.service import RECORD_ANCHORS

    RECORD_ANCHORS.unregister("ledger")
    if event.contains(Session, "before_flush", _before_flush):
        event.remove(Session, "before_flush", _before_flush)
