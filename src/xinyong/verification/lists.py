"""The seam for red/black-list entries (红黑名单): the lists domain plugs a provider in here.

Verification does not own the lists. A provider is a function (session, credit_code, today)
returning the entity's entries in force; `wiring.connect()` registers the lists domain's, and
step 3 asks every provider.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import Select
from sqlalchemy.orm import Session

from xinyong.seams import Seam


@dataclass(frozen=True)
class ListEntry:
    """A list entry in force against an entity, as a provider reports it."""

    list_zh: str  # e.g. 严重失信主体名单
    list_en: str
    blacklist: bool  # False for a red list (守信) entry: reported, never held against anyone
    record_id: int | str
    reason_zh: str
    reason_en: str
    listed_on: date | None = None
    source: str | None = None
    source_record_id: str | None = None
    as_of: date | None = None
    fetched_at: datetime | None = None


ListProvider = Callable[[Session, str, date], list[ListEntry]]
LIST_PROVIDERS: Seam[ListProvider] = Seam("verification.list_entries")
# The statement a provider sends for an entity, where it says (binding `code` and `today`, and
# asking `db.known_empty` before it sends it): step 3 asks about it in its one probe, so for an
# entity on no list the look-up sends nothing — most entities, and a round trip on PostgreSQL.
LIST_PROBES: Seam[Select] = Seam("verification.list_probes")


def list_entries(session: Session, credit_code: str, today: date) -> list[ListEntry]:
    return [e for p in LIST_PROVIDERS for e in p(session, credit_code, today)]
