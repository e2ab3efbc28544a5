"""Event rules as data: load and validate a YAML rule set, and index its rules by layout and op."""

from __future__ import annotations

import os
import re
import string
from dataclasses import dataclass, field
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

import yaml

from xinyong.alerts.conditions import OPS, Compiler, Predicate
from xinyong.alerts.errors import RulesInvalid, Where
from xinyong.alerts.models import KINDS, SEVERITIES
from xinyong.registry.models import Enterprise
from xinyong.settings import get_settings
from xinyong.sources.catalog import layouts
from xinyong.sources.ingest import ChangeHook

RULES_ENV = "XINYONG_RULES_FILE"
FILE_KEYS = ("version", "rules")
RULE_KEYS = (
    "id",
    "version",
    "enabled",
    "description_zh",
    "description_en",
    "when",
    "alert",
    "dedupe_on",
    "on_first_load",
)
ALERT_KEYS = ("kind", "severity", "message_zh", "message_en")
ENTERPRISE_COLUMNS = frozenset(c.name for c in Enterprise.__table__.columns)


@dataclass(frozen=True)
class Rule:
    """One compiled rule. `layouts`/`ops` of None watch every layout/op."""

    id: str
    version: int
    layouts: frozenset[str] | None
    ops: frozenset[str] | None
    test: Predicate
    enterprise_test: Predicate | None
    # Fetch the linked enterprise: for `enterprise:` conditions or `{enterprise_*}` in messages.
    wants_enterprise: bool
    enterprise_fields: tuple[str, ...]
    # The record fields whose values identify "the same facts": no second alert while they hold.
    dedupe_on: tuple[str, ...]
    kind: str
    severity: str
    message_zh: str
    message_en: str
    description_zh: str = ""
    description_en: str = ""
    # False: stay silent while a source loads into an empty table for the first time, where
    # every historical record is "new" and an alert per record would bury the operator.
    on_first_load: bool = True

    def watches(self, layout: str, op: str) -> bool:
        return (self.layouts is None or layout in self.layouts) and (
            self.ops is None or op in self.ops
        )


@dataclass
class RuleSet:
    """A validated rule set; `index(layout)` is the per-batch filter that keeps imports cheap."""

    version: int
    rules: tuple[Rule, ...]
    file: str
    _by_layout: dict[str, dict[str, tuple[Rule, ...]]] = field(default_factory=dict, repr=False)

    def index(self, layout: str) -> dict[str, tuple[Rule, ...]]:
        """Rules by op for one layout; empty when no rule watches it (one dict look-up)."""
        found = self._by_layout.get(layout)
        if found is None:
            found = {}
            for op in OPS:
                rules = tuple(r for r in self.rules if r.watches(layout, op))
                if rules:
                    found[op] = rules
            self._by_layout[layout] = found
        return found

    def get(self, rule_id: str) -> Rule | None:
        return next((r for r in self.rules if r.id == rule_id), None)

    @property
    def hook(self) -> ChangeHook:
        from xinyong.alerts.engine import make_hook

        return make_hook(self)


def default_rules_path() -> Path | Traversable:
    """The deployment's file (XINYONG_RULES_FILE) or the rules shipped with the package."""
    configured = get_settings().rules_file
    if configured:
        return Path(configured)
    return resources.files("xinyong.alerts").joinpath("rules.yaml")


def load_rules(path: str | os.PathLike[str] | None = None) -> RuleSet:
    """Read and validate a rules file; any mistake raises `RulesInvalid` naming rule and key."""
    source = Path(path) if path is not None else default_rules_path()
    name = str(source)
    try:
        text = source.read_text("utf-8")
    except OSError as exc:
        raise RulesInvalid(
            f"无法读取规则文件 {name}：{exc.strerror or exc}",
            f"cannot read rules file {name}: {exc.strerror or exc}",
            file=name,
        ) from None
    return parse_rules(text, name)


def parse_rules(text: str, file: str = "<string>") -> RuleSet:
    where = Where(file)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        at = f"第 {mark.line + 1} 行" if mark else ""
        at_en = f" at line {mark.line + 1}" if mark else ""
        raise where.error(f"YAML 语法错误{at}：{exc}", f"YAML syntax error{at_en}: {exc}") from None
    if not isinstance(data, dict):
        raise where.error(
            "文件应为含 version 与 rules 的映射",
            "the file must be a mapping with 'version' and 'rules'",
        )
    where.check_keys(data, FILE_KEYS)
    version = _version(data.get("version"), where.at("version"))
    items = data.get("rules")
    if not isinstance(items, list):
        raise where.at("rules").error("rules 应为规则列表", "'rules' must be a list of rules")
    rules: list[Rule] = []
    seen: set[str] = set()
    known_layouts = frozenset(layouts())
    for i, item in enumerate(items):
        rule = _rule(item, Where(file, path=f"rules[{i}]"), known_layouts)
        if rule is None:
            continue
        if rule.id in seen:
            raise Where(file, rule.id).error("规则编号重复", "duplicate rule id", key="id")
        seen.add(rule.id)
        rules.append(rule)
    return RuleSet(version, tuple(rules), file)


def _rule(item: Any, where: Where, known_layouts: frozenset[str]) -> Rule | None:
    if not isinstance(item, dict):
        raise where.error("每条规则应为映射", "each rule must be a mapping")
    rule_id = item.get("id")
    if not isinstance(rule_id, str) or not re.fullmatch(r"[a-z0-9][a-z0-9_.-]{0,99}", rule_id):
        raise where.error(
            f"规则编号 id 缺失或无效（小写字母、数字、_ . -）：{rule_id!r}",
            f"rule 'id' missing or invalid (lower-case letters, digits, _ . -): {rule_id!r}",
            key="id",
        )
    where = Where(where.file, rule_id)
    where.check_keys(item, RULE_KEYS)
    for key in ("when", "alert"):
        if key not in item:
            raise where.error(f"缺少“{key}”", f"'{key}' is missing", key=key)
    enabled = item.get("enabled", True)
    on_first_load = item.get("on_first_load", True)
    for key, value in (("enabled", enabled), ("on_first_load", on_first_load)):
        if not isinstance(value, bool):
            raise where.at(key).error(
                f"{key} 应为 true 或 false", f"'{key}' must be true or false", key=key
            )

    compiler = Compiler(ENTERPRISE_COLUMNS, known_layouts)
    when = item["when"]
    if not isinstance(when, dict):
        raise where.at("when").error(
            "when 应为条件映射", "'when' must be a mapping of conditions", key="when"
        )
    when = dict(when)
    w = where.at("when")
    # Layout and op at the top of `when` go into the index instead of being tested per change.
    rule_layouts = (
        compiler.layouts(when.pop("layout"), w.at("layout")) if "layout" in when else None
    )
    rule_ops = compiler.ops(when.pop("op"), w.at("op")) if "op" in when else None
    enterprise_block = when.pop("enterprise", None)
    has_enterprise = "enterprise" in item["when"]
    test = compiler.record(when, w)
    enterprise_test = (
        compiler.enterprise(enterprise_block, w.at("enterprise")) if has_enterprise else None
    )

    alert = _alert(item["alert"], where.at("alert"), compiler)
    dedupe = item.get("dedupe_on")
    if dedupe is None:
        dedupe_on = tuple(sorted(compiler.record_fields))
    else:
        names = dedupe if isinstance(dedupe, list) else [dedupe]
        dedupe_on = tuple(
            sorted(compiler.field_name(n, where.at("dedupe_on"), "record") for n in names)
        )
    if not enabled:
        return None
    return Rule(
        id=rule_id,
        version=_version(item.get("version", 1), where.at("version")),
        layouts=rule_layouts,
        ops=rule_ops,
        test=test,
        enterprise_test=enterprise_test,
        wants_enterprise=has_enterprise or alert["uses_enterprise"],
        on_first_load=on_first_load,
        enterprise_fields=tuple(sorted(compiler.enterprise_fields)),
        dedupe_on=dedupe_on,
        kind=alert["kind"],
        severity=alert["severity"],
        message_zh=alert["message_zh"],
        message_en=alert["message_en"],
        description_zh=_text(item.get("description_zh", ""), where.at("description_zh")),
        description_en=_text(item.get("description_en", ""), where.at("description_en")),
    )


def _alert(block: Any, where: Where, compiler: Compiler) -> dict[str, Any]:
    if not isinstance(block, dict):
        raise where.error("alert 应为映射", "'alert' must be a mapping")
    where.check_keys(block, ALERT_KEYS)
    for key in ALERT_KEYS:
        if key not in block:
            raise where.error(f"缺少“{key}”", f"'{key}' is missing", key=key)
    for key, allowed in (("kind", KINDS), ("severity", SEVERITIES)):
        if block[key] not in allowed:
            raise where.at(key).error(
                f"“{block[key]}”无效，可用：{'、'.join(allowed)}",
                f"'{block[key]}' is not valid; use one of: {', '.join(allowed)}",
                key=key,
            )
    uses_enterprise = False
    for key in ("message_zh", "message_en"):
        for name in _template_fields(block[key], where.at(key)):
            if name.startswith("enterprise_"):
                uses_enterprise = True
                compiler.field_name(name[len("enterprise_") :], where.at(key), "enterprise")
    return dict(block, uses_enterprise=uses_enterprise)


def _template_fields(template: Any, where: Where) -> list[str]:
    """Field names of a message template; only plain `{field}` is allowed (no attributes, specs)."""
    if not isinstance(template, str) or not template.strip():
        raise where.error("消息模板应为非空字符串", "a message template must be a non-empty string")
    names = []
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise where.error(
            f"消息模板的花括号不成对：{exc}", f"unbalanced braces in the template: {exc}"
        ) from None
    for _, name, spec, conversion in parsed:
        if name is None:
            continue
        if not re.fullmatch(r"[a-z_][a-z0-9_]*", name) or spec or conversion:
            raise where.error(
                f"模板占位符只能是 {{字段名}}，而不是“{{{name}}}”",
                f"template placeholders must be plain {{field}}, not '{{{name}}}'",
                key=name,
            )
        names.append(name)
    return names


def _version(value: Any, where: Where) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise where.error(
            f"version 应为正整数，而不是 {value!r}",
            f"'version' must be a positive integer, not {value!r}",
            key="version",
        )
    return value


def _text(value: Any, where: Where) -> str:
    if not isinstance(value, str):
        raise where.error("应为字符串", "must be a string")
    return value
