"""Imports every domain's tables so metadata (and Alembic) sees the whole schema."""

from xinyong.accounts import models as account_models  # noqa: F401
from xinyong.agencies import models as agency_models  # noqa: F401
from xinyong.alerts import models as alert_models  # noqa: F401
from xinyong.cases import models as case_models  # noqa: F401
from xinyong.db import Base
from xinyong.documents import models as document_models  # noqa: F401
from xinyong.enforcement import models as enforcement_models  # noqa: F401
from xinyong.ledger import models as ledger_models  # noqa: F401
from xinyong.lists import models as list_models  # noqa: F401
from xinyong.penalties import models as penalty_models  # noqa: F401
from xinyong.rating import models as rating_models  # noqa: F401
from xinyong.registry import models as registry_models  # noqa: F401
from xinyong.search import models as search_models  # noqa: F401
from xinyong.sources import lock, provenance  # noqa: F401
from xinyong.sources import models as source_models  # noqa: F401
from xinyong.verification import models as verification_models  # noqa: F401
from xinyong.watch import models as watch_models  # noqa: F401

metadata = Base.metadata
