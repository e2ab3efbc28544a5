"""Platform statistics over a period of months (Asia/Shanghai): complaints per month year on year,
the grade distribution, SLA compliance (complaints answered within 48 hours, first reports within
3 days) and recovery rates with average cycle days against the goal."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.cases.complaints import sla_clock
from xinyong.cases.models import Complaint, DebtCase
from xinyong.cases.service import first_report_clock
from xinyong.errors import InvalidInput
from xinyong.lists.clock import SHANGHAI, resolve
from xinyong.rating.service import distribution
from xinyong.stats.schemas import (
    Clock,
    ComplaintMonth,
    ComplaintsOut,
    GradeCount,
    GradesOut,
    PeriodOut,
    RecoveryMonth,
    RecoveryOut,
    SlaMonth,
    SlaOut,
    StatsOut,
)

MAX_MONTHS = 36  # a longer window is a report, not a page
_PCT = Decimal("0.01")
_DAYS = Decimal("0.1")
_MONTH = re.compile(r"(\d{4})-(\d{2})")


class StatsSettings(BaseSettings):
    """The cycle-time goal: the article's city took 58 days on average and aims for 30."""

    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    cycle_days_baseline: int = 58
    cycle_days_goal: int = 30


@dataclass(frozen=True)
class Period:
    """Whole calendar months in Lianyungang, first to last inclusive."""

    first: date  # the 1st of the first month
    last: date  # the 1st of the last month

    @property
    def months(self) -> list[date]:
        out, m = [], self.first
        while m <= self.last:
            out.append(m)
            m = _shift(m, 1)
        return out

    def start(self, years_back: int = 0) -> datetime:
        return _midnight(_shift(self.first, -12 * years_back))

    def end(self) -> datetime:
        return _midnight(_shift(self.last, 1))


def _shift(month: date, months: int) -> date:
    n = month.year * 12 + month.month - 1 + months
    return date(n // 12, n % 12 + 1, 1)


def _midnight(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)


def _key(month: date) -> str:
    return f"{month:%Y-%m}"


def _month_of(at: datetime) -> str:
    return f"{at.astimezone(SHANGHAI):%Y-%m}"


def _parse(text: str, field: str) -> date:
    found = _MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found.group(2)) <= 12:
        raise InvalidInput(
            f"{field}：月份应写作 YYYY-MM（如 2026-05），而不是“{text}”",
            f"{field}: write the month as YYYY-MM (e.g. 2026-05), not '{text}'",
            field=field,
        )
    return date(int(found.group(1)), int(found.group(2)), 1)


def period_of(
    first: str | None = None, last: str | None = None, now: datetime | None = None
) -> Period:
    """The months asked for; by default the twelve months up to this one."""
    this_month = resolve(now).astimezone(SHANGHAI).date().replace(day=1)
    end = _parse(last, "to") if last else this_month
    start = _parse(first, "from") if first else _shift(end, -11)
    if start > end:
        raise InvalidInput(
            f"from：起始月 {_key(start)} 晚于结束月 {_key(end)}",
            f"from: the first month {_key(start)} is after the last month {_key(end)}",
            field="from",
        )
    if len(Period(start, end).months) > MAX_MONTHS:
        raise InvalidInput(
            f"to：统计区间最长 {MAX_MONTHS} 个月，{_key(start)} 至 {_key(end)} 超出",
            f"to: a period spans at most {MAX_MONTHS} months; {_key(start)} to {_key(end)} is longer",
            field="to",
        )
    return Period(start, end)


def _pct(part: Decimal | int, whole: Decimal | int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(_PCT, ROUND_HALF_UP)


def _change(now: int, before: int) -> Decimal | None:
    return _pct(now - before, before) if before else None


# --- complaints per month, year on year -----------------------------------------------------


def complaints_by_month(session: Session, period: Period) -> ComplaintsOut:
    counts: dict[str, int] = defaultdict(int)
    filed = session.scalars(
        select(Complaint.filed_at).where(
            Complaint.filed_at >= period.start(years_back=1), Complaint.filed_at < period.end()
        )
    )
    for at in filed:
        counts[_month_of(at)] += 1
    months = []
    for m in period.months:
        now, before = counts[_key(m)], counts[_key(_shift(m, -12))]
        months.append(
            ComplaintMonth(
                month=_key(m), count=now, previous_year=before, change_pct=_change(now, before)
            )
        )
    total = sum(m.count for m in months)
    previous = sum(m.previous_year for m in months)
    return ComplaintsOut(
        months=months,
        total=total,
        previous_year_total=previous,
        change_pct=_change(total, previous),
    )


# --- grades -----------------------------------------------------------------------------------


def grade_distribution(session: Session) -> GradesOut:
    """The grades in force now (a grade is a standing, not an event of the period)."""
    counts = distribution(session)
    rated = sum(counts.values())
    return GradesOut(
        rated=rated,
        grades=[GradeCount(grade=g, count=n, share=_pct(n, rated)) for g, n in counts.items()],
    )


# --- SLA ----------------------------------------------------------------------------------------

# The cases domain's clock statuses, sorted into met / met late / missed / running.
_COMPLAINT = {
    "answered_in_time": "on_time",
    "answered_late": "late",
    "breached": "missed",
    "running": "running",
}
_REPORT = {"on_time": "on_time", "late": "late", "missed": "missed", "running": "running"}


class _Tally:
    def __init__(self) -> None:
        self.n: dict[str, int] = defaultdict(int)

    def add(self, outcome: str) -> None:
        self.n[outcome] += 1

    def out(self) -> Clock:
        n = self.n
        decided = n["on_time"] + n["late"] + n["missed"]
        return Clock(
            decided=decided,
            on_time=n["on_time"],
            late=n["late"],
            missed=n["missed"],
            running=n["running"],
            share=_pct(n["on_time"], decided),
        )


def sla(session: Session, period: Period, now: datetime) -> SlaOut:
    """Complaints by the month they were filed, first reports by the month of entrustment; each
    judged by the cases domain's own clocks as they stand at `now`."""
    complaints: dict[str, _Tally] = defaultdict(_Tally)
    reports: dict[str, _Tally] = defaultdict(_Tally)
    all_complaints, all_reports = _Tally(), _Tally()
    rows = session.execute(
        select(Complaint.filed_at, Complaint.due_at, Complaint.responded_at).where(
            Complaint.filed_at >= period.start(), Complaint.filed_at < period.end()
        )
    )
    for row in rows:
        outcome = _COMPLAINT[sla_clock(row, now)["status"]]
        complaints[_month_of(row.filed_at)].add(outcome)
        all_complaints.add(outcome)
    rows = session.execute(
        select(
            DebtCase.entrusted_at,
            DebtCase.first_report_due_at,
            DebtCase.first_report_at,
            DebtCase.first_report_missed_at,
        ).where(DebtCase.entrusted_at >= period.start(), DebtCase.entrusted_at < period.end())
    )
    for row in rows:
        status = first_report_clock(row, now)["status"]
        if status == "not_started":
            continue
        reports[_month_of(row.entrusted_at)].add(_REPORT[status])
        all_reports.add(_REPORT[status])
    return SlaOut(
        complaints=all_complaints.out(),
        first_reports=all_reports.out(),
        months=[
            SlaMonth(
                month=_key(m),
                complaints=complaints[_key(m)].out(),
                first_reports=reports[_key(m)].out(),
            )
            for m in period.months
        ],
    )


# --- recovery and cycle days ------------------------------------------------------------------


def _mean_days(seconds: list[float]) -> Decimal | None:
    if not seconds:
        return None
    return Decimal(str(sum(seconds) / len(seconds) / 86400)).quantize(_DAYS, ROUND_HALF_UP)


def recovery(session: Session, period: Period, settings: StatsSettings) -> RecoveryOut:
    """Entrusted cases by the month they finished (fully recovered or closed): the share of the
    amount recovered and the mean days from entrustment to the finish."""
    amount: dict[str, int] = defaultdict(int)
    recovered: dict[str, int] = defaultdict(int)
    cycles: dict[str, list[float]] = defaultdict(list)
    rows = session.execute(
        select(
            DebtCase.entrusted_at, DebtCase.finished_at, DebtCase.amount_fen, DebtCase.recovered_fen
        ).where(
            DebtCase.entrusted_at.is_not(None),
            DebtCase.finished_at >= period.start(),
            DebtCase.finished_at < period.end(),
        )
    )
    for entrusted, finished, amount_fen, recovered_fen in rows:
        m = _month_of(finished)
        amount[m] += amount_fen
        recovered[m] += recovered_fen
        cycles[m].append((finished - entrusted).total_seconds())
    months = [
        RecoveryMonth(
            month=k,
            finished=len(cycles[k]),
            entrusted_yuan=Decimal(amount[k]) / 100,
            recovered_yuan=Decimal(recovered[k]) / 100,
            recovery_rate=_pct(recovered[k], amount[k]),
            cycle_days=_mean_days(cycles[k]),
        )
        for k in map(_key, period.months)
    ]
    all_cycles = [s for k in cycles for s in cycles[k]]
    total_amount, total_recovered = sum(amount.values()), sum(recovered.values())
    mean = _mean_days(all_cycles)
    return RecoveryOut(
        baseline_days=settings.cycle_days_baseline,
        goal_days=settings.cycle_days_goal,
        finished=len(all_cycles),
        entrusted_yuan=Decimal(total_amount) / 100,
        recovered_yuan=Decimal(total_recovered) / 100,
        recovery_rate=_pct(total_recovered, total_amount),
        cycle_days=mean,
        goal_met=None if mean is None else mean <= settings.cycle_days_goal,
        months=months,
    )


def platform_stats(
    session: Session,
    period: Period,
    now: datetime | None = None,
    settings: StatsSettings | None = None,
) -> StatsOut:
    """Every figure of the statistics page for one period, as of `now`."""
    now = resolve(now)
    last = period.months[-1]
    return StatsOut(
        generated_at=now,
        period=PeriodOut(
            first_month=_key(period.first),
            last_month=_key(last),
            months=[_key(m) for m in period.months],
        ),
        complaints=complaints_by_month(session, period),
        grades=grade_distribution(session),
        sla=sla(session, period, now),
        recovery=recovery(session, period, settings or StatsSettings()),
    )
