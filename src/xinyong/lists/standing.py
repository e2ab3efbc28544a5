"""A decision that changes what an entry publishes, handed on in its transaction to who reads lists."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, event
from sqlalchemy.orm import Session

from xinyong.seams import Seam

# What a provider is given: the decision's connection (its transaction, not committed yet), the
# moves by credit code ({record, id, action, zh, en} each, oldest first) and the decision's time.
Moves = dict[str, list[dict[str, Any]]]
STANDING_MOVED: Seam[Callable[[Connection, Moves, datetime], None]] = Seam("list standing moved")

_PENDING = "xinyong.lists.standing_moved"
_LIST_ZH = {"black": "黑名单", "red": "红名单"}
_LIST_EN = {"black": "black list", "red": "red list"}
# What an entry's history step did to its publication, as a grade's history names it.
_DONE = {
    "published": ("公示", "published"),
    "revoked": ("撤销", "revoked"),
    "expired": ("公示期满", "expired"),
    "repaired": ("信用修复", "repaired"),
    "corrected": ("更正", "corrected"),
}


@dataclass
class _Noted:
    """The moves a session's decisions made since its last flush, and the latest one's time."""

    moves: Moves = field(default_factory=dict)
    now: datetime | None = None


def moved(session: Session, entry: Any, action: str, now: datetime) -> None:
    """Note that this history step changed what the entry publishes (lists.service._event);
    the flush that writes it hands the note on. An entry about a person names no firm: no
    grade reads it."""
    if not entry.credit_code:
        return
    zh, en = _DONE.get(action, (action, action))
    noted = session.info.setdefault(_PENDING, _Noted())
    noted.now = now if noted.now is None else max(noted.now, now)
    noted.moves.setdefault(entry.credit_code, []).append(
        {
            "record": "list_entry",
            "id": entry.id,
            "action": action,
            "zh": f"{_LIST_ZH.get(entry.list_type, '')}信息 {entry.id} {zh}",
            "en": f"{_LIST_EN.get(entry.list_type, 'list')} entry {entry.id} {en}",
        }
    )


def _after_flush(session: Session, _context) -> None:
    """After the flush that wrote the decision, before its commit: every decision path (the
    API, the console, the expiry sweep, the rules' follow-up, a script) flushes before it
    commits, so none is left for a later pass to notice."""
    noted: _Noted | None = session.info.pop(_PENDING, None)
    if noted is None:
        return
    for provider in STANDING_MOVED:
        provider(session.connection(), noted.moves, noted.now)


def _forget(session: Session, _previous) -> None:
    """A decision rolled back moved nothing (a savepoint flushes what came before it)."""
    session.info.pop(_PENDING, None)


def install() -> None:
    """Listen to every session's flushes (`wiring.connect()`; idempotent)."""
    if not event.contains(Session, "after_flush_postexec", _after_flush):
        event.listen(Session, "after_flush_postexec", _after_flush)
    if not event.contains(Session, "after_soft_rollback", _forget):
        event.listen(Session, "after_soft_rollback", _forget)
