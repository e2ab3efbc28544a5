"""The statistics as one document: what the API answers and what the console's charts draw."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

from pydantic import BaseModel, Field


class PeriodOut(BaseModel):
    first_month: str = Field(description="首月 YYYY-MM（北京时间）/ first month, Asia/Shanghai")
    last_month: str = Field(description="末月 YYYY-MM（含）/ last month, inclusive")
    months: list[str]


class ComplaintMonth(BaseModel):
    month: str
    count: int
    previous_year: int = Field(description="上年同月 / the same month a year earlier")
    change_pct: Decimal | None = Field(None, description="同比 % / year on year, %")


class ComplaintsOut(BaseModel):
    months: list[ComplaintMonth]
    total: int
    previous_year_total: int
    change_pct: Decimal | None = None


class GradeCount(BaseModel):
    grade: str
    count: int
    share: Decimal | None = Field(None, description="占已评级企业 % / share of rated, %")


class GradesOut(BaseModel):
    rated: int
    grades: list[GradeCount]


class Clock(BaseModel):
    """One deadline over many cases or complaints: met, missed, still running."""

    decided: int = Field(description="已有结果 / met or missed")
    on_time: int
    late: int = Field(description="逾期后完成 / done after the deadline")
    missed: int = Field(description="逾期未完成 / deadline passed, not done")
    running: int = Field(description="时限未到 / deadline still ahead")
    share: Decimal | None = Field(None, description="按时 % / on time, % of decided")


class SlaMonth(BaseModel):
    month: str
    complaints: Clock
    first_reports: Clock


class SlaOut(BaseModel):
    complaints: Clock = Field(description="48 小时内答复投诉 / complaints answered within 48 h")
    first_reports: Clock = Field(description="3 日内首次调查报告 / first reports within 3 days")
    months: list[SlaMonth]


class RecoveryMonth(BaseModel):
    month: str
    finished: int = Field(description="本月结案 / cases finished that month")
    entrusted_yuan: Decimal
    recovered_yuan: Decimal
    recovery_rate: Decimal | None = Field(None, description="回收率 % / recovered, %")
    cycle_days: Decimal | None = Field(None, description="平均周期（天）/ mean days")


class RecoveryOut(BaseModel):
    baseline_days: int = Field(description="现状周期 / the cycle the goal starts from")
    goal_days: int = Field(description="目标周期 / the goal")
    finished: int
    entrusted_yuan: Decimal
    recovered_yuan: Decimal
    recovery_rate: Decimal | None = None
    cycle_days: Decimal | None = None
    goal_met: bool | None = None
    months: list[RecoveryMonth]


class StatsOut(BaseModel):
    generated_at: datetime
    period: PeriodOut
    complaints: ComplaintsOut
    grades: GradesOut
    sla: SlaOut
    recovery: RecoveryOut
