"""A source's cron line (Beijing time) read as standard cron: in plain words for the pages, and
with its weekdays named for APScheduler, which numbers them from Monday."""

from __future__ import annotations

WEEKDAYS = ("sun", "mon", "tue", "wed", "thu", "fri", "sat")  # cron: 0 (and 7) is Sunday
WEEKDAY_ZH = ("日", "一", "二", "三", "四", "五", "六")
WEEKDAY_EN = ("Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday")


def _days(field: str) -> list[int] | None:
    """The weekdays (0 = Sunday) a day-of-week field names, or None for a shape not handled
    here (steps): such a field is passed on and described by its cron text."""
    days: list[int] = []
    for part in field.lower().split(","):
        ends = part.split("-")
        if len(ends) > 2:
            return None
        if not all(e in WEEKDAYS or (e.isdigit() and int(e) <= 7) for e in ends):
            return None
        nums = [WEEKDAYS.index(e) if e in WEEKDAYS else int(e) % 7 for e in ends]
        if len(ends) == 2 and not ends[1].isalpha() and int(ends[1]) == 7:
            nums[1] = 7  # 5-7: Friday to Sunday
        first, last = nums[0], nums[-1]
        days += [d % 7 for d in range(first, last + 1)] if last >= first else []
    return sorted(set(days)) or None


def for_apscheduler(schedule: str) -> str:
    """The same line with numbered weekdays named: APScheduler 3's from_crontab reads 1 as
    Tuesday (it counts from Monday = 0), so '0 3 * * 1' would run a day late."""
    fields = schedule.split()
    if len(fields) == 5 and fields[4] != "*" and (days := _days(fields[4])) is not None:
        fields[4] = ",".join(WEEKDAYS[d] for d in days)
    return " ".join(fields)


def _clock(minute: str, hour: str) -> tuple[str, str] | None:
    if not (minute.isdigit() and all(h.isdigit() for h in hour.split(","))):
        return None
    times = [f"{int(h):02d}:{int(minute):02d}" for h in hour.split(",")]
    return "、".join(times), " and ".join(times)


def describe(schedule: str | None) -> tuple[str, str]:
    """In plain words (zh, en): '0 2 * * *' is 每天 02:00 / daily at 02:00. A shape not known
    here is given as its cron line, so nothing is ever described wrongly."""
    if not schedule:
        return "仅手动更新", "by hand only"
    fields = schedule.split()
    if len(fields) != 5:
        return f"按计划 {schedule}", f"on schedule {schedule}"
    minute, hour, dom, month, dow = fields
    if month == "*" and dom == "*" and dow == "*":
        if minute.startswith("*/") and minute[2:].isdigit() and hour == "*":
            n = int(minute[2:])
            return f"每 {n} 分钟", f"every {n} minutes"
        if minute.isdigit() and hour.startswith("*/") and hour[2:].isdigit():
            n, m = int(hour[2:]), int(minute)
            return f"每 {n} 小时（第 {m} 分）", f"every {n} hours, at minute {m}"
        if minute.isdigit() and hour == "*":
            return f"每小时第 {int(minute)} 分", f"hourly at minute {int(minute)}"
        if clock := _clock(minute, hour):
            return f"每天 {clock[0]}", f"daily at {clock[1]}"
    clock = _clock(minute, hour)
    if clock and month == "*" and dom == "*" and (days := _days(dow)):
        if days == [1, 2, 3, 4, 5]:
            return f"每周一至周五 {clock[0]}", f"Monday to Friday at {clock[1]}"
        zh = "、".join("周" + WEEKDAY_ZH[d] for d in days)
        en = ", ".join(WEEKDAY_EN[d] for d in days)
        return f"每{zh} {clock[0]}", f"every {en} at {clock[1]}"
    if clock and month == "*" and dow == "*" and dom.isdigit():
        return f"每月 {int(dom)} 日 {clock[0]}", f"monthly on day {int(dom)} at {clock[1]}"
    return f"按计划 {schedule}", f"on schedule {schedule}"
