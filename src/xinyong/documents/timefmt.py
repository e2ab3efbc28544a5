"""Times as printed on documents: Asia/Shanghai, to the minute."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")


def shanghai(at: datetime) -> str:
    return at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M（北京时间）")


def local_day(value: object) -> str:
    """A day as printed: a date as it is, an instant (stored in UTC, possibly as ISO text) as
    its day in Beijing — cut from the UTC text, a fetch at 01:00 Beijing time read as the day
    before."""
    if not value:
        return "—"
    at = value
    if isinstance(value, str) and "T" in value:
        at = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if isinstance(at, datetime):
        if at.tzinfo is None:  # stored naive means UTC here
            at = at.replace(tzinfo=UTC)
        return at.astimezone(SHANGHAI).date().isoformat()
    return str(value)[:10]
