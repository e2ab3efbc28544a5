"""Deterministic demo data for 信用连云港: registry files in the upstream layouts the importer reads."""

from xinyong.demo.generator import DEMO_AS_OF, describe_sector, generate
from xinyong.demo.sector import SECTOR_SIZE

__all__ = ["DEMO_AS_OF", "SECTOR_SIZE", "describe_sector", "generate"]
