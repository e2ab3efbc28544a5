"""Keyset paging of newest-first lists by an increasing integer key: one page, where it sits
and the cursors of its neighbours (the console's lists, the audit log API)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from xinyong.errors import InvalidInput

T = TypeVar("T")
U = TypeVar("U")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items newest first. `older` is the cursor of the next page (?before=), `newer` the one
    of the previous page (?after=); None where there is no such page. `start` is the 1-based
    place of the first item among all `total` matching ones."""

    items: list[T]
    total: int
    start: int
    older: int | None
    newer: int | None

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1

    def map(self, fn: Callable[[T], U]) -> Page[U]:
        return replace(self, items=[fn(item) for item in self.items])  # type: ignore[arg-type]


def page_size(size: int) -> int:
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise InvalidInput(
            f"每页条数应在 1 到 {MAX_PAGE_SIZE} 之间，而不是 {size}",
            f"the page size must be between 1 and {MAX_PAGE_SIZE}, not {size}",
            field="limit",
        )
    return size


def keyset(
    session: Session,
    query: Select,
    key: Any,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> Page:
    """The page of `query` (filtered, unordered, one entity selected) ordered by `key`
    descending: the newest, or those just older than `before`, or just newer than `after`.
    A cursor is a key value, so a page stays put while newer entries arrive — unlike an
    offset, which shifts by one with every new entry."""
    size = page_size(size)
    if after is not None:
        # The previous page: the `size` entries just above `after`, read upwards.
        rows = list(session.scalars(query.where(key > after).order_by(key.asc()).limit(size)))
        rows.reverse()
    else:
        upto = query.where(key < before) if before is not None else query
        rows = list(session.scalars(upto.order_by(key.desc()).limit(size)))
    total = _count(session, query)
    if not rows:
        # Nothing here, or past either end (a stale cursor): the pager offers the first page.
        return Page([], total, 1, None, None)
    name = key.key
    first, last = getattr(rows[0], name), getattr(rows[-1], name)
    newer = _count(session, query.where(key > first))
    older = total - newer - len(rows)
    return Page(
        rows,
        total,
        newer + 1,
        last if older > 0 else None,
        first if newer > 0 else None,
    )


def _count(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
