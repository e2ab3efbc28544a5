"""The fee rules (rules.yaml): rate bounds, contingency caps with their instrument, contract templates."""

from __future__ import annotations

import os
from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel, Field, ValidationError

from xinyong.agencies.schedule import Band
from xinyong.errors import InvalidInput

DEFAULT_FILE = Path(__file__).with_name("rules.yaml")
# Kept in this domain (not in the shared settings) until the accounts issue owns configuration.
RULES_ENV = "XINYONG_FEE_RULES_FILE"


class RateBounds(BaseModel):
    min: Decimal = Decimal(0)
    max: Decimal = Decimal(100)


class ContingencyCap(BaseModel):
    """A marginal cap on a contingency fee's total, from a named instrument."""

    id: str
    instrument_zh: str
    instrument_en: str
    issued: str | None = None
    applies_to: list[str]
    bands: list[Band]


class ContractTemplate(BaseModel):
    title_zh: str
    title_en: str
    forbids_upfront_fees: bool = False
    platform_model: bool = False  # the platform's 债务委托协议范本


class Warnings(BaseModel):
    hourly_range_factor: Decimal = Decimal(3)
    high_effective_rate_percent: Decimal = Decimal(30)


class FeeRules(BaseModel):
    version: int = 1
    rate_percent: RateBounds = Field(default_factory=RateBounds)
    contingency_caps: list[ContingencyCap] = Field(default_factory=list)
    contract_templates: dict[str, ContractTemplate] = Field(default_factory=dict)
    warnings: Warnings = Field(default_factory=Warnings)

    def cap_for(self, kind: str | None) -> ContingencyCap | None:
        return next((c for c in self.contingency_caps if kind in c.applies_to), None)


def load_rules(path: Path | None = None) -> FeeRules:
    path = path or Path(os.environ.get(RULES_ENV) or DEFAULT_FILE)
    try:
        return FeeRules.model_validate(yaml.safe_load(Path(path).read_text("utf-8")) or {})
    except (OSError, yaml.YAMLError, ValidationError) as exc:
        raise InvalidInput(
            f"收费规则文件 {path} 无法读取：{exc}", f"fee rules file {path} cannot be read: {exc}"
        ) from None


@lru_cache
def default_rules() -> FeeRules:
    return load_rules()
