"""Keyset paging of newest-first lists by an increasing integer key (optionally behind other sort
keys, such as a deadline or a queue's rank): one page, where it sits and the cursors of its
neighbours (the console's lists and queues, the audit log API)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import Session

from xinyong.errors import InvalidInput

T = TypeVar("T")
U = TypeVar("U")
PAGE_SIZE = 50
MAX_PAGE_SIZE = 500


@dataclass(frozen=True)
class Page(Generic[T]):
    """Items in display order (newest first, or in key order when `ascending`). `next` and
    `prev` are the cursors of the following and preceding pages, None where there is none;
    a cursor goes in ?before= or ?after= as `next_param` and `prev_param` say. `start` is the
    1-based place of the first item among all `total` matching ones."""

    items: list[T]
    total: int
    start: int
    next: int | None
    prev: int | None
    ascending: bool = False

    @property
    def end(self) -> int:
        return self.start + len(self.items) - 1

    @property
    def next_param(self) -> str:
        return "after" if self.ascending else "before"

    @property
    def prev_param(self) -> str:
        return "before" if self.ascending else "after"

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
    ascending: bool = False,
    behind: Any = None,
) -> Page:
    """The page of `query` (filtered, unordered, one entity selected) ordered by `key`,
    descending unless `ascending`: the first page, or the entries just beyond a cursor
    (`before`: keys below it, `after`: keys above it). A cursor is a key value, so a page
    stays put while new entries arrive — unlike an offset, which shifts with each of them.

    `behind`, non-null columns or expressions of the same entity (one, or a sequence), order
    ahead of the key, which then only breaks their ties (oldest deadline first:
    `behind=Objection.due_on`; a queue's rank, then how long each waited). A cursor stays a
    key value; the sort values are read from the cursor's row, so the address keeps one number
    and a page stays put while rows are added."""
    size = page_size(size)
    if behind is None:
        behind = ()
    elif not isinstance(behind, Sequence):
        behind = (behind,)
    cols = [*behind, key]
    up, down = [c.asc() for c in cols], [c.desc() for c in cols]
    total = _count(session, query)
    rows: list = []
    if after is not None:
        if (at := _place(session, cols, key, after)) is not None:
            rows = list(
                session.scalars(query.where(_past(cols, at, True)).order_by(*up).limit(size))
            )
        reverse = not ascending
    elif before is not None:
        if (at := _place(session, cols, key, before)) is not None:
            rows = list(
                session.scalars(query.where(_past(cols, at, False)).order_by(*down).limit(size))
            )
        reverse = ascending
    else:
        rows = list(session.scalars(query.order_by(*(up if ascending else down)).limit(size)))
        reverse = False
    if reverse:
        rows.reverse()
    if not rows:
        # Nothing here, or past either end (a stale cursor): the pager offers the first page.
        return Page([], total, 1, None, None, ascending)
    name = key.key
    first, last = getattr(rows[0], name), getattr(rows[-1], name)
    at_first = _place(session, cols, key, first)  # the row is there: it was just read
    ahead = _count(session, query.where(_past(cols, at_first, not ascending)))
    beyond = total - ahead - len(rows)
    return Page(
        rows,
        total,
        ahead + 1,
        last if beyond > 0 else None,
        first if ahead > 0 else None,
        ascending,
    )


def _place(session: Session, cols: list, key: Any, cursor: int) -> list | None:
    """The sort values of the row a cursor names, as the database orders them (an expression's
    too); None when it names no row."""
    if len(cols) == 1:
        return [cursor]
    found = session.execute(select(*cols[:-1]).where(key == cursor)).first()
    return None if found is None else [*found, cursor]


def _past(cols: list, values: list, above: bool) -> ColumnElement[bool]:
    """Rows that sort strictly above (or below) `values` by `cols`, in that order."""
    (col, *rest), (value, *more) = cols, values
    here = col > value if above else col < value
    if not rest:
        return here
    return or_(here, and_(col == value, _past(rest, more, above)))


def _count(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0
