"""The public 行政处罚 publication (双公示): decisions in their publicity period, newest first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from xinyong.codes.masking import mask_person_name
from xinyong.money import fen_to_yuan
from xinyong.penalties.models import Penalty
from xinyong.sources.layouts_judicial import PERSON

# A page of the publication; the search reads at most this many pages back, so a word that
# matches nothing cannot make one request walk the whole table page by page.
PAGE_SIZE = 20
MAX_PAGES = 50
_ESCAPE = re.compile(r"[\\%_]")  # LIKE's wildcards and its escape, taken literally


@dataclass(frozen=True)
class Published:
    """One decision as the publication lists it: a natural person's name masked (PIPL)."""

    id: int
    decision_number: str
    party_name: str
    credit_code: str | None  # the registered enterprise it is linked to, if any
    penalty_types: str
    violation_type: str | None
    fine_yuan: Decimal | None
    authority: str
    decided_on: date
    publish_until: date | None


@dataclass(frozen=True)
class PublicationPage:
    items: list[Published]
    page: int
    has_next: bool
    words: str
    cut_off: bool = False  # more decisions match beyond the last page the publication shows


def _in_publicity(today: date):
    return select(Penalty).where(
        Penalty.ended_on.is_(None),
        or_(Penalty.publish_until.is_(None), Penalty.publish_until > today),
        Penalty.decided_on <= today,
    )


def published(session: Session, today: date, words: str = "", page: int = 1) -> PublicationPage:
    """Decisions in their publicity period on `today` (Asia/Shanghai), newest decision first;
    `words` narrows to a party name, a decision number or an authority containing them."""
    words = " ".join((words or "").split())[:100]
    page = min(max(1, page), MAX_PAGES)
    query = _in_publicity(today)
    if words:
        like = "%" + _ESCAPE.sub(r"\\\g<0>", words) + "%"
        query = query.where(
            or_(
                # A person's name is searched only whole: a masked name must not be found by
                # the characters the mask hides.
                (Penalty.party_kind != PERSON) & Penalty.party_name.like(like, escape="\\"),
                (Penalty.party_kind == PERSON) & (Penalty.party_name == words),
                Penalty.decision_number.like(like, escape="\\"),
                Penalty.authority.like(like, escape="\\"),
                Penalty.linked_credit_code == words.upper(),
            )
        )
    query = query.order_by(Penalty.decided_on.desc(), Penalty.id.desc())
    rows = session.scalars(query.limit(PAGE_SIZE + 1).offset((page - 1) * PAGE_SIZE)).all()
    more = len(rows) > PAGE_SIZE
    return PublicationPage(
        items=[_published(p) for p in rows[:PAGE_SIZE]],
        page=page,
        has_next=more and page < MAX_PAGES,
        words=words,
        cut_off=more and page == MAX_PAGES,
    )


def newest(session: Session, today: date, limit: int = 5) -> list[Published]:
    """The newest decisions in their publicity period (the front page's panel)."""
    query = _in_publicity(today).order_by(Penalty.decided_on.desc(), Penalty.id.desc())
    return [_published(p) for p in session.scalars(query.limit(limit))]


def _published(p: Penalty) -> Published:
    person = p.party_kind == PERSON
    return Published(
        id=p.id,
        decision_number=p.decision_number,
        party_name=mask_person_name(p.party_name) if person else p.party_name,
        credit_code=None if person else p.linked_credit_code,
        penalty_types=p.penalty_types,
        violation_type=p.violation_type,
        fine_yuan=fen_to_yuan(p.fine_fen),
        authority=p.authority,
        decided_on=p.decided_on,
        publish_until=p.publish_until,
    )
