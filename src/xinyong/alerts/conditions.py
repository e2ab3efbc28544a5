"""Rule conditions: validate a `when` block and compile it into a predicate over a change."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from xinyong.alerts.errors import Where
from xinyong.sources.ingest import Change

OPS = ("insert", "update", "close")
Predicate = Callable[[Any], bool]

# Keys of a condition block. Inside `enterprise:` only the ones that look at a row's current
# values make sense: there is no old value, no op and no layout there.
RECORD_KEYS = ("layout", "op", "field", "becomes", "changed", "matches", "equals", "any_of", "all_of", "not")
ENTERPRISE_KEYS = ("matches", "equals", "any_of", "all_of", "not")
_SCALARS = (str, int, float, bool, date, type(None))


def as_text(value: Any) -> str | None:
    """How a regex sees a value: lists (former names) joined, dates in ISO form."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


class Compiler:
    """Compiles condition blocks of one rule, collecting the fields they read."""

    def __init__(self, enterprise_columns: frozenset[str]) -> None:
        self.enterprise_columns = enterprise_columns
        self.record_fields: set[str] = set()
        self.enterprise_fields: set[str] = set()

    def record(self, block: Any, where: Where, known_layouts: frozenset[str]) -> Predicate:
        """A predicate over a `Change`; every key of the block must hold."""
        self._known_layouts = known_layouts
        return self._block(block, where, "record")

    def enterprise(self, block: Any, where: Where) -> Predicate:
        """A predicate over an enterprise's current row (a mapping of its columns)."""
        return self._block(block, where, "enterprise")

    def _block(self, block: Any, where: Where, scope: str) -> Predicate:
        if block is None:
            block = {}
        if not isinstance(block, dict):
            raise where.error("条件应为键值映射", "a condition must be a mapping of keys")
        if "enterprise" in block:
            raise where.error(
                "“enterprise”只能写在 when 的顶层",
                "'enterprise' is allowed only at the top of 'when'",
                key="enterprise",
            )
        where.check_keys(block, RECORD_KEYS if scope == "record" else ENTERPRISE_KEYS)
        if ("field" in block) != ("becomes" in block):
            missing = "becomes" if "field" in block else "field"
            raise where.error(
                f"“field”与“becomes”须同时给出，缺少“{missing}”",
                f"'field' and 'becomes' go together; '{missing}' is missing",
                key=missing,
            )
        tests: list[Predicate] = []
        for key, value in block.items():
            if key == "becomes":
                continue
            handler = getattr(self, f"_k_{key}")
            tests.append(handler(value, where.at(key), scope, block))
        if len(tests) == 1:
            return tests[0]
        return lambda item: all(t(item) for t in tests)

    # --- keys -------------------------------------------------------------------------------

    def _k_layout(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        layouts = self.layouts(value, where)
        return lambda c: c.layout in layouts

    def _k_op(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        ops = self.ops(value, where)
        return lambda c: c.op in ops

    def _k_field(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        name = self._field_name(value, where, scope)
        values = self._values(block["becomes"], _sibling(where, "becomes"))

        def becomes(c: Change) -> bool:
            new = c.new.get(name)
            if not _one_of(new, values):
                return False
            # An update (or closure) must be the change that made it so, not a later edit.
            return c.old is None or c.old.get(name) != new

        return becomes

    def _k_changed(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        names = [self._field_name(v, where.at(i), scope) for i, v in enumerate(_listify(value))]
        if not names:
            raise where.error("至少列出一个字段", "list at least one field")

        def changed(c: Change) -> bool:
            # On an insert, every field that has a value counts as changed (from nothing).
            if c.old is None:
                return all(c.new.get(n) not in (None, "", []) for n in names)
            return all(c.old.get(n) != c.new.get(n) for n in names)

        return changed

    def _k_matches(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        patterns = self._mapping(value, where, scope)
        compiled = []
        for name, pattern in patterns.items():
            if not isinstance(pattern, str) or not pattern:
                raise where.at(name).error("正则表达式应为非空字符串", "a regex must be a non-empty string", key=name)
            try:
                compiled.append((name, re.compile(pattern)))
            except re.error as exc:
                raise where.at(name).error(
                    f"正则表达式无效：{exc}", f"invalid regex: {exc}", key=name
                ) from None
        get = _getter(scope)

        def matches(item: Any) -> bool:
            for name, regex in compiled:
                text = as_text(get(item, name))
                if text is None or not regex.search(text):
                    return False
            return True

        return matches

    def _k_equals(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        expected = {
            name: self._values(v, where.at(name))
            for name, v in self._mapping(value, where, scope).items()
        }
        get = _getter(scope)
        return lambda item: all(_one_of(get(item, n), vs) for n, vs in expected.items())

    def _k_any_of(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        tests = self._blocks(value, where, scope)
        return lambda item: any(t(item) for t in tests)

    def _k_all_of(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        tests = self._blocks(value, where, scope)
        return lambda item: all(t(item) for t in tests)

    def _k_not(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        test = self._block(value, where, scope)
        return lambda item: not test(item)

    # --- values -----------------------------------------------------------------------------

    def layouts(self, value: Any, where: Where) -> frozenset[str]:
        names = _listify(value)
        for i, name in enumerate(names):
            if name not in self._known_layouts:
                spot = where.at(i) if isinstance(value, list) else where
                raise spot.error(
                    f"未知的数据格式“{name}”，可用：{'、'.join(sorted(self._known_layouts))}",
                    f"unknown layout '{name}'; known: {', '.join(sorted(self._known_layouts))}",
                    key=str(name),
                )
        if not names:
            raise where.error("至少给出一个数据格式", "give at least one layout")
        return frozenset(names)

    def ops(self, value: Any, where: Where) -> frozenset[str]:
        ops = _listify(value)
        bad = [o for o in ops if o not in OPS]
        if bad or not ops:
            raise where.error(
                f"op 只能是 {'、'.join(OPS)}，而不是“{bad[0] if bad else ''}”",
                f"op must be one of {', '.join(OPS)}, not '{bad[0] if bad else ''}'",
                key=str(bad[0]) if bad else "op",
            )
        return frozenset(ops)

    def _field_name(self, value: Any, where: Where, scope: str) -> str:
        if not isinstance(value, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", value):
            raise where.error(
                f"字段名应为小写英文列名，而不是“{value}”",
                f"a field name is a lower-case column name, not '{value}'",
                key=str(value),
            )
        if scope == "enterprise":
            if value not in self.enterprise_columns:
                raise where.error(
                    f"企业表没有字段“{value}”，可用：{'、'.join(sorted(self.enterprise_columns))}",
                    f"the enterprise table has no field '{value}'; known: {', '.join(sorted(self.enterprise_columns))}",
                    key=value,
                )
            self.enterprise_fields.add(value)
        else:
            self.record_fields.add(value)
        return value

    def _mapping(self, value: Any, where: Where, scope: str) -> dict[str, Any]:
        if not isinstance(value, dict) or not value:
            raise where.error("应为非空的“字段: 值”映射", "expected a non-empty mapping of field: value")
        for name in value:
            self._field_name(name, where.at(str(name)), scope)
        return value

    def _values(self, value: Any, where: Where) -> tuple[Any, ...]:
        values = tuple(_listify(value)) if value is not None else (None,)
        for v in values:
            if not isinstance(v, _SCALARS):
                raise where.error(f"值应为标量或标量列表，而不是 {v!r}", f"values must be scalars or a list of them, not {v!r}")
        return values

    def _blocks(self, value: Any, where: Where, scope: str) -> list[Predicate]:
        if not isinstance(value, list) or not value:
            raise where.error("应为非空的条件列表", "expected a non-empty list of conditions")
        return [self._block(b, where.at(i), scope) for i, b in enumerate(value)]


def _sibling(where: Where, key: str) -> Where:
    parent = where.path.rsplit(".", 1)[0] if "." in where.path else ""
    return Where(where.file, where.rule_id, f"{parent}.{key}" if parent else key)


def _listify(value: Any) -> list[Any]:
    return list(value) if isinstance(value, (list, tuple)) else [value]


def _one_of(value: Any, values: tuple[Any, ...]) -> bool:
    return any(value == v for v in values)


def _getter(scope: str) -> Callable[[Any, str], Any]:
    if scope == "record":
        return lambda c, name: c.new.get(name)
    return lambda row, name: row.get(name)
