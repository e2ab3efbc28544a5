"""Every target this node imports into, by layout name: the change feed publishes them all."""

from __future__ import annotations

from xinyong.agencies.importer import AGENCY_TARGETS
from xinyong.enforcement.importer import ENFORCEMENT_TARGETS
from xinyong.penalties.importer import PENALTY_TARGETS
from xinyong.registry.importer import REGISTRY_TARGETS
from xinyong.sources.ingest import Target


def all_targets() -> dict[str, Target]:
    return {**REGISTRY_TARGETS, **ENFORCEMENT_TARGETS, **PENALTY_TARGETS, **AGENCY_TARGETS}
