"""Registry (GSXT) file drops: which layout lands in which table, and importing a drop folder."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from xinyong.codes import mask_id_number
from xinyong.errors import FileRefused
from xinyong.registry.models import AbnormalEntry, Enterprise, Licence, Shareholder
from xinyong.sources.files import FileResult
from xinyong.sources.files import import_file as import_source_file
from xinyong.sources.ingest import Target
from xinyong.sources.layouts import (
    REGISTRY_ABNORMAL,
    REGISTRY_ENTERPRISES,
    REGISTRY_FILES,
    REGISTRY_LICENCES,
    REGISTRY_SHAREHOLDERS,
)
from xinyong.sources.readers import read_manifest

REGISTRY_SOURCE = "gsxt"


def _enterprise_columns(values: dict[str, Any]) -> dict[str, Any]:
    # The organisation code is positions 9-17 of the credit code; kept for legacy look-ups.
    return dict(
        values, org_code=values["credit_code"][8:17], former_names=values["former_names"] or []
    )


def _shareholder_columns(values: dict[str, Any]) -> dict[str, Any]:
    # A natural person's ID number is never stored in full (PIPL); GSXT rarely publishes it.
    if values["kind"] == "自然人股东" and values["id_number"]:
        values = dict(values, id_number=mask_id_number(values["id_number"]))
    return values


REGISTRY_TARGETS = {
    REGISTRY_ENTERPRISES.name: Target(
        REGISTRY_ENTERPRISES, Enterprise.__table__, _enterprise_columns, unique_by="credit_code"
    ),
    REGISTRY_SHAREHOLDERS.name: Target(
        REGISTRY_SHAREHOLDERS, Shareholder.__table__, _shareholder_columns
    ),
    REGISTRY_LICENCES.name: Target(REGISTRY_LICENCES, Licence.__table__),
    REGISTRY_ABNORMAL.name: Target(REGISTRY_ABNORMAL, AbnormalEntry.__table__),
}


def import_file(
    engine: Engine, path: Path, layout_name: str, *, source: str = REGISTRY_SOURCE, **options
) -> FileResult:
    """Import one registry file by its layout name (e.g. "registry.enterprises")."""
    return import_source_file(engine, path, REGISTRY_TARGETS[layout_name], source=source, **options)


def import_registry_dir(
    engine: Engine,
    folder: Path,
    *,
    source: str = REGISTRY_SOURCE,
    progress: Callable[[str, int], None] | None = None,
) -> list[FileResult]:
    """Import every registry file present in a drop folder, enterprises first — the bare
    import, without a sync's lease, event rules or search index (used by tests of the import
    itself; operators use `xinyong sync` or `xinyong import-registry`).

    A manifest saying `"demo": true` marks every record as demo data wherever it is shown.
    """
    demo = bool(read_manifest(folder).get("demo"))
    results = []
    for name, layout in REGISTRY_FILES.items():
        path = folder / name
        if not path.exists():
            continue
        step = (lambda n, _name=name: progress(_name, n)) if progress else None
        results.append(
            import_file(engine, path, layout.name, source=source, demo=demo, progress=step)
        )
    if not results:
        raise FileRefused(
            f"目录 {folder} 中没有登记数据文件（应有 {'、'.join(REGISTRY_FILES)}）",
            f"no registry files in {folder} (expected {', '.join(REGISTRY_FILES)})",
        )
    return results
