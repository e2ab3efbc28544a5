"""Watch list service: follow an enterprise, and its alerts derived from the change feed, the list
history and the grade history (never by asking upstream)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.errors import InvalidInput, NotFound
from xinyong.lists.clock import resolve
from xinyong.lists.models import ListEntry, ListEvent
from xinyong.penalties.models import Penalty
from xinyong.profile.glance import Glance, at_a_glance
from xinyong.rating.models import Rating, RatingHistory
from xinyong.registry.models import AbnormalEntry, Enterprise, Licence, Shareholder
from xinyong.sources.provenance import FeedCounter, RecordHistory
from xinyong.watch.models import WatchItem

MAX_WATCHED = 200  # per person: a watch list, not a bulk monitoring feed (that is the API's job)
ALERTS_PER_KIND = 200  # newest first, per kind of alert, for one read of the list

# Every imported table about an enterprise, the column that names it, and what to call a row.
RECORDS: list[tuple[Table, str, str, str]] = [
    (Enterprise.__table__, "credit_code", "工商登记信息", "business registration"),
    (Shareholder.__table__, "credit_code", "股东信息", "shareholder"),
    (Licence.__table__, "credit_code", "行政许可", "licence"),
    (AbnormalEntry.__table__, "credit_code", "经营异常名录记录", "abnormal-operation entry"),
    (EnforcementCase.__table__, "linked_credit_code", "被执行人记录", "enforcement case"),
    (
        DishonestRecord.__table__,
        "linked_credit_code",
        "失信被执行人记录",
        "dishonest-debtor record",
    ),
    (Penalty.__table__, "linked_credit_code", "行政处罚", "administrative penalty"),
]
# List steps the public sees; proposals and decisions before publication are not public.
LIST_ACTIONS = {
    "published": ("列入{list}并公示", "published on the {list}"),
    "expired": ("{list}公示期满，移出", "left the {list}: its publicity period ended"),
    "repaired": ("信用修复，移出{list}", "left the {list} after credit repair"),
    "revoked": ("{list}认定被撤销", "the {list} entry was revoked"),
}
LIST_NAMES = {"red": ("红名单", "red list"), "black": ("黑名单", "black list")}


@dataclass(frozen=True)
class Alert:
    """One thing that changed about a watched enterprise, in both languages, with where to look."""

    kind: str  # record / list / grade
    credit_code: str
    name: str
    at: datetime
    title_zh: str
    title_en: str
    detail_zh: str
    detail_en: str
    link: str
    unread: bool
    seq: int | None = None

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "credit_code": self.credit_code,
            "name": self.name,
            "at": self.at.isoformat(),
            "title_zh": self.title_zh,
            "title_en": self.title_en,
            "detail_zh": self.detail_zh,
            "detail_en": self.detail_en,
            "link": self.link,
            "unread": self.unread,
        }


@dataclass(frozen=True)
class Watched:
    item: WatchItem
    grade: str | None
    status: str | None
    alerts: int
    unread: int
    records: Glance | None = None  # records in force and list standing, as search shows them


def feed_position(session: Session) -> int:
    """The change feed's latest number (0 before anything was imported)."""
    value = session.scalar(select(FeedCounter.value).where(FeedCounter.name == "changes"))
    return value or 0


def _code(code: str) -> str:
    code = (code or "").strip().upper()
    if not code:
        raise InvalidInput(
            "credit_code：统一社会信用代码为必填项",
            "credit_code: the unified social credit code is required",
            field="credit_code",
        )
    return code


def items(session: Session, user_id: int) -> list[WatchItem]:
    return list(
        session.scalars(
            select(WatchItem).where(WatchItem.user_id == user_id).order_by(WatchItem.id)
        )
    )


def is_watching(session: Session, user_id: int, code: str) -> bool:
    found = session.scalar(
        select(WatchItem.id).where(
            WatchItem.user_id == user_id, WatchItem.credit_code == code.strip().upper()
        )
    )
    return found is not None


def add(session: Session, user_id: int, code: str, now: datetime | None = None) -> WatchItem:
    """Watch a registered enterprise from now on; watching it twice changes nothing."""
    now = resolve(now)
    code = _code(code)
    existing = session.scalar(
        select(WatchItem).where(WatchItem.user_id == user_id, WatchItem.credit_code == code)
    )
    if existing is not None:
        return existing
    name = session.scalar(select(Enterprise.name).where(Enterprise.credit_code == code))
    if name is None:
        raise NotFound(
            f"credit_code：没有统一社会信用代码为 {code} 的登记企业，无法关注",
            f"credit_code: no registered enterprise has the code {code}, so it cannot be watched",
            field="credit_code",
        )
    count = session.scalar(select(func.count(WatchItem.id)).where(WatchItem.user_id == user_id))
    if count >= MAX_WATCHED:
        raise InvalidInput(
            f"credit_code：关注列表最多 {MAX_WATCHED} 家企业，请先取消关注一些",
            f"credit_code: a watch list holds at most {MAX_WATCHED} enterprises; remove some first",
            field="credit_code",
        )
    seq = feed_position(session)
    item = WatchItem(
        user_id=user_id,
        credit_code=code,
        name=name,
        created_at=now,
        since_seq=seq,
        seen_seq=seq,
        seen_at=now,
    )
    session.add(item)
    session.flush()
    return item


def remove(session: Session, user_id: int, code: str) -> bool:
    """Stop watching (a preference, not a record: the row goes). True if it was watched."""
    result = session.execute(
        delete(WatchItem).where(WatchItem.user_id == user_id, WatchItem.credit_code == _code(code))
    )
    return result.rowcount > 0


def mark_seen(
    session: Session, user_id: int, code: str | None = None, now: datetime | None = None
) -> int:
    """Everything up to now is read (for one enterprise, or all); returns how many items."""
    now = resolve(now)
    seq = feed_position(session)
    rows = items(session, user_id)
    if code:
        rows = [r for r in rows if r.credit_code == _code(code)]
    # Up to now, or to the newest alert if a clock ran ahead of this one: what was shown is read.
    newest = max((a.at for a in alerts(session, user_id, code)), default=now)
    for r in rows:
        r.seen_seq, r.seen_at = seq, max(now, newest)
    return len(rows)


def _record_alerts(session: Session, watched: dict[str, WatchItem]) -> list[Alert]:
    out: list[Alert] = []
    since = min(w.since_seq for w in watched.values())
    for table, column, zh, en in RECORDS:
        rows = session.execute(
            select(table)
            .where(table.c[column].in_(list(watched)), table.c.change_seq > since)
            .order_by(table.c.change_seq.desc())
            .limit(ALERTS_PER_KIND)
        ).all()
        if not rows:
            continue
        ids = [r.id for r in rows]
        # A row with an earlier version in history changed; without one it is new.
        changed = set(
            session.scalars(
                select(RecordHistory.record_id).where(
                    RecordHistory.record_type == table.name, RecordHistory.record_id.in_(ids)
                )
            )
        )
        for r in rows:
            m = r._mapping
            w = watched[m[column]]
            if r.change_seq <= w.since_seq:
                continue
            ended = m.get("ended_on")
            if ended is not None:
                title = (f"{zh}已终结", f"{en} ended")
                why = m.get("end_reason") or ""
                detail = (f"{ended} 终结。{why}", f"ended on {ended}. {why}".strip())
            elif r.id in changed:
                title = (f"{zh}有变更", f"{en} changed")
                detail = ("", "")
            else:
                title = (f"新增{zh}", f"new {en}")
                detail = ("", "")
            if table.name == "enterprise":
                detail = (f"登记状态：{m['status']}", f"registration status: {m['status']}")
            source = f"{r.source} {r.source_record_id}" + (f" · {r.as_of}" if r.as_of else "")
            out.append(
                Alert(
                    kind="record",
                    credit_code=w.credit_code,
                    name=w.name,
                    at=r.known_from,
                    title_zh=title[0],
                    title_en=title[1],
                    detail_zh=f"{detail[0]}（来源 {source}）".lstrip(),
                    detail_en=f"{detail[1]} (source {source})".lstrip(),
                    link=f"/e/{w.credit_code}",
                    unread=r.change_seq > w.seen_seq,
                    seq=r.change_seq,
                )
            )
    return out


def _list_alerts(session: Session, watched: dict[str, WatchItem]) -> list[Alert]:
    since = min(w.created_at for w in watched.values())
    rows = session.execute(
        select(ListEvent, ListEntry)
        .join(ListEntry, ListEntry.id == ListEvent.entry_id)
        .where(
            ListEntry.credit_code.in_(list(watched)),
            ListEvent.action.in_(list(LIST_ACTIONS)),
            ListEvent.at > since,
        )
        .order_by(ListEvent.id.desc())
        .limit(ALERTS_PER_KIND)
    ).all()
    out = []
    for ev, entry in rows:
        w = watched[entry.credit_code]
        if ev.at <= w.created_at:
            continue
        zh, en = LIST_ACTIONS[ev.action]
        list_zh, list_en = LIST_NAMES.get(entry.list_type, (entry.list_type, entry.list_type))
        out.append(
            Alert(
                kind="list",
                credit_code=w.credit_code,
                name=w.name,
                at=ev.at,
                title_zh=zh.format(list=list_zh),
                title_en=en.format(list=list_en),
                detail_zh=f"事由：{entry.reason_zh}（认定部门 {entry.authority}）",
                detail_en=f"reason: {entry.reason_en} (decided by {entry.authority})",
                link=f"/lists/{entry.id}",
                unread=ev.at > w.seen_at,
            )
        )
    return out


def _grade_alerts(session: Session, watched: dict[str, WatchItem]) -> list[Alert]:
    rows = session.scalars(
        select(RatingHistory)
        .where(RatingHistory.credit_code.in_(list(watched)))
        .order_by(RatingHistory.credit_code, RatingHistory.id)
    ).all()
    out = []
    before: dict[str, RatingHistory] = {}
    for h in rows:
        w = watched[h.credit_code]
        prev = before.get(h.credit_code)
        before[h.credit_code] = h
        # Only a new grade is news; a score moving within its grade is not.
        if prev is None or prev.grade == h.grade or h.computed_at <= w.created_at:
            continue
        out.append(
            Alert(
                kind="grade",
                credit_code=w.credit_code,
                name=w.name,
                at=h.computed_at,
                title_zh=f"信用等级 {prev.grade} → {h.grade}",
                title_en=f"credit grade {prev.grade} → {h.grade}",
                detail_zh=f"评分 {prev.score} → {h.score}（模型 {h.model_version}）",
                detail_en=f"score {prev.score} → {h.score} (model {h.model_version})",
                link=f"/e/{w.credit_code}#grade",
                unread=h.computed_at > w.seen_at,
            )
        )
    return out


def alerts(session: Session, user_id: int, code: str | None = None) -> list[Alert]:
    """Alerts of a person's watch list (or one enterprise of it), newest first."""
    rows = items(session, user_id)
    if code:
        rows = [r for r in rows if r.credit_code == _code(code)]
    if not rows:
        return []
    watched = {r.credit_code: r for r in rows}
    found = (
        _record_alerts(session, watched)
        + _list_alerts(session, watched)
        + _grade_alerts(session, watched)
    )
    return sorted(found, key=lambda a: (a.at, a.seq or 0), reverse=True)


def overview(session: Session, user_id: int) -> tuple[list[Watched], list[Alert]]:
    """The watch list with each enterprise's status, grade, records at a glance and alert
    counts, and the alerts."""
    rows = items(session, user_id)
    if not rows:
        return [], []
    found = alerts(session, user_id)
    codes = [r.credit_code for r in rows]
    grades = dict(
        session.execute(
            select(Rating.credit_code, Rating.grade).where(Rating.credit_code.in_(codes))
        ).all()
    )
    statuses = dict(
        session.execute(
            select(Enterprise.credit_code, Enterprise.status).where(
                Enterprise.credit_code.in_(codes)
            )
        ).all()
    )
    glance = at_a_glance(session, codes)
    out = []
    for r in rows:
        mine = [a for a in found if a.credit_code == r.credit_code]
        out.append(
            Watched(
                item=r,
                grade=grades.get(r.credit_code),
                status=statuses.get(r.credit_code),
                alerts=len(mine),
                unread=sum(a.unread for a in mine),
                records=glance.get(r.credit_code),
            )
        )
    return out, found
