"""The catalogue of upstream layouts: by name, and which drop-file name carries which layout."""

from __future__ import annotations

from functools import lru_cache
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


# Records the platform decides or keeps itself, beside the upstream layouts' tables.
_OWN_RECORDS = {
    "list_entry": ("红黑名单", "Red and black lists"),
    "verification": ("三步核验记录", "Verification records"),
}
_OWN_SOURCES = {
    "lists": ("本平台红黑名单认定", "This platform's list decisions"),
    "cases": ("本平台委托案件记录", "This platform's case records"),
}


def record_title(record_type: str) -> tuple[str, str]:
    """A record table as people call it, in Chinese and English: the title of the layout that
    feeds it (dishonest_record → 失信被执行人信息), or of the platform's own record; the table's
    name when neither knows it."""
    return _record_titles().get(record_type, (record_type, record_type))


@lru_cache(maxsize=1)
def _record_titles() -> dict[str, tuple[str, str]]:
    from xinyong.sources.targets import all_targets

    fed = {t.record_type: (t.layout.title_zh, t.layout.title_en) for t in all_targets().values()}
    return _OWN_RECORDS | fed


def source_title(name: str | None) -> tuple[str, str]:
    """A source as people call it (gsxt → 国家企业信用信息公示系统（企业登记）): a configured
    upstream's title, or the platform's own; the name itself when neither knows it."""
    if not name:
        return "—", "—"
    if name in _OWN_SOURCES:
        return _OWN_SOURCES[name]
    from xinyong.settings import get_settings

    return _configured_titles(get_settings().sources_file).get(name, (name, name))


@lru_cache(maxsize=4)
def _configured_titles(path: Path | None) -> dict[str, tuple[str, str]]:
    # A report page names a source for every piece of evidence: the file is read once per
    # process and sources file, not once per line (a new title shows after a restart).
    from xinyong.sources.config import load_sources

    return {n: (c.title_zh, c.title_en) for n, c in load_sources(path).items()}
