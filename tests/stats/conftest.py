"""A quarter of complaints and cases on the test database (see story.py)."""

from __future__ import annotations

import pytest

from tests.stats.story import agencies_and_ledger, build_quarter


@pytest.fixture
def quarter(session, tmp_path):
    return build_quarter(session, agencies_and_ledger(session, tmp_path))
