"""This node's change feed (省级信用信息共享): every record it imported, in write order, by cursor."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, select

from xinyong.sources.ingest import Target
from xinyong.sources.targets import all_targets

PEER_PREFIX = "peer:"


def record_fields(target: Target, row: Any) -> dict[str, str]:
    """A stored row written back in its layout's official headers, as upstream text."""
    mapping = row._mapping
    layout = target.layout
    out: dict[str, str] = {}
    for fl in layout.fields:
        if fl.key in mapping:
            value = mapping[fl.key]
        elif layout.key == (fl.key,):
            value = mapping["source_record_id"]  # e.g. 记录编号 is the upstream id itself
        else:
            value = None
        out[fl.header] = fl.format(value)
    return out


def changes_since(conn: Connection, since: int, limit: int = 500) -> dict[str, Any]:
    """Up to `limit` changes with feed number > `since`, oldest first, and the next cursor.

    Records this node received from peers are not republished, so two nodes that follow each
    other do not echo changes back and forth.
    """
    limit = max(1, min(limit, 5000))
    items: list[dict[str, Any]] = []
    for name, target in all_targets().items():
        table = target.table
        rows = conn.execute(
            select(table)
            .where(table.c.change_seq > since, ~table.c.source.startswith(PEER_PREFIX))
            .order_by(table.c.change_seq)
            .limit(limit)
        )
        for row in rows:
            mapping = row._mapping
            items.append(
                {
                    "seq": row.change_seq,
                    "layout": name,
                    "source": row.source,
                    "source_record_id": row.source_record_id,
                    "known_from": row.known_from.isoformat(),
                    "demo": row.demo,
                    "ended_on": (
                        mapping["ended_on"].isoformat() if mapping.get("ended_on") else None
                    ),
                    "end_reason": mapping.get("end_reason"),
                    "record": record_fields(target, row),
                }
            )
    items.sort(key=lambda item: item["seq"])
    items = items[:limit]
    cursor = items[-1]["seq"] if items else since
    return {"since": since, "next": cursor, "more": len(items) == limit, "changes": items}
