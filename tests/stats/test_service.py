"""An auditor reads a quarter's statistics: complaints year on year, SLA compliance, recovery
rates and cycle days against the 58 → 30-day goal, and the grades in force."""

from __future__ import annotations

from decimal import Decimal

import pytest

from tests.stats.story import NOW
from tests.support.judicial_files import register_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.errors import InvalidInput
from xinyong.rating.service import current, rate_codes
from xinyong.stats.service import StatsSettings, period_of, platform_stats


def _stats(session, first="2026-03", last="2026-05", **kw):
    return platform_stats(session, period_of(first, last, NOW), NOW, **kw)


def test_complaints_per_month_against_the_same_month_a_year_earlier(session, quarter):
    out = _stats(session).complaints
    by_month = {m.month: (m.count, m.previous_year, m.change_pct) for m in out.months}
    # 23:30 on 31 March in Lianyungang is March, though it is 15:30 UTC; 00:30 on 1 June is June.
    assert by_month == {
        "2026-03": (3, 1, Decimal("200.00")),
        "2026-04": (0, 0, None),
        "2026-05": (2, 2, Decimal("0.00")),
    }
    assert (out.total, out.previous_year_total, out.change_pct) == (5, 3, Decimal("66.67"))


def test_sla_compliance_uses_the_cases_clocks_as_they_stand(session, quarter):
    sla = _stats(session).sla
    c = sla.complaints
    assert (c.on_time, c.late, c.missed, c.running, c.decided) == (1, 1, 2, 1, 4)
    assert c.share == Decimal("25.00")  # answered within 48 hours, of those decided
    r = sla.first_reports
    assert (r.on_time, r.late, r.missed, r.running) == (1, 1, 1, 1)
    assert r.share == Decimal("33.33")
    march = next(m for m in sla.months if m.month == "2026-03")
    assert (march.complaints.on_time, march.complaints.missed) == (1, 1)
    assert march.first_reports.decided == 3
    april = next(m for m in sla.months if m.month == "2026-04")
    assert april.complaints.share is None and april.first_reports.decided == 0


def test_recovery_rate_and_cycle_days_against_the_goal(session, quarter):
    rec = _stats(session).recovery
    assert (rec.baseline_days, rec.goal_days) == (58, 30)
    months = {m.month: m for m in rec.months}
    assert months["2026-03"].finished == 0 and months["2026-03"].cycle_days is None
    april, may = months["2026-04"], months["2026-05"]
    assert (april.finished, april.recovery_rate, april.cycle_days) == (
        1,
        Decimal("100.00"),
        Decimal("40.0"),
    )
    assert (may.finished, may.recovered_yuan, may.entrusted_yuan) == (
        1,
        Decimal("30000"),
        Decimal("100000"),
    )
    assert (may.recovery_rate, may.cycle_days) == (Decimal("30.00"), Decimal("60.0"))
    assert (rec.finished, rec.recovery_rate, rec.cycle_days) == (
        2,
        Decimal("61.11"),
        Decimal("50.0"),
    )
    assert rec.goal_met is False
    relaxed = _stats(session, settings=StatsSettings(cycle_days_goal=50)).recovery
    assert relaxed.goal_met is True and relaxed.goal_days == 50


def test_a_period_without_anything_is_empty_not_an_error(session):
    out = _stats(session, "2024-01", "2024-02")
    assert out.period.months == ["2024-01", "2024-02"]
    assert out.complaints.total == 0 and out.complaints.change_pct is None
    assert out.sla.complaints.decided == 0 and out.sla.complaints.share is None
    assert out.recovery.finished == 0 and out.recovery.cycle_days is None
    assert out.recovery.goal_met is None
    assert out.grades.rated == 0 and all(g.share is None for g in out.grades.grades)


def test_the_default_period_is_the_twelve_months_up_to_now():
    period = period_of(now=NOW)
    assert [f"{m:%Y-%m}" for m in (period.months[0], period.months[-1])] == ["2025-07", "2026-06"]
    assert len(period.months) == 12


@pytest.mark.parametrize(
    "first, last, field",
    [("2026-13", None, "from"), ("26-05", None, "from"), ("2026-05", "2026-03", "from")],
)
def test_a_bad_period_says_which_end_is_wrong(first, last, field):
    with pytest.raises(InvalidInput) as e:
        period_of(first, last, NOW)
    assert e.value.detail["field"] == field
    assert "YYYY-MM" in e.value.message_en or "after" in e.value.message_en


def test_a_period_longer_than_three_years_is_refused():
    with pytest.raises(InvalidInput) as e:
        period_of("2020-01", "2026-05", NOW)
    assert e.value.detail["field"] == "to" and "36" in e.value.message_zh


def test_the_grade_distribution_counts_every_rated_enterprise(engine, session, tmp_path):
    rows = [
        enterprise_row(1),
        enterprise_row(2),
        enterprise_row(3, 登记状态="吊销"),
    ]
    register_enterprises(engine, tmp_path, rows)
    codes = [credit_code(n) for n in (1, 2, 3)]
    with engine.begin() as conn:
        rate_codes(conn, codes, NOW)
    grades = _stats(session).grades
    assert grades.rated == 3
    assert [g.grade for g in grades.grades] == [
        "AAA",
        "AA",
        "A",
        "BBB",
        "BB",
        "B",
        "CCC",
        "CC",
        "C",
    ]
    counted = {g.grade: g.count for g in grades.grades if g.count}
    expected: dict[str, int] = {}
    for code in codes:
        grade = current(session, code, NOW).grade
        expected[grade] = expected.get(grade, 0) + 1
    assert counted == expected
    revoked = current(session, codes[2], NOW).grade
    assert revoked != current(session, codes[0], NOW).grade  # a revoked firm is graded apart
    assert sum(g.share for g in grades.grades if g.share) == pytest.approx(
        Decimal(100), abs=Decimal("0.02")
    )
