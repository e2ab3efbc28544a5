"""Admin change lists: every item is checked first, then all are written in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from xinyong.errors import InvalidInput, NotFound
from xinyong.sources.layouts import Layout
from xinyong.upstream.records import (
    Record,
    dataset_layout,
    from_payload,
    in_layout_order,
    require_record_id,
)
from xinyong.upstream.store import Change, Store, Writer

OPS = ("upsert", "delete")


@dataclass
class Item:
    layout: Layout
    op: str
    record_id: str
    record: Record
    ended_on: str
    reason: str


def _parse(index: int, raw: Any, today: date) -> Item:
    where = f"changes[{index}]"
    if not isinstance(raw, dict):
        raise InvalidInput(f"{where} 应为 JSON 对象", f"{where} must be a JSON object")
    try:
        layout = dataset_layout(str(raw.get("dataset", "")))
    except InvalidInput as exc:
        raise InvalidInput(f"{where}：{exc.message_zh}", f"{where}: {exc.message_en}") from None
    op = raw.get("op", "upsert")
    if op not in OPS:
        raise InvalidInput(
            f"{where}：op 应为 upsert 或 delete，而不是“{op}”",
            f"{where}: op must be upsert or delete, not '{op}'",
        )
    record = from_payload(layout, raw.get("record"), where)
    rid = require_record_id(layout, record, where)
    ended_on = raw.get("ended_on") or today.isoformat()
    try:
        date.fromisoformat(str(ended_on))
    except ValueError:
        raise InvalidInput(
            f"{where}：ended_on“{ended_on}”应为 YYYY-MM-DD 日期",
            f"{where}: ended_on '{ended_on}' must be a YYYY-MM-DD date",
        ) from None
    reason = raw.get("reason") or ""
    return Item(layout, op, rid, record, str(ended_on), str(reason))


def apply_item(writer: Writer, item: Item) -> Change:
    """An upsert merges into the current record (fields not sent keep their values)."""
    dataset = item.layout.name
    if item.op == "delete":
        change = writer.delete(dataset, item.record_id, item.ended_on, item.reason)
        if change.result == "not_found":
            raise NotFound(
                f"要删除的记录不存在：{dataset} {item.record_id}",
                f"no record to delete: {dataset} {item.record_id}",
            )
        return change
    old = writer.get(dataset, item.record_id)
    merged = in_layout_order(item.layout, {**(old.record if old else {}), **item.record})
    return writer.put(dataset, item.record_id, merged)


def apply_changes(store: Store, payload: Any, today: date) -> list[Change]:
    if isinstance(payload, dict) and isinstance(payload.get("changes"), list):
        payload = payload["changes"]
    if not isinstance(payload, list):
        raise InvalidInput(
            "请求体应为变更列表（JSON 数组）",
            "the request body must be a list of changes (a JSON array)",
        )
    items = [_parse(i, raw, today) for i, raw in enumerate(payload)]
    with store.writing() as writer:
        return [apply_item(writer, item) for item in items]
