"""The request's clock for list actions (a replay or a test may set `app.state.clock`)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from fastapi import Request


def request_now(request: Request) -> datetime | None:
    """The app's clock if one is set (`app.state.clock`, a callable), else the real time."""
    clock: Callable[[], datetime] | None = getattr(request.app.state, "clock", None)
    return clock() if clock else None
