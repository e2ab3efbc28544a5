"""Time for lists: one `now` passed in (tests walk it), local dates and working days in Asia/Shanghai."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from xinyong.lists.config import Calendar
from xinyong.types import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")


def resolve(now: datetime | None) -> datetime:
    """The given time (a test's or a job's clock), or the real time."""
    if now is None:
        return utcnow()
    if now.tzinfo is None:
        raise ValueError("naive datetime given; pass an aware time")
    return now


def local_date(now: datetime | None) -> date:
    """The calendar day in Lianyungang at that instant: periods and deadlines are local days."""
    return resolve(now).astimezone(SHANGHAI).date()


def is_working_day(day: date, calendar: Calendar) -> bool:
    if day in calendar.workdays:  # 调休: a weekend made a working day
        return True
    return day.weekday() < 5 and day not in calendar.holidays


def add_working_days(start: date, days: int, calendar: Calendar) -> date:
    """The day `days` working days after `start` (the day of receipt does not count)."""
    day = start
    counted = 0
    while counted < days:
        day += timedelta(days=1)
        if is_working_day(day, calendar):
            counted += 1
    return day
