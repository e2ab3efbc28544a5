"""The scorecard (scorecard.yaml), read once and checked: dimensions, factors, grade bands, colours."""

from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from xinyong.errors import InvalidInput

SCORECARD_FILE = Path(__file__).parent / "scorecard.yaml"
GRADES = ("AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C")  # best first
COLOURS = ("green", "yellow", "orange", "red")  # mildest first
Colour = Literal["green", "yellow", "orange", "red"]
Grade = Literal["AAA", "AA", "A", "BBB", "BB", "B", "CCC", "CC", "C"]


class ScorecardInvalid(InvalidInput):
    code = "rating_scorecard_invalid"
    title_zh = "评分卡配置无效"
    title_en = "Invalid scorecard"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Dimension(_Strict):
    title_zh: str
    title_en: str
    points: int
    agencies_only: bool = False


class Factor(_Strict):
    dimension: str
    points: int
    per_record: bool = False
    max: int | None = None  # cap of a per-record factor
    colour: Colour
    ceiling: Grade | None = None
    zh: str
    en: str

    def deduction(self, records: int) -> int:
        if not self.per_record:
            return self.points
        return min(self.points * records, self.max if self.max is not None else 10**6)


class Label(_Strict):
    zh: str
    en: str


class Thresholds(_Strict):
    small_capital_yuan: Decimal
    serious_fine_yuan: Decimal
    frequent_changes_per_year: int
    many_complaints_per_year: int
    first_reports_late_share: Decimal
    collection_penalty_terms: list[str] = []


class Scorecard(_Strict):
    version: int
    title_zh: str
    title_en: str
    grades: dict[Grade, int]
    lookback_years: int
    dimensions: dict[str, Dimension]
    factors: dict[str, Factor]
    thresholds: Thresholds
    colours: list[Colour]
    colour_labels: dict[Colour, Label]
    grade_colour_floor: dict[Grade, Colour]

    @model_validator(mode="after")
    def _consistent(self) -> Scorecard:
        if list(self.grades) != list(GRADES[:-1]):
            raise ValueError(f"grades must list {', '.join(GRADES[:-1])} in that order")
        bands = list(self.grades.values())
        if bands != sorted(bands, reverse=True) or len(set(bands)) != len(bands):
            raise ValueError("grade bands must fall strictly from AAA to CC")
        if tuple(self.colours) != COLOURS:
            raise ValueError(f"colours must be {', '.join(COLOURS)}, mildest first")
        for name, f in self.factors.items():
            if f.dimension not in self.dimensions:
                raise ValueError(f"factor {name}: unknown dimension {f.dimension}")
        return self

    @property
    def model_version(self) -> str:
        return str(self.version)

    def highest_score(self, grade: str) -> int:
        """The best score a grade covers: one below the band of the grade above it."""
        i = GRADES.index(grade)
        return 100 if i == 0 else self.grades[GRADES[i - 1]] - 1

    def grade_for(self, score: int) -> str:
        for grade, lowest in self.grades.items():
            if score >= lowest:
                return grade
        return "C"


def load_scorecard(path: Path | None = None) -> Scorecard:
    path = path or SCORECARD_FILE
    try:
        return Scorecard.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, ValueError, yaml.YAMLError) as exc:
        raise ScorecardInvalid(
            f"评分卡 {path.name} 无效：{exc}", f"scorecard {path.name} is invalid: {exc}"
        ) from exc


@lru_cache
def default_scorecard() -> Scorecard:
    return load_scorecard()


def worse(a: str, b: str) -> str:
    """The worse of two grades."""
    return a if GRADES.index(a) >= GRADES.index(b) else b


def hotter(a: str, b: str) -> str:
    """The more severe of two warning colours."""
    return a if COLOURS.index(a) >= COLOURS.index(b) else b
