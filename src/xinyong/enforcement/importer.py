"""zxgk file drops: which layout lands in which table, how a row becomes columns, and its linking."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from xinyong.codes import mask_id_number
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.sources.files import FileResult
from xinyong.sources.files import import_file as import_source_file
from xinyong.sources.ingest import Target
from xinyong.sources.layouts_judicial import (
    ENFORCEMENT_DEBTORS,
    ENFORCEMENT_DISHONEST,
    ORGANISATION,
    PERSON,
    PERSON_TYPES,
    is_masked,
    looks_like_organisation,
)
from xinyong.sources.linking import make_linker

ENFORCEMENT_SOURCE = "zxgk"
# Read so that files carrying them are accepted, but not kept: nothing we show needs them.
_NOT_STORED = ("gender", "age")


def party_kind(declared: str | None, party_id: str | None, name: str) -> str:
    """Person or organisation: as declared, else by the ID (a masked ID is a person's), else
    by the name, erring towards person so that nobody's name is shown unmasked by mistake."""
    if declared:
        return PERSON if declared in PERSON_TYPES else ORGANISATION
    if party_id:
        return PERSON if is_masked(party_id) else ORGANISATION
    return ORGANISATION if looks_like_organisation(name) else PERSON


def _party(values: dict[str, Any], declared: str | None = None) -> dict[str, Any]:
    row = {k: v for k, v in values.items() if k not in _NOT_STORED}
    kind = party_kind(declared, row.get("party_id"), row["party_name"])
    if kind == PERSON and row.get("party_id") and not is_masked(row["party_id"]):
        # Declared a person but given something code-shaped: still personal data.
        row["party_id"] = mask_id_number(row["party_id"])
    return dict(row, party_kind=kind)


def debtor_columns(values: dict[str, Any]) -> dict[str, Any]:
    return _party(values)


def dishonest_columns(values: dict[str, Any]) -> dict[str, Any]:
    return _party(values, values.get("party_type"))


link_party = make_linker(code_columns=("party_id",))

ENFORCEMENT_TARGETS = {
    ENFORCEMENT_DEBTORS.name: Target(
        ENFORCEMENT_DEBTORS, EnforcementCase.__table__, debtor_columns, link_party
    ),
    ENFORCEMENT_DISHONEST.name: Target(
        ENFORCEMENT_DISHONEST, DishonestRecord.__table__, dishonest_columns, link_party
    ),
}


def import_file(
    engine: Engine, path: Path, layout_name: str, *, source: str = ENFORCEMENT_SOURCE, **options
) -> FileResult:
    """Import one zxgk file by its layout name ("enforcement.debtors" or "enforcement.dishonest")."""
    return import_source_file(
        engine, path, ENFORCEMENT_TARGETS[layout_name], source=source, **options
    )
