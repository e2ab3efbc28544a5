"""Assembling an enterprise's profile from the registry, court and penalty records."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.orm import Session

from xinyong.db import Probed
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.enforcement.schemas import EnforcementRecords
from xinyong.enforcement.service import linked_records
from xinyong.enforcement.service import records_for as enforcement_for
from xinyong.errors import XinyongError
from xinyong.lists.clock import local_date
from xinyong.lists.lookups import FLAGS, active_for, subject_standing
from xinyong.lists.schemas import SubjectStanding
from xinyong.penalties.models import Penalty
from xinyong.penalties.schemas import PenaltyOut
from xinyong.penalties.service import records_for as penalties_for
from xinyong.profile.related import related_enterprises
from xinyong.profile.schemas import RelatedEnterprises
from xinyong.rating.schemas import RatingOut
from xinyong.rating.service import view as rating_view
from xinyong.registry.models import AbnormalEntry, Licence
from xinyong.registry.schemas import ProfileOut
from xinyong.registry.service import children_of
from xinyong.registry.service import profile as registry_profile


class EnterpriseProfile(ProfileOut):
    """Registration plus court and penalty records. Court and penalty sections are today's
    view only: asked "as known on" a date, they are left out (None) rather than mixed in."""

    enforcement: EnforcementRecords | None = None
    penalties: list[PenaltyOut] | None = None
    related: RelatedEnterprises | None = None  # 周边风险
    # Official red/black-list entries in force, and the platform's own flags kept apart.
    lists: SubjectStanding | None = None
    # The grade with its explanation, model version and history (信用评级).
    rating: RatingOut | None = None


# The sections most enterprises have nothing in, asked first in one statement: licences,
# abnormal entries, court and penalty records, list entries and the platform's flags were
# seven statements, each a round trip on PostgreSQL (db.Probed; bench/RESULTS.md, load).
_SECTIONS = Probed(
    licences=children_of(Licence.__table__),
    abnormal=children_of(AbnormalEntry.__table__),
    cases=linked_records(EnforcementCase.__table__, "filed_on"),
    dishonest=linked_records(DishonestRecord.__table__, "published_on"),
    penalties=linked_records(Penalty.__table__, "decided_on"),
    lists=active_for(False),
    flags=FLAGS,
)


def enterprise_profile(
    session: Session, code: str, as_known_on: datetime | None = None
) -> EnterpriseProfile:
    code = code.strip().upper()
    if as_known_on is None and len(code) == 18:  # today's view by credit code: the usual ask
        with _SECTIONS.ahead(session, {"code": code, "today": local_date(None)}):
            return _profile(session, code, as_known_on)
    return _profile(session, code, as_known_on)


def _profile(session: Session, code: str, as_known_on: datetime | None) -> EnterpriseProfile:
    registry = registry_profile(session, code, as_known_on)
    profile = EnterpriseProfile(**dict(registry))
    if as_known_on is None:
        ent = registry.enterprise
        credit_code = ent.credit_code
        profile.enforcement = enforcement_for(session, credit_code)
        profile.penalties = penalties_for(session, credit_code)
        profile.related = related_enterprises(session, credit_code, root=ent)
        profile.lists = subject_standing(session, credit_code)
        try:
            profile.rating = rating_view(session, credit_code)
        except XinyongError:  # the profile stands on its own; the grade is an extra
            profile.rating = None
    return profile


def shown_firms(profile: EnterpriseProfile) -> set[str]:
    """The firms whose records a profile shows: its own and, by their record counts, every
    related firm its walk reached (what a kept profile is taken over by, api/carry.py)."""
    firms = {profile.enterprise.credit_code}
    if profile.related is not None:
        firms.update(item.credit_code for item in profile.related.items)
    return firms
