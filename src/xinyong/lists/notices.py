"""Notices to parties and applicants written to the outbox: what they are told, in Chinese and English."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.lists.config import Policy
from xinyong.lists.models import ListEntry, ListNotification, Objection, RepairRequest
from xinyong.paging import PAGE_SIZE, Page, keyset

LIST_NAME_ZH = {"red": "守信激励名单（红名单）", "black": "失信惩戒名单（黑名单）"}
LIST_NAME_EN = {"red": "trustworthiness list (red list)", "black": "dishonesty list (blacklist)"}
END_ZH = {"expired": "公示期满", "repaired": "信用修复", "revoked": "撤销"}


def _to_party(
    session: Session,
    entry: ListEntry,
    kind: str,
    now: datetime,
    subject: tuple[str, str],
    body: tuple[str, str],
) -> ListNotification:
    note = ListNotification(
        entry_id=entry.id,
        kind=kind,
        recipient_code=entry.credit_code,
        recipient_name=entry.subject_name,
        subject_zh=subject[0],
        subject_en=subject[1],
        body_zh=body[0],
        body_en=body[1],
        created_at=now,
    )
    session.add(note)
    return note


def pre_publication(
    session: Session, entry: ListEntry, policy: Policy, now: datetime
) -> ListNotification:
    """告知书: reasons, basis and rights, before anything is published."""
    name_zh, name_en = LIST_NAME_ZH[entry.list_type], LIST_NAME_EN[entry.list_type]
    red = entry.list_type == "red"
    rights_zh = policy.notice.red_rights_zh if red else policy.notice.rights_zh
    rights_en = policy.notice.red_rights_en if red else policy.notice.rights_en
    if not red and entry.publicity_end:
        # What repair the party may seek: the repair service's own terms, so the notice
        # cannot promise a repair the service then refuses (失信被执行人 go to the court).
        terms = policy.repair_terms(entry.publicity_class, entry.decision_date)
        rights_zh, rights_en = (
            f"{rights_zh}{terms.zh}。",
            f"{rights_en} {terms.en[0].upper()}{terms.en[1:]}.",
        )
    if entry.notice_code:
        link = party_link(entry)
        rights_zh += f"拟公示信息可在本平台 {link} 查看，并可在线提出异议。"
        rights_en += f" Read what is to be published, and object online, at {link} on this site."
    end_zh = f"，公示截止 {entry.publicity_end}" if entry.publicity_end else "，不予公示"
    end_en = (
        f", published until {entry.publicity_end}" if entry.publicity_end else ", not published"
    )
    return _to_party(
        session,
        entry,
        "pre_publication_notice",
        now,
        (f"列入{name_zh}告知书", f"Notice of inclusion in the {name_en}"),
        (
            f"{entry.subject_name}：经{entry.authority}认定（{entry.decision_date}），拟将您列入{name_zh}{end_zh}。"
            f"事由：{entry.reason_zh}。依据：{entry.legal_basis_zh}。{rights_zh}",
            f"{entry.subject_name}: following the decision of {entry.authority} ({entry.decision_date}), "
            f"you are to be included in the {name_en}{end_en}. Reason: {entry.reason_en}. "
            f"Legal basis: {entry.legal_basis_en}. {rights_en}",
        ),
    )


def party_link(entry: ListEntry) -> str:
    """The page where the notified party reads its entry before publication and objects."""
    return f"/lists/{entry.id}?code={entry.notice_code}"


def published(session: Session, entry: ListEntry, now: datetime) -> ListNotification:
    return _to_party(
        session,
        entry,
        "published",
        now,
        (
            f"已列入{LIST_NAME_ZH[entry.list_type]}并公示",
            f"Published in the {LIST_NAME_EN[entry.list_type]}",
        ),
        (
            f"名单信息（编号 {entry.id}）自 {entry.publicity_start} 起公示，至 {entry.publicity_end} 止。",
            f"List entry {entry.id} is published from {entry.publicity_start} until {entry.publicity_end}.",
        ),
    )


def ended(
    session: Session, entry: ListEntry, how: str, reason: str | None, now: datetime
) -> ListNotification:
    why = f"（{reason}）" if reason else ""
    if entry.publicity_start is None:
        # Ended before it was ever published (expired or revoked while approved).
        return _to_party(
            session,
            entry,
            f"entry_{how}",
            now,
            (f"名单信息不予公示（{END_ZH[how]}）", f"List entry will not be published ({how})"),
            (
                f"名单信息（编号 {entry.id}）因{END_ZH[how]}不予公示，也不共享{why}。",
                f"List entry {entry.id} will not be published or shared: {how}"
                f"{f' ({reason})' if reason else ''}.",
            ),
        )
    return _to_party(
        session,
        entry,
        f"entry_{how}",
        now,
        (f"名单信息已停止公示（{END_ZH[how]}）", f"List entry no longer published ({how})"),
        (
            f"名单信息（编号 {entry.id}）因{END_ZH[how]}已停止公示和共享{why}。",
            f"List entry {entry.id} is no longer published or shared: {how}{f' ({reason})' if reason else ''}.",
        ),
    )


def to_applicant(
    session: Session,
    case: Objection | RepairRequest,
    kind: str,
    now: datetime,
    subject: tuple[str, str],
    body: tuple[str, str],
) -> ListNotification:
    note = ListNotification(
        entry_id=case.entry_id,
        objection_id=case.id if isinstance(case, Objection) else None,
        repair_id=case.id if isinstance(case, RepairRequest) else None,
        kind=kind,
        recipient_name=case.applicant_name,
        recipient_contact=case.applicant_contact,
        subject_zh=subject[0],
        subject_en=subject[1],
        body_zh=body[0],
        body_en=body[1],
        created_at=now,
    )
    session.add(note)
    return note


def outbox_page(
    session: Session, *, before: int | None = None, after: int | None = None, size: int = PAGE_SIZE
) -> Page[ListNotification]:
    """One page of the notifications, newest first: what an operator reads in the outbox."""
    query = select(ListNotification)
    return keyset(session, query, ListNotification.id, before=before, after=after, size=size)


def outbox(
    session: Session,
    undelivered: bool = False,
    entry_id: int | None = None,
    limit: int = 100,
    newest_first: bool = False,
) -> list[ListNotification]:
    """The notifications written so far, oldest first (what a notifier must deliver), or
    newest first (what an operator reads)."""
    order = ListNotification.id.desc() if newest_first else ListNotification.id
    query = select(ListNotification).order_by(order).limit(limit)
    if undelivered:
        query = query.where(ListNotification.delivered_at.is_(None))
    if entry_id is not None:
        query = query.where(ListNotification.entry_id == entry_id)
    return list(session.scalars(query))
