"""A ledger whose keys and evidence files live in the test's own folder."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.ledger.config import LedgerSettings


@pytest.fixture
def ledger_settings(tmp_path: Path) -> LedgerSettings:
    return LedgerSettings(
        origin="credit.example.test/ledger",
        key_dir=tmp_path / "keys",
        evidence_dir=tmp_path / "evidence",
    )
