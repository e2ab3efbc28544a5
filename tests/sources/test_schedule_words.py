"""A source's schedule as the sync dashboard says it, and the day a weekly sync really runs."""

from __future__ import annotations

from datetime import datetime

import pytest

from xinyong.lists.clock import SHANGHAI
from xinyong.sources.schedule import describe
from xinyong.sources.scheduler import cron_trigger


@pytest.mark.parametrize(
    ("cron", "zh", "en"),
    [
        ("30 2 * * *", "每天 02:30", "daily at 02:30"),
        ("0 2,14 * * *", "每天 02:00、14:00", "daily at 02:00 and 14:00"),
        ("*/15 * * * *", "每 15 分钟", "every 15 minutes"),
        ("5 */6 * * *", "每 6 小时（第 5 分）", "every 6 hours, at minute 5"),
        ("0 3 * * 1", "每周一 03:00", "every Monday at 03:00"),
        ("0 3 * * 0", "每周日 03:00", "every Sunday at 03:00"),
        ("0 3 * * 7", "每周日 03:00", "every Sunday at 03:00"),
        ("0 3 * * sat,sun", "每周日、周六 03:00", "every Sunday, Saturday at 03:00"),
        ("0 8 * * 1-5", "每周一至周五 08:00", "Monday to Friday at 08:00"),
        ("0 1 1 * *", "每月 1 日 01:00", "monthly on day 1 at 01:00"),
        (None, "仅手动更新", "by hand only"),
        ("0 3 1-7 * 1", "按计划 0 3 1-7 * 1", "on schedule 0 3 1-7 * 1"),  # not guessed at
    ],
)
def test_schedules_in_plain_words(cron, zh, en):
    assert describe(cron) == (zh, en)


@pytest.mark.parametrize(
    ("cron", "day"), [("0 3 * * 1", "Mon"), ("0 3 * * 0", "Sun"), ("0 3 * * 1-5", "Thu")]
)
def test_a_weekly_sync_runs_on_the_day_cron_means(cron, day):
    """APScheduler 3 reads 1 as Tuesday; the line is read as cron reads it, as the page says."""
    wednesday_noon = datetime(2026, 12, 9, 12, 0, tzinfo=SHANGHAI)
    fire = cron_trigger(cron).get_next_fire_time(None, wednesday_noon)
    assert fire.strftime("%a %H:%M") == f"{day} 03:00"
