"""The operators' queue of open objections and credit-repair requests, page by page: oldest
deadline first, ties in filing order (decision 0059's keyset paging)."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.lists.models import Objection, RepairRequest
from xinyong.paging import PAGE_SIZE, Page, keyset


def objections_page(
    session: Session,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> Page[Objection]:
    """Undecided objections, the one due first first; every one of them reachable."""
    query = select(Objection).where(Objection.state == "submitted")
    return keyset(
        session,
        query,
        Objection.id,
        before=before,
        after=after,
        size=size,
        ascending=True,
        behind=Objection.due_on,
    )


def repairs_page(
    session: Session,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> Page[RepairRequest]:
    """Undecided credit-repair requests, the one due first first."""
    query = select(RepairRequest).where(RepairRequest.state == "submitted")
    return keyset(
        session,
        query,
        RepairRequest.id,
        before=before,
        after=after,
        size=size,
        ascending=True,
        behind=RepairRequest.due_on,
    )
