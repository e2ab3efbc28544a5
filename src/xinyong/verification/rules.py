"""Verification rules as data: load and validate the YAML that says what each step checks and counts."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from xinyong.errors import InvalidInput
from xinyong.settings import get_settings

FAIL, WARN, INFO = "fail", "warn", "info"
OUTCOMES = (FAIL, WARN, INFO)

# Every finding the service can report; the rules file must give each an outcome.
RULE_IDS = (
    "identity.code_invalid",
    "identity.not_found",
    "identity.ambiguous",
    "identity.name_mismatch",
    "identity.former_name",
    "identity.inactive",
    "identity.confirmed",
    "qualification.entity_class",
    "qualification.court_representation",
    "qualification.unlawful_collector_name",
    "qualification.unlawful_collector_scope",
    "qualification.consulting_beyond_scope",
    "qualification.scope_not_covered",
    "qualification.covered",
    "qualification.licence_missing",
    "records.dishonest",
    "records.open_enforcement",
    "records.penalty",
    "records.abnormal",
    "records.blacklist",
    "records.person_dishonest",
    "records.person_dishonest_by_name",
    "records.person_open_enforcement",
    "records.person_penalty",
    "records.person_unlawful_collector",
    "records.clean",
)


@dataclass(frozen=True)
class Service:
    """A service a creditor may ask an agency for, and what must be true to provide it."""

    key: str
    title_zh: str
    title_en: str
    covered_by: tuple[str, ...]
    entity_classes: tuple[str, ...] | None


@dataclass(frozen=True)
class EntityClass:
    key: str
    code_types: tuple[str, ...]
    title_zh: str
    title_en: str
    may_represent_in_court: bool


@dataclass(frozen=True)
class Rules:
    version: int
    file: str
    active_statuses: frozenset[str]
    lookback_years: int
    default_service: str
    services: dict[str, Service]
    entity_classes: dict[str, EntityClass]
    collector_terms: tuple[str, ...]
    collector_exclusion: re.Pattern[str]
    consulting_terms: tuple[str, ...]
    outcomes: dict[str, str]

    def service(self, key: str | None) -> Service:
        key = key or self.default_service
        if key not in self.services:
            raise InvalidInput(
                f"核验服务“{key}”不存在，可选：{'、'.join(self.services)}",
                f"unknown service '{key}', expected one of {', '.join(self.services)}",
                field="service",
            )
        return self.services[key]

    def entity_class(self, credit_code: str) -> EntityClass | None:
        for cls in self.entity_classes.values():
            if credit_code[:2] in cls.code_types:
                return cls
        return None


def _bad(where: str, zh: str, en: str, file: str) -> InvalidInput:
    return InvalidInput(
        f"核验规则文件 {file} 中 {where}：{zh}",
        f"verification rules file {file}, at {where}: {en}",
        file=file,
        where=where,
    )


def _need(data: dict[str, Any], key: str, kind: type, where: str, file: str) -> Any:
    if key not in data:
        raise _bad(f"{where}{key}", "缺少此项", "missing", file)
    value = data[key]
    if not isinstance(value, kind) or (isinstance(value, bool) and kind is int):
        raise _bad(f"{where}{key}", f"应为 {kind.__name__}", f"expected {kind.__name__}", file)
    return value


def _strings(value: Any, where: str, file: str) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise _bad(where, "应为非空的文字列表", "expected a non-empty list of strings", file)
    return tuple(value)


def parse_rules(data: Any, file: str) -> Rules:
    """Validate a parsed rules document; every problem names where it is, in zh and en."""
    if not isinstance(data, dict):
        raise _bad("(根 root)", "应为映射", "expected a mapping", file)
    classes = {
        key: EntityClass(
            key,
            _strings(_need(c, "code_types", list, f"entity_classes.{key}.", file), key, file),
            _need(c, "title_zh", str, f"entity_classes.{key}.", file),
            _need(c, "title_en", str, f"entity_classes.{key}.", file),
            bool(c.get("may_represent_in_court", False)),
        )
        for key, c in _need(data, "entity_classes", dict, "", file).items()
    }
    services = {}
    for key, s in _need(data, "services", dict, "", file).items():
        where = f"services.{key}."
        wanted = s.get("entity_classes")
        if wanted is not None:
            wanted = _strings(wanted, f"{where}entity_classes", file)
            for c in wanted:
                if c not in classes:
                    raise _bad(
                        f"{where}entity_classes",
                        f"未定义的主体类别“{c}”",
                        f"entity class '{c}' is not defined",
                        file,
                    )
        services[key] = Service(
            key,
            _need(s, "title_zh", str, where, file),
            _need(s, "title_en", str, where, file),
            _strings(_need(s, "covered_by", list, where, file), f"{where}covered_by", file),
            wanted,
        )
    default = _need(data, "default_service", str, "", file)
    if default not in services:
        raise _bad(
            "default_service", f"未定义的服务“{default}”", f"undefined service '{default}'", file
        )
    collector = _need(data, "unlawful_collector", dict, "", file)
    pattern = _need(collector, "exclusion_pattern", str, "unlawful_collector.", file)
    try:
        exclusion = re.compile(pattern)
    except re.error as exc:
        raise _bad(
            "unlawful_collector.exclusion_pattern", f"正则无效：{exc}", str(exc), file
        ) from None
    outcomes = _need(data, "outcomes", dict, "", file)
    for rule_id in RULE_IDS:
        if outcomes.get(rule_id) not in OUTCOMES:
            raise _bad(
                f"outcomes.{rule_id}",
                f"应为 {'/'.join(OUTCOMES)} 之一",
                f"expected one of {'/'.join(OUTCOMES)}",
                file,
            )
    unknown = sorted(set(outcomes) - set(RULE_IDS))
    if unknown:
        raise _bad(f"outcomes.{unknown[0]}", "不是已知的规则编号", "is not a known rule id", file)
    years = _need(data, "lookback_years", int, "", file)
    if years < 0:
        raise _bad("lookback_years", "不能为负数", "must not be negative", file)
    return Rules(
        version=_need(data, "version", int, "", file),
        file=file,
        active_statuses=frozenset(
            _strings(_need(data, "active_statuses", list, "", file), "active_statuses", file)
        ),
        lookback_years=years,
        default_service=default,
        services=services,
        entity_classes=classes,
        collector_terms=_strings(
            _need(collector, "terms", list, "unlawful_collector.", file),
            "unlawful_collector.terms",
            file,
        ),
        collector_exclusion=exclusion,
        consulting_terms=_strings(
            _need(
                _need(data, "consulting_only", dict, "", file),
                "terms",
                list,
                "consulting_only.",
                file,
            ),
            "consulting_only.terms",
            file,
        ),
        outcomes=dict(outcomes),
    )


def load_rules(path: Path | None = None) -> Rules:
    """The given file, else the settings' file, else the rules shipped in this package."""
    path = path or get_settings().verification_rules_file
    if path is None:
        text = resources.files("xinyong.verification").joinpath("rules.yaml").read_text("utf-8")
        file = "xinyong/verification/rules.yaml"
    else:
        text, file = Path(path).read_text("utf-8"), str(path)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise _bad("(YAML)", f"无法解析：{exc}", f"cannot be parsed: {exc}", file) from None
    return parse_rules(data, file)


def entity_class_en(key: str | None) -> str | None:
    """A stored report's entity class in English (reports keep the Chinese title only), from
    the rules in force; None for a class they no longer name."""
    cls = default_rules().entity_classes.get(key) if key else None
    return cls.title_en.split(",")[0] if cls else None


@lru_cache(maxsize=1)
def default_rules() -> Rules:
    return load_rules()
