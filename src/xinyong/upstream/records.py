"""Upstream records as the fake serves them: official headers, record ids, tombstones."""

from __future__ import annotations

from collections.abc import Mapping
from functools import cache
from typing import Any

from xinyong.errors import InvalidInput
from xinyong.sources.catalog import layouts
from xinyong.sources.fields import Field
from xinyong.sources.layouts import Layout
from xinyong.sources.readers import cell_text

Record = dict[str, str]


@cache
def header_index(layout: Layout) -> dict[str, Field]:
    """Every header a file may use for a field (official name and aliases) → the field."""
    return {name: fl for fl in layout.fields for name in fl.headers}


def key_headers(layout: Layout) -> list[str]:
    return [layout.field(k).header for k in layout.key]


def header(layout: Layout, key: str) -> str | None:
    """The official header of a field key, or None when this layout has no such field."""
    return next((fl.header for fl in layout.fields if fl.key == key), None)


def dataset_layout(dataset: str) -> Layout:
    found = layouts().get(dataset)
    if found is None:
        raise InvalidInput(
            f"未知的数据集“{dataset}”（可用：{'、'.join(layouts())}）",
            f"unknown dataset '{dataset}' (known: {', '.join(layouts())})",
        )
    return found


def in_layout_order(layout: Layout, values: Mapping[str, str]) -> Record:
    """Official headers in the layout's order, so equal content always serialises equally."""
    return {fl.header: values[fl.header] for fl in layout.fields if fl.header in values}


def from_payload(layout: Layout, payload: Any, where: str) -> Record:
    """An admin-supplied record: aliases become official headers; unknown headers are refused."""
    if not isinstance(payload, dict):
        raise InvalidInput(
            f"{where}：record 应为 JSON 对象", f"{where}: record must be a JSON object"
        )
    index = header_index(layout)
    unknown = [h for h in payload if h not in index]
    if unknown:
        raise InvalidInput(
            f"{where}：{layout.title_zh}没有这些字段：{'、'.join(unknown)}（可用：{'，'.join(layout.headers)}）",
            f"{where}: {layout.title_en} has no fields {', '.join(unknown)} "
            f"(known: {', '.join(layout.headers)})",
        )
    values: dict[str, str] = {}
    for name, value in payload.items():
        if isinstance(value, dict):
            raise InvalidInput(
                f"{where}：字段“{name}”的值应为文本", f"{where}: field '{name}' must be text"
            )
        values.setdefault(index[name].header, cell_text(value))
    return in_layout_order(layout, values)


def record_id(layout: Layout, record: Mapping[str, str]) -> str | None:
    """The upstream record id: the key fields' values joined by "|"; None if one is empty."""
    parts = [(record.get(h) or "").strip() for h in key_headers(layout)]
    return "|".join(parts) if all(parts) else None


def require_record_id(layout: Layout, record: Mapping[str, str], where: str) -> str:
    rid = record_id(layout, record)
    if rid is None:
        missing = [h for h in key_headers(layout) if not (record.get(h) or "").strip()]
        raise InvalidInput(
            f"{where}：记录缺少主键字段 {'、'.join(missing)}（{layout.title_zh}的记录由 "
            f"{'、'.join(key_headers(layout))} 标识）",
            f"{where}: the record lacks its key field(s) {', '.join(missing)} "
            f"({layout.title_en} records are identified by {', '.join(key_headers(layout))})",
        )
    return rid


def tombstone(
    layout: Layout, record: Mapping[str, str], ended_on: str | None, reason: str | None
) -> dict:
    """What a client sees of a deleted record: the flag, when and why it ended, and its key."""
    out: dict[str, Any] = {"_deleted": True, "_ended_on": ended_on, "_end_reason": reason or ""}
    for h in key_headers(layout):
        out[h] = record.get(h, "")
    return out
