"""双公示 penalty file drops: how a row becomes columns, and its linking to an enterprise."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine

from xinyong.penalties.models import Penalty
from xinyong.sources.files import FileResult
from xinyong.sources.files import import_file as import_source_file
from xinyong.sources.ingest import Target
from xinyong.sources.layouts_judicial import ORGANISATION, PENALTY_DECISIONS, PERSON, PERSON_TYPES
from xinyong.sources.linking import make_linker

PENALTY_SOURCE = "penalties"  # 双公示, from the city or provincial credit platform (sources.yaml)


def penalty_columns(values: dict[str, Any]) -> dict[str, Any]:
    # 个体工商户 are registered market entities with credit codes: linked like organisations.
    kind = PERSON if values["party_category"] in PERSON_TYPES else ORGANISATION
    return dict(values, party_kind=kind)


link_party = make_linker(code_columns=("party_credit_code", "party_reg_no", "party_org_code"))

PENALTY_TARGETS = {
    PENALTY_DECISIONS.name: Target(
        PENALTY_DECISIONS, Penalty.__table__, penalty_columns, link_party
    ),
}


def import_file(
    engine: Engine,
    path: Path,
    layout_name: str = PENALTY_DECISIONS.name,
    *,
    source: str = PENALTY_SOURCE,
    **options,
) -> FileResult:
    """Import one 双公示 行政处罚 file."""
    return import_source_file(engine, path, PENALTY_TARGETS[layout_name], source=source, **options)
