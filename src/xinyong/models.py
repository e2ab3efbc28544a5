"""Imports every domain's tables so metadata (and Alembic) sees the whole schema."""

from xinyong.db import Base
from xinyong.registry import models as registry_models  # noqa: F401
from xinyong.sources import models as source_models  # noqa: F401
from xinyong.sources import provenance  # noqa: F401

metadata = Base.metadata
