"""Keyset paging of newest-first lists by an increasing integer key (or of a queue by several
keys): one page, where it sits and the cursors of its neighbours (the console's lists, the
audit log API)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Generic, TypeVar

from sqlalchemy import ColumnElement, Select, and_, func, literal, or_, select
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
    a cursor (an id, or text for several keys) goes in ?before= or ?after= as `next_param` and
    `prev_param` say. `start` is the 1-based place of the first item among all `total`
    matching ones."""

    items: list[T]
    total: int
    start: int
    next: int | str | None
    prev: int | str | None
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
) -> Page:
    """The page of `query` (filtered, unordered, one entity selected) ordered by `key`,
    descending unless `ascending`: the first page, or the entries just beyond a cursor
    (`before`: keys below it, `after`: keys above it). A cursor is a key value, so a page
    stays put while new entries arrive — unlike an offset, which shifts with each of them."""
    size = page_size(size)
    up, down = key.asc(), key.desc()
    if after is not None:
        rows = list(session.scalars(query.where(key > after).order_by(up).limit(size)))
        reverse = not ascending
    elif before is not None:
        rows = list(session.scalars(query.where(key < before).order_by(down).limit(size)))
        reverse = ascending
    else:
        rows = list(session.scalars(query.order_by(up if ascending else down).limit(size)))
        reverse = False
    if reverse:
        rows.reverse()
    total = _count(session, query)
    if not rows:
        # Nothing here, or past either end (a stale cursor): the pager offers the first page.
        return Page([], total, 1, None, None, ascending)
    name = key.key
    first, last = getattr(rows[0], name), getattr(rows[-1], name)
    ahead = _count(session, query.where(key < first if ascending else key > first))
    beyond = total - ahead - len(rows)
    return Page(
        rows,
        total,
        ahead + 1,
        last if beyond > 0 else None,
        first if ahead > 0 else None,
        ascending,
    )


def _count(session: Session, query: Select) -> int:
    return session.scalar(select(func.count()).select_from(query.order_by(None).subquery())) or 0


# --- lists ordered by several keys (a work queue: by kind of item, then by how long it waited) ----

CURSOR_SEPARATOR = "~"


def keyset_by(
    session: Session,
    query: Select,
    keys: Sequence[ColumnElement],
    cursor_of: Callable[[Any], tuple],
    *,
    before: tuple | None = None,
    after: tuple | None = None,
    size: int = PAGE_SIZE,
    ascending: bool = True,
) -> Page:
    """`keyset` for an order of several keys (the last one unique, e.g. the id), compared as
    a tuple: `cursor_of(row)` gives a row's key values, in the keys' order. The page's cursors
    are text (`cursor_text`); the caller reads one back with `read_cursor`."""
    size = page_size(size)
    order_up = [k.asc() for k in keys]
    order_down = [k.desc() for k in keys]
    if after is not None:
        q = query.where(_beyond(keys, after, greater=True)).order_by(*order_up)
        rows, reverse = list(session.scalars(q.limit(size))), not ascending
    elif before is not None:
        q = query.where(_beyond(keys, before, greater=False)).order_by(*order_down)
        rows, reverse = list(session.scalars(q.limit(size))), ascending
    else:
        q = query.order_by(*(order_up if ascending else order_down))
        rows, reverse = list(session.scalars(q.limit(size))), False
    if reverse:
        rows.reverse()
    total = _count(session, query)
    if not rows:
        return Page([], total, 1, None, None, ascending)
    first, last = cursor_of(rows[0]), cursor_of(rows[-1])
    ahead = _count(session, query.where(_beyond(keys, first, greater=not ascending)))
    beyond = total - ahead - len(rows)
    return Page(
        rows,
        total,
        ahead + 1,
        cursor_text(last) if beyond > 0 else None,  # type: ignore[arg-type]
        cursor_text(first) if ahead > 0 else None,  # type: ignore[arg-type]
        ascending,
    )


def _beyond(keys: Sequence[ColumnElement], values: tuple, *, greater: bool) -> ColumnElement:
    """Rows whose keys come after (`greater`) or before `values` in tuple order, spelt out as
    (a > x) OR (a = x AND b > y) OR …, which every database reads the same way."""
    bound = [literal(v, k.type) for k, v in zip(keys, values, strict=True)]
    either = []
    for i, key in enumerate(keys):
        step = key > bound[i] if greater else key < bound[i]
        same = (k == b for k, b in zip(keys[:i], bound[:i], strict=True))
        either.append(and_(*same, step))
    return or_(*either)


def cursor_text(values: tuple) -> str:
    """A cursor for the address: each value as text (a time in ISO 8601), joined by '~'."""
    return CURSOR_SEPARATOR.join(
        v.isoformat() if isinstance(v, datetime) else str(v) for v in values
    )


def read_cursor(text: str | None, kinds: tuple[type, ...]) -> tuple | None:
    """The values of a cursor made by `cursor_text` (ints and aware datetimes, as `kinds` say);
    None for no cursor or one that does not read (the list starts at its first page)."""
    if not text:
        return None
    parts = text.split(CURSOR_SEPARATOR)
    if len(parts) != len(kinds):
        return None
    values: list[Any] = []
    try:
        for part, kind in zip(parts, kinds, strict=True):
            if kind is datetime:
                value = datetime.fromisoformat(part)
                if value.tzinfo is None:
                    return None
                values.append(value)
            else:
                values.append(kind(part))
    except ValueError:
        return None
    return tuple(values)
