"""What a list of enterprises shows of each one's risks at a glance: records in force, lists, flags."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from pydantic import BaseModel
from sqlalchemy import bindparam, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from xinyong.alerts.models import Alert
from xinyong.db import AtOnce, among
from xinyong.lists.clock import local_date
from xinyong.lists.models import LIST_TYPES, ListEntry
from xinyong.profile.related import (
    PENALTY_YEARS,
    RECORD_COUNT_ARMS,
    record_counts,
    years_before,
)
from xinyong.profile.schemas import RecordCounts

_LE = ListEntry.__table__
FLAGS = "flags"  # the union's tag for the platform's flags
# Official list entries in force, as the public lists show them (lists/lookups): one row per
# firm and list type, tagged with the type, so it joins the record counts' union.
_LISTED = (
    select(_LE.c.credit_code, func.count(), _LE.c.list_type)
    .where(
        among(_LE.c.credit_code, "counted"),
        _LE.c.state == "published",
        _LE.c.publicity_start <= bindparam("today"),
        _LE.c.publicity_end > bindparam("today"),
    )
    .group_by(_LE.c.credit_code, _LE.c.list_type)
)
# The platform's own risk flags (alerts not dismissed), as a profile lists them apart from the
# official lists (lists/lookups.subject_standing).
_AL = Alert.__table__
_FLAGGED = (
    select(_AL.c.credit_code, func.count(), literal_column(f"'{FLAGS}'"))
    .where(among(_AL.c.credit_code, "counted"), _AL.c.status != "dismissed")
    .group_by(_AL.c.credit_code)
)
# One statement for a page of firms: on PostgreSQL every statement is a round trip.
_GLANCE = AtOnce(union_all(*RECORD_COUNT_ARMS, _LISTED, _FLAGGED))


class Glance(BaseModel):
    """One firm's risks in brief: its record counts (as a profile's related firms show them)
    and the official lists it is published on now (black 黑名单, red 红名单)."""

    records: RecordCounts
    lists: list[str] = []
    flags: int = 0  # the platform's own risk flags (not an official list)
    penalty_years: int = PENALTY_YEARS  # how far back records.penalties counts

    @property
    def clean(self) -> bool:
        return not self.lists and not self.flags and not any(dict(self.records).values())


def at_a_glance(
    session: Session, codes: Iterable[str], today: date | None = None
) -> dict[str, Glance]:
    """Per credit code, what a results list shows beside its name (a search's results page):
    失信 and 被执行 records in force, penalties in the last PENALTY_YEARS years, an open
    abnormal-operation entry, and black or red list entries in their publicity period."""
    codes = sorted(set(codes))
    if not codes:
        return {}
    today = today or local_date(None)
    rows = _GLANCE.rows(
        session.connection(),
        {"counted": codes, "since": years_before(today, PENALTY_YEARS), "today": today},
    )
    counts = record_counts(rows, codes)
    listed: dict[str, list[str]] = {code: [] for code in codes}
    flags: dict[str, int] = {}
    for code, n, tag in rows:
        if tag in LIST_TYPES and code in listed:
            listed[code].append(tag)
        elif tag == FLAGS:
            flags[code] = n
    return {
        code: Glance(
            records=counts[code],
            lists=sorted(listed[code], key=lambda t: t != "black"),  # the black list first
            flags=flags.get(code, 0),
        )
        for code in codes
    }
