"""An operator preparing a drop reads docs/sources/: every header and field code we accept is there."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.sources.layouts import REGISTRY_LAYOUTS
from xinyong.sources.layouts_judicial import JUDICIAL_LAYOUTS

DOCS = Path(__file__).parents[2] / "docs" / "sources"
PAGES = {"registry": "registry.md", "enforcement": "enforcement.md", "penalties": "penalties.md"}


@pytest.mark.parametrize("layout", REGISTRY_LAYOUTS + JUDICIAL_LAYOUTS, ids=lambda lay: lay.name)
def test_every_accepted_header_is_documented(layout):
    page = (DOCS / PAGES[layout.name.split(".")[0]]).read_text("utf-8")
    assert f"`{layout.name}`" in page
    for field in layout.fields:
        assert f"| {field.header} |" in page and f"`{field.key}`" in page
        for alias in field.aliases:
            assert alias in page or alias.lower() in page, (layout.name, alias)
