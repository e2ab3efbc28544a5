"""Reading lists: the seam for rating, stars, verification and reports, public and operator views."""

from __future__ import annotations

import secrets
from datetime import date, datetime
from functools import cache

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session

from xinyong.alerts.models import Alert
from xinyong.codes import mask_id_number, mask_person_name
from xinyong.db import known_empty
from xinyong.errors import InvalidInput, XinyongError
from xinyong.lists import notices
from xinyong.lists.clock import local_date
from xinyong.lists.config import Policy, load_policy
from xinyong.lists.models import LIST_TYPES, STATES, ListEntry, ListEvent, Objection
from xinyong.lists.schemas import (
    OFFICIAL_LABEL_EN,
    OFFICIAL_LABEL_ZH,
    EventOut,
    OperatorEntry,
    PublicEntry,
    RiskFlag,
    SubjectStanding,
)
from xinyong.lists.service import get_entry, publishable_from
from xinyong.paging import PAGE_SIZE, Page, keyset


class NotPublished(XinyongError):
    """Asked publicly for an entry that is not (or no longer) published: say so, show nothing."""

    code = "list_not_published"
    status = 404
    title_zh = "名单信息未公示"
    title_en = "List entry not published"


# --- the seam for rating, stars, verification and reports ----------------------------------


def _public_query(today: date):
    return select(ListEntry).where(
        ListEntry.state == "published",
        ListEntry.publicity_start <= today,
        ListEntry.publicity_end > today,
    )


@cache
def active_for(of_type: bool):
    """An enterprise's entries in force (of one list type or all), built once: every profile
    and verification asks, and building the statement cost more than running it (bench/load)."""
    query = _public_query(bindparam("today")).where(ListEntry.credit_code == bindparam("code"))
    if of_type:
        query = query.where(ListEntry.list_type == bindparam("list_type"))
    return query.order_by(ListEntry.decision_date.desc(), ListEntry.id)


FLAGS = (
    select(Alert)
    .where(Alert.credit_code == bindparam("code"), Alert.status != "dismissed")
    .order_by(Alert.created_at.desc(), Alert.id.desc())
    .limit(100)
)


def active_entries(
    session: Session, credit_code: str, now: datetime | None = None, list_type: str | None = None
) -> list[ListEntry]:
    """The official entries published for this code right now — what ratings, stars,
    verification and reports may use. Expired, repaired and revoked entries never are."""
    params = {"today": local_date(now), "code": credit_code.strip().upper()}
    if list_type:
        _check_type(list_type)
        params["list_type"] = list_type
    statement = active_for(bool(list_type))
    if known_empty(session, statement, params):
        return []
    return list(session.scalars(statement, params))


def is_black_listed(session: Session, credit_code: str, now: datetime | None = None) -> bool:
    return bool(active_entries(session, credit_code, now, "black"))


def is_red_listed(session: Session, credit_code: str, now: datetime | None = None) -> bool:
    return bool(active_entries(session, credit_code, now, "red"))


def public_entries(
    session: Session,
    list_type: str | None = None,
    now: datetime | None = None,
    limit: int = 50,
    offset: int = 0,
    credit_code: str | None = None,
) -> list[ListEntry]:
    query = _public_query(local_date(now))
    if list_type:
        _check_type(list_type)
        query = query.where(ListEntry.list_type == list_type)
    if credit_code:
        query = query.where(ListEntry.credit_code == credit_code.strip().upper())
    query = query.order_by(ListEntry.publicity_start.desc(), ListEntry.id.desc())
    return list(session.scalars(query.limit(limit).offset(offset)))


def public_entry(session: Session, entry_id: int, now: datetime | None = None) -> ListEntry:
    entry = session.scalar(_public_query(local_date(now)).where(ListEntry.id == entry_id))
    if entry is None:
        raise NotPublished(
            f"名单信息 {entry_id} 未公示或已停止公示",
            f"list entry {entry_id} is not published, or no longer",
        )
    return entry


def notified_entry(
    session: Session, entry_id: int, code: str | None, now: datetime | None = None
) -> ListEntry:
    """The party's view of its entry: published, as anyone sees it, or — with the code its
    notice carries — while approved and not yet published (the notice window). Anyone else
    gets the same answer as for an entry never published."""
    try:
        return public_entry(session, entry_id, now)
    except NotPublished:
        entry = session.get(ListEntry, entry_id)
        if (
            entry is None
            or entry.state != "approved"
            or not entry.notice_code
            or not code
            or not secrets.compare_digest(code.encode(), entry.notice_code.encode())
        ):
            raise
        return entry


def operator_entries(
    session: Session,
    state: str | None = None,
    list_type: str | None = None,
    credit_code: str | None = None,
    limit: int = 100,
) -> list[ListEntry]:
    query = _operator_query(state, list_type, credit_code)
    return list(session.scalars(query.order_by(ListEntry.id.desc()).limit(limit)))


def operator_page(
    session: Session,
    state: str | None = None,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> Page[ListEntry]:
    """One page of the entries of a state (all when None), newest first: the console's queue."""
    return keyset(
        session, _operator_query(state), ListEntry.id, before=before, after=after, size=size
    )


def count_entries(session: Session, state: str | None = None) -> int:
    """How many entries are in a state (all when None): a console tile, counted, not loaded."""
    return session.scalar(_operator_query(state, columns=(func.count(),))) or 0


def count_awaiting_publication(session: Session, today: date) -> int:
    """Approved entries still to be published: not those decided never to be published (minor
    dishonesty, no publicity end) nor those whose period is over (the expiry job ends them
    unpublished)."""
    query = _operator_query("approved", columns=(func.count(),))
    return session.scalar(query.where(ListEntry.publicity_end > today)) or 0


def _operator_query(
    state: str | None = None,
    list_type: str | None = None,
    credit_code: str | None = None,
    columns: tuple = (ListEntry,),
):
    query = select(*columns).select_from(ListEntry)
    if state:
        if state not in STATES:
            raise InvalidInput(
                f"state 只能是 {'、'.join(STATES)}，而不是“{state}”",
                f"state must be one of {', '.join(STATES)}, not '{state}'",
                field="state",
            )
        query = query.where(ListEntry.state == state)
    if list_type:
        _check_type(list_type)
        query = query.where(ListEntry.list_type == list_type)
    if credit_code:
        query = query.where(ListEntry.credit_code == credit_code.strip().upper())
    return query


def history(session: Session, entry_id: int) -> list[ListEvent]:
    get_entry(session, entry_id)
    return list(
        session.scalars(
            select(ListEvent).where(ListEvent.entry_id == entry_id).order_by(ListEvent.id)
        )
    )


def _check_type(list_type: str) -> None:
    if list_type not in LIST_TYPES:
        raise InvalidInput(
            f"type 只能是 red（红名单）或 black（黑名单），而不是“{list_type}”",
            f"type must be red or black, not '{list_type}'",
            field="type",
        )


# --- views ------------------------------------------------------------------------------------


def to_public(entry: ListEntry, policy: Policy | None = None) -> PublicEntry:
    """Public shape: a person's name and ID masked (PIPL), the official nature and instrument named."""
    policy = policy or load_policy()
    cls = policy.classes[entry.publicity_class]
    instrument = policy.instruments[cls.instrument]
    person = entry.subject_kind == "person"
    return PublicEntry(
        id=entry.id,
        label_zh=OFFICIAL_LABEL_ZH,
        label_en=OFFICIAL_LABEL_EN,
        list_type=entry.list_type,
        list_name_zh=notices.LIST_NAME_ZH[entry.list_type],
        list_name_en=notices.LIST_NAME_EN[entry.list_type],
        publicity_class=entry.publicity_class,
        class_label_zh=cls.label_zh,
        class_label_en=cls.label_en,
        aggravated=entry.aggravated,
        subject_kind=entry.subject_kind,
        credit_code=entry.credit_code,
        subject_name=mask_person_name(entry.subject_name) if person else entry.subject_name,
        subject_id=mask_id_number(entry.subject_id)
        if person and entry.subject_id
        else entry.subject_id,
        reason_zh=entry.reason_zh,
        reason_en=entry.reason_en,
        legal_basis_zh=entry.legal_basis_zh,
        legal_basis_en=entry.legal_basis_en,
        instrument_zh=instrument.title_zh,
        instrument_en=instrument.title_en,
        source_records=entry.source_records,
        authority=entry.authority,
        decision_date=entry.decision_date,
        publicity_start=entry.publicity_start,
        publicity_end=entry.publicity_end,
    )


def to_operator(session: Session, entry: ListEntry) -> OperatorEntry:
    public = to_public(entry)
    ready = pending = None
    if entry.state == "approved" and entry.publicity_end is not None:
        ready = publishable_from(session, entry, load_policy())
        pending = session.scalar(
            select(Objection.id)
            .where(Objection.entry_id == entry.id, Objection.state == "submitted")
            .limit(1)
        )
    return OperatorEntry(
        **public.model_dump(),
        state=entry.state,
        origin=entry.origin,
        rule_id=entry.rule_id,
        rule_version=entry.rule_version,
        created_by=entry.created_by,
        created_at=entry.created_at,
        ended_at=entry.ended_at,
        history=[EventOut.model_validate(e) for e in history(session, entry.id)],
        publishable_from=ready,
        open_objection_id=pending,
    )


def subject_standing(session: Session, code: str, now: datetime | None = None) -> SubjectStanding:
    """One code's official entries in force and, kept apart and labelled as such, the
    platform's own risk flags (alerts)."""
    code = code.strip().upper()
    entries = active_entries(session, code, now)
    params = {"code": code}
    flags = [] if known_empty(session, FLAGS, params) else session.scalars(FLAGS, params)
    return SubjectStanding(
        credit_code=code,
        on_black_list=any(e.list_type == "black" for e in entries),
        on_red_list=any(e.list_type == "red" for e in entries),
        official_lists=[to_public(e) for e in entries],
        platform_risk_flags=[
            RiskFlag(
                id=a.id,
                rule_id=a.rule_id,
                severity=a.severity,
                message_zh=a.message_zh,
                message_en=a.message_en,
                created_at=a.created_at,
            )
            for a in flags
        ],
    )
