"""The stored verification records, and the name indexes step 3 needs on the court and penalty tables."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.penalties.models import Penalty
from xinyong.types import UTCDateTime


class Verification(Base):
    """One three-step verification as it was answered: the full report, kept unchanged.

    The id is random (not a counter), so a shared URL does not reveal or invite guessing
    of other people's verifications; `digest` is the SHA-256 of the stored report.
    """

    __tablename__ = "verification"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)
    query_code: Mapped[str | None] = mapped_column(String(40))
    query_name: Mapped[str | None] = mapped_column(String(200))
    service: Mapped[str] = mapped_column(String(40))
    credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    enterprise_name: Mapped[str | None] = mapped_column(String(200))
    verdict: Mapped[str] = mapped_column(String(10))  # 通过 / 警示 / 不通过
    rules_version: Mapped[int] = mapped_column(Integer)
    report: Mapped[dict[str, Any]] = mapped_column(JSON)
    digest: Mapped[str] = mapped_column(String(64))


# Step 3 looks up the records of natural persons (a legal representative, a shareholder) by
# name: without these, every verification would scan the court and penalty tables.
PERSON_NAME_INDEXES = (
    Index("ix_dishonest_record_party_name", DishonestRecord.__table__.c.party_name),
    Index("ix_enforcement_case_party_name", EnforcementCase.__table__.c.party_name),
    Index("ix_penalty_party_name", Penalty.__table__.c.party_name),
)
