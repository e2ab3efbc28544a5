"""Canonical JSON (RFC 8785 JCS) for leaf data, after turning dates and decimals into strings."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from enum import Enum
from pathlib import PurePath
from typing import Any
from uuid import UUID

import rfc8785

from xinyong.errors import InvalidInput


def plain(value: Any, where: str = "payload") -> Any:
    """JSON types only: datetimes become UTC ISO 8601, Decimals and UUIDs strings."""
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise InvalidInput(f"{where} 不能是 NaN 或无穷大", f"{where} cannot be NaN or infinite")
        return value
    if isinstance(value, datetime):
        if value.tzinfo is None:
            raise InvalidInput(f"{where} 的时间没有时区", f"{where} is a naive datetime")
        return value.astimezone(UTC).isoformat().replace("+00:00", "Z")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal | UUID | PurePath):
        return str(value)
    if isinstance(value, Enum):
        return plain(value.value, where)
    if isinstance(value, dict):
        out = {}
        for k, v in value.items():
            if not isinstance(k, str):
                raise InvalidInput(
                    f"{where} 的键 {k!r} 不是字符串", f"{where} key {k!r} is not a string"
                )
            out[k] = plain(v, f"{where}.{k}")
        return out
    if isinstance(value, list | tuple):
        return [plain(v, f"{where}[{i}]") for i, v in enumerate(value)]
    raise InvalidInput(
        f"{where} 的值类型 {type(value).__name__} 无法写入账本",
        f"{where} has a value of type {type(value).__name__} that cannot go into the ledger",
    )


def dumps(value: Any) -> bytes:
    return rfc8785.dumps(plain(value))
