"""The list policy (periods, notice, workflows) and proposal rules, read from YAML and checked."""

from __future__ import annotations

import os
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Literal

import yaml
from dateutil.relativedelta import relativedelta
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator

from xinyong.errors import InvalidInput

HERE = Path(__file__).parent
POLICY_FILE = HERE / "policy.yaml"
RULES_FILE = HERE / "rules.yaml"


class ConfigInvalid(InvalidInput):
    code = "lists_config_invalid"
    title_zh = "名单配置无效"
    title_en = "Invalid list configuration"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Span(_Strict):
    """A period such as {years: 1} or {months: 3}."""

    years: int = 0
    months: int = 0
    days: int = 0

    def delta(self) -> relativedelta:
        return relativedelta(years=self.years, months=self.months, days=self.days)

    def after(self, day: date) -> date:
        return day + self.delta()

    def zh(self) -> str:
        parts = [
            f"{self.years}年" if self.years else "",
            f"{self.months}个月" if self.months else "",
        ]
        parts.append(f"{self.days}天" if self.days else "")
        return "".join(parts) or "0"

    def en(self) -> str:
        parts = [f"{v} {k}" for k, v in (("years", self.years), ("months", self.months)) if v]
        parts += [f"{self.days} days"] if self.days else []
        return " ".join(parts) or "0"


class Instrument(_Strict):
    title_zh: str
    title_en: str
    in_force: date | None = None


class PublicityClass(_Strict):
    list_type: Literal["red", "black"]
    label_zh: str
    label_en: str
    instrument: str
    rule_zh: str
    rule_en: str
    min: Span
    max: Span
    default: Span
    may_skip_publication: bool = False
    aggravated_min: Span | None = None
    aggravated_max: Span | None = None
    repairable: bool = True
    # Where a class not repaired here is repaired instead (the party is told so in the notice).
    repair_route_zh: str | None = None
    repair_route_en: str | None = None


class Notice(_Strict):
    wait_working_days: int
    rights_zh: str
    rights_en: str
    red_rights_zh: str
    red_rights_en: str


class RepairTerms(_Strict):
    """What a blacklisted party may do about credit repair: one answer for the notice, the
    entry page and the repair service, so none of them can promise what another refuses."""

    repairable: bool
    earliest: date | None  # the first day an application is accepted (repairable classes)
    zh: str
    en: str


class Calendar(_Strict):
    holidays: list[date] = []
    workdays: list[date] = []


class CaseType(_Strict):
    label_zh: str = ""
    label_en: str = ""
    materials: list[str]


class Objections(_Strict):
    answer_within_working_days: int
    case_types: dict[str, CaseType]


class Repairs(_Strict):
    decide_within_working_days: int
    after: dict[str, Span] = {}
    case_types: dict[str, CaseType]


class Material(_Strict):
    label_zh: str
    label_en: str


class Policy(_Strict):
    version: int
    instruments: dict[str, Instrument]
    classes: dict[str, PublicityClass]
    notice: Notice
    calendar: Calendar
    objections: Objections
    repairs: Repairs
    materials: dict[str, Material]

    @model_validator(mode="after")
    def _references(self) -> Policy:
        for name, cls in self.classes.items():
            if cls.instrument not in self.instruments:
                raise ValueError(
                    f"classes.{name}.instrument: unknown instrument '{cls.instrument}'"
                )
        for section, types in (("objections", self.objections), ("repairs", self.repairs)):
            for name, case in types.case_types.items():
                for m in case.materials:
                    if m not in self.materials:
                        raise ValueError(f"{section}.case_types.{name}: unknown material '{m}'")
        for name in (*self.repairs.after, *self.repairs.case_types):
            if name not in self.classes:
                raise ValueError(f"repairs: unknown class '{name}'")
        return self

    def cls(self, name: str) -> PublicityClass:
        if name not in self.classes:
            raise InvalidInput(
                f"公示类别只能是 {'、'.join(self.classes)}，而不是“{name}”",
                f"the class must be one of {', '.join(self.classes)}, not '{name}'",
                field="class",
            )
        return self.classes[name]

    def class_by_label(self, given: str) -> str:
        """A class named by its key or by its label in either language (an operator types
        一般失信 as readily as general)."""
        text = str(given).strip()
        for key, cls in self.classes.items():
            if text in (key, cls.label_zh, cls.label_en):
                return key
        return text  # unknown: the proposal check names the field and the classes

    def repair_after(self, name: str) -> Span:
        return self.repairs.after.get(name) or self.classes[name].min

    def repair_terms(self, name: str, decision_date: date) -> RepairTerms:
        """Whether and from when an entry of this class may be repaired here, in words."""
        cls = self.cls(name)
        instrument = self.instruments[cls.instrument]
        if not cls.repairable:
            route_zh = cls.repair_route_zh or f"依{instrument.title_zh}由认定机关处理"
            route_en = (
                cls.repair_route_en
                or f"the deciding authority handles it under the {instrument.title_en}"
            )
            return RepairTerms(
                repairable=False,
                earliest=None,
                zh=f"{cls.label_zh}信息不适用本平台信用修复：{route_zh}",
                en=f"{cls.label_en} is not repaired on this platform: {route_en}",
            )
        after = self.repair_after(name)
        earliest = after.after(decision_date)
        if after == Span():
            when_zh, when_en = "可随时申请", "at any time"
        else:
            when_zh = f"自认定之日起满{after.zh()}可申请，即 {earliest} 起"
            when_en = f"{after.en()} after the decision, from {earliest}"
        return RepairTerms(
            repairable=True,
            earliest=earliest,
            zh=f"公示期间符合条件的，可依{instrument.title_zh}申请信用修复（{cls.label_zh}信息{when_zh}）",
            en=f"while the entry is published you may apply for credit repair under the "
            f"{instrument.title_en} ({cls.label_en}: {when_en})",
        )


class Rule(_Strict):
    id: str
    version: int
    enabled: bool = True
    description_zh: str
    description_en: str
    from_: Literal["dishonest_record", "alert"]
    alert_rule: str | None = None
    class_: str
    aggravated_if: dict[str, str] = {}
    reason_zh: str
    reason_en: str
    legal_basis_zh: str
    legal_basis_en: str
    authority: str
    decision_date: str

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    @model_validator(mode="before")
    @classmethod
    def _keywords(cls, data):
        # `from` and `class` are Python keywords: accept them as written in YAML.
        if isinstance(data, dict):
            data = dict(data)
            for key in ("from", "class"):
                if key in data:
                    data[f"{key}_"] = data.pop(key)
        return data

    @model_validator(mode="after")
    def _alert_rule(self) -> Rule:
        if self.from_ == "alert" and not self.alert_rule:
            raise ValueError("alert_rule: required when from is 'alert'")
        return self


class RuleSet(_Strict):
    version: int
    rules: list[Rule]


def _load(path: Path, model: type[BaseModel]):
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise ConfigInvalid(
            f"无法读取配置文件 {path}：{exc}", f"cannot read configuration file {path}: {exc}"
        ) from exc
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        where = ".".join(str(p).rstrip("_") for p in first["loc"]) or "（顶层）"
        raise ConfigInvalid(
            f"配置文件 {path}：{where}：{first['msg']}",
            f"configuration file {path}: {where}: {first['msg']}",
            file=str(path),
            path=where,
        ) from exc


def load_policy(path: Path | None = None) -> Policy:
    env = os.environ.get("XINYONG_LISTS_POLICY_FILE")
    return _cached_policy(Path(path or env or POLICY_FILE))


def load_rules(path: Path | None = None) -> RuleSet:
    env = os.environ.get("XINYONG_LISTS_RULES_FILE")
    rules = _cached_rules(Path(path or env or RULES_FILE))
    policy = load_policy()
    for rule in rules.rules:
        if rule.class_ not in policy.classes:
            raise ConfigInvalid(
                f"规则“{rule.id}”：未知的公示类别“{rule.class_}”",
                f"rule '{rule.id}': unknown publicity class '{rule.class_}'",
            )
    return rules


@lru_cache(maxsize=8)
def _cached_policy(path: Path) -> Policy:
    return _load(path, Policy)


@lru_cache(maxsize=8)
def _cached_rules(path: Path) -> RuleSet:
    return _load(path, RuleSet)
