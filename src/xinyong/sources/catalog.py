"""The catalogue of upstream layouts: by name, and which drop-file name carries which layout."""

from __future__ import annotations

from pathlib import Path

from xinyong.agencies.importer import AGENCY_FILE_STEMS, AGENCY_LAYOUTS
from xinyong.errors import NotFound
from xinyong.sources.layouts import REGISTRY_LAYOUTS, Layout
from xinyong.sources.layouts_judicial import JUDICIAL_LAYOUTS

# A drop file's stem names its layout, whatever its type (.csv, .xlsx, .jsonl).
FILE_STEMS: dict[str, str] = {
    "enterprises": "registry.enterprises",
    "shareholders": "registry.shareholders",
    "licences": "registry.licences",
    "abnormal": "registry.abnormal",
    "debtors": "enforcement.debtors",
    "dishonest": "enforcement.dishonest",
    "penalties": "penalties.decisions",
    **AGENCY_FILE_STEMS,
}


def layouts() -> dict[str, Layout]:
    return {
        layout.name: layout for layout in (*REGISTRY_LAYOUTS, *JUDICIAL_LAYOUTS, *AGENCY_LAYOUTS)
    }


def layout(name: str) -> Layout:
    try:
        return layouts()[name]
    except KeyError:
        raise NotFound(
            f"没有名为“{name}”的数据格式（可用：{'、'.join(layouts())}）",
            f"no layout named '{name}' (known: {', '.join(layouts())})",
        ) from None


def layout_for_file(path: Path) -> Layout | None:
    name = FILE_STEMS.get(path.stem)
    return layouts().get(name) if name else None
