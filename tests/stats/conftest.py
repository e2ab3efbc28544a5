"""The cases domain's small agency directory and ledger, reused: statistics read what it builds."""

from __future__ import annotations

from tests.cases.conftest import directory, ledger_settings

__all__ = ["directory", "ledger_settings"]
