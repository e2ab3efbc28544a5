"""Rating payloads: the grade, its colour, the explanation by dimension and factor, and history."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import BaseModel

LABEL_ZH = "平台信用风险评级（依据公开记录计算，非官方名单）"
LABEL_EN = "platform credit risk rating (computed from public records; not an official list)"


class RecordRef(BaseModel):
    record: str
    id: int | None = None
    source: str | None = None
    source_record_id: str | None = None
    as_of: date | None = None


class FactorOut(BaseModel):
    factor: str
    zh: str
    en: str
    points: int  # negative: points taken; 0 with no_record: not assessed
    count: int
    colour: str | None = None
    ceiling: str | None = None  # the grade cannot be better than this while the fact holds
    no_record: bool = False
    records: list[RecordRef] = []


class DimensionOut(BaseModel):
    dimension: str
    title_zh: str
    title_en: str
    assessed: bool
    points_possible: int
    points_kept: int
    note_zh: str
    note_en: str
    factors: list[FactorOut]


class CauseOut(BaseModel):
    """A decision that moved the grade at once: a list entry published, revoked, expired,
    repaired or corrected (`action`), named in both languages."""

    record: str
    id: int
    action: str
    zh: str
    en: str


class GradeOut(BaseModel):
    score: int
    grade: str
    colour: str
    model_version: str
    as_of: date | None
    computed_at: datetime
    cause: list[CauseOut] | None = None  # None: given by a rating pass


class RatingOut(BaseModel):
    label_zh: str = LABEL_ZH
    label_en: str = LABEL_EN
    credit_code: str
    score: int
    grade: str
    colour: str
    colour_zh: str
    colour_en: str
    model_version: str
    scorecard_zh: str
    scorecard_en: str
    agency: bool
    as_of: date | None
    computed_at: datetime
    changed_at: datetime
    ceiling: FactorOut | None = None
    explanation: list[DimensionOut]
    history: list[GradeOut]
