"""Rule conditions: validate a `when` block and compile it into a predicate over a change."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date
from typing import Any

from xinyong.alerts.errors import Where, did_you_mean
from xinyong.sources.ingest import Change

OPS = ("insert", "update", "close")
Predicate = Callable[[Any], bool]

# Keys of a condition block. Inside `enterprise:` only the ones that look at a row's current
# values make sense: there is no old value, no op and no layout there.
RECORD_KEYS = (
    "layout",
    "op",
    "field",
    "becomes",
    "changed",
    "matches",
    "equals",
    "any_of",
    "all_of",
    "not",
)
ENTERPRISE_KEYS = ("matches", "equals", "any_of", "all_of", "not")
_SCALARS = (str, int, float, bool, date, type(None))
_COST = {
    "layout": 0, "op": 0, "field": 1, "equals": 1, "changed": 1,
    "matches": 2, "not": 3, "all_of": 3, "any_of": 3,
}  # fmt: skip


def as_text(value: Any) -> str | None:
    """How a regex sees a value: lists (former names) joined, dates in ISO form."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, (list, tuple)):
        return "、".join(str(v) for v in value)
    return str(value)


class Compiler:
    """Compiles condition blocks of one rule, collecting the fields they read."""

    def __init__(self, enterprise_columns: frozenset[str], known_layouts: frozenset[str]) -> None:
        self.enterprise_columns = enterprise_columns
        self.known_layouts = known_layouts
        self.record_fields: set[str] = set()
        self.enterprise_fields: set[str] = set()

    def record(self, block: Any, where: Where) -> Predicate:
        """A predicate over a `Change`; every key of the block must hold."""
        # At the top of `when`, `enterprise` was taken out by the caller but is a valid key.
        return self._block(block, where, "record", extra=("enterprise",))

    def enterprise(self, block: Any, where: Where) -> Predicate:
        """A predicate over an enterprise's current row (a mapping of its columns)."""
        return self._block(block, where, "enterprise")

    def _block(
        self, block: Any, where: Where, scope: str, extra: tuple[str, ...] = ()
    ) -> Predicate:
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
        where.check_keys(block, (*(RECORD_KEYS if scope == "record" else ENTERPRISE_KEYS), *extra))
        if ("field" in block) != ("becomes" in block):
            missing = "becomes" if "field" in block else "field"
            raise where.error(
                f"“field”与“becomes”须同时给出，缺少“{missing}”",
                f"'field' and 'becomes' go together; '{missing}' is missing",
                key=missing,
            )
        keys = sorted((k for k in block if k != "becomes"), key=lambda k: _COST[k])
        # Cheapest tests first: on a bulk import most changes fail on a dict look-up, not a regex.
        return _all([getattr(self, f"_k_{k}")(block[k], where.at(k), scope, block) for k in keys])

    # --- keys -------------------------------------------------------------------------------

    def _k_layout(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        layouts = self.layouts(value, where)
        return lambda c: c.layout in layouts

    def _k_op(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        ops = self.ops(value, where)
        return lambda c: c.op in ops

    def _k_field(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        name = self.field_name(value, where, scope)
        values = self._values(block["becomes"], _sibling(where, "becomes"))

        def becomes(c: Change) -> bool:
            new = c.new.get(name)
            if new not in values:
                return False
            # An update (or closure) must be the change that made it so, not a later edit.
            return c.old is None or c.old.get(name) != new

        return becomes

    def _k_changed(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        names = [self.field_name(v, where.at(i), scope) for i, v in enumerate(_listify(value))]
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
                raise where.at(name).error(
                    "正则表达式应为非空字符串", "a regex must be a non-empty string", key=name
                )
            try:
                compiled.append((name, re.compile(pattern)))
            except re.error as exc:
                raise where.at(name).error(
                    f"正则表达式无效：{exc}", f"invalid regex: {exc}", key=name
                ) from None
        return _all([_searches(name, regex, scope) for name, regex in compiled])

    def _k_equals(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        expected = {
            name: self._values(v, where.at(name))
            for name, v in self._mapping(value, where, scope).items()
        }
        return _all([_is_one_of(name, values, scope) for name, values in expected.items()])

    def _k_any_of(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        return _any(self._blocks(value, where, scope))

    def _k_all_of(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        return _all(self._blocks(value, where, scope))

    def _k_not(self, value: Any, where: Where, scope: str, block: dict) -> Predicate:
        test = self._block(value, where, scope)
        return lambda item: not test(item)

    # --- values -----------------------------------------------------------------------------

    def layouts(self, value: Any, where: Where) -> frozenset[str]:
        names = _listify(value)
        for i, name in enumerate(names):
            if name not in self.known_layouts:
                spot = where.at(i) if isinstance(value, list) else where
                raise spot.error(
                    f"未知的数据格式“{name}”，可用：{'、'.join(sorted(self.known_layouts))}",
                    f"unknown layout '{name}'; known: {', '.join(sorted(self.known_layouts))}",
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

    def field_name(self, value: Any, where: Where, scope: str) -> str:
        if not isinstance(value, str) or not re.fullmatch(r"[a-z_][a-z0-9_]*", value):
            raise where.error(
                f"字段名应为小写英文列名，而不是“{value}”",
                f"a field name is a lower-case column name, not '{value}'",
                key=str(value),
            )
        if scope == "enterprise":
            if value not in self.enterprise_columns:
                known = sorted(self.enterprise_columns)
                hint_zh, hint_en = did_you_mean(value, known)
                raise where.error(
                    f"企业表没有字段“{value}”。{hint_zh}可用：{'、'.join(known)}",
                    f"the enterprise table has no field '{value}'{hint_en} Known: {', '.join(known)}",
                    key=value,
                )
            self.enterprise_fields.add(value)
        else:
            self.record_fields.add(value)
        return value

    def _mapping(self, value: Any, where: Where, scope: str) -> dict[str, Any]:
        if not isinstance(value, dict) or not value:
            raise where.error(
                "应为非空的“字段: 值”映射", "expected a non-empty mapping of field: value"
            )
        for name in value:
            self.field_name(name, where.at(str(name)), scope)
        return value

    def _values(self, value: Any, where: Where) -> tuple[Any, ...]:
        values = tuple(_listify(value)) if value is not None else (None,)
        if not values:
            raise where.error("至少给出一个值", "give at least one value")
        for v in values:
            if not isinstance(v, _SCALARS):
                raise where.error(
                    f"值应为标量或标量列表，而不是 {v!r}",
                    f"values must be scalars or a list of them, not {v!r}",
                )
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


# Closures specialised by arity and scope: this runs for every row of a watched bulk import.


def _all(tests: list[Predicate]) -> Predicate:
    if not tests:
        return lambda item: True
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda item: a(item) and b(item)
    return lambda item: all(t(item) for t in tests)


def _any(tests: list[Predicate]) -> Predicate:
    if len(tests) == 1:
        return tests[0]
    if len(tests) == 2:
        a, b = tests
        return lambda item: a(item) or b(item)
    return lambda item: any(t(item) for t in tests)


def _is_one_of(name: str, values: tuple[Any, ...], scope: str) -> Predicate:
    if scope == "record":
        return lambda c: c.new.get(name) in values
    return lambda row: row.get(name) in values


def _searches(name: str, regex: re.Pattern[str], scope: str) -> Predicate:
    search = regex.search

    def test(value: Any) -> bool:
        if value is None:
            return False
        return search(value if value.__class__ is str else as_text(value)) is not None

    if scope == "record":
        return lambda c: test(c.new.get(name))
    return lambda row: test(row.get(name))
