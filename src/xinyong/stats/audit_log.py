"""The access audit log as the console searches it: by user, action and Beijing-time dates. The
table, its writing and its ledger anchoring stay in `accounts.privacy`."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.accounts import privacy
from xinyong.accounts.models import AccessAudit, AccessAuditBatch
from xinyong.errors import InvalidInput
from xinyong.lists.clock import SHANGHAI
from xinyong.paging import PAGE_SIZE, Page, keyset

# What an entry says was done: unmasked reads and exports, agency decisions (stats.approvals).
ACTION_NAMES = {
    "unmask": ("查看未遮蔽信息", "unmasked read"),
    "export": ("导出", "export"),
    "approve_org": ("批准服务机构", "agency approved"),
    "reject_org": ("驳回服务机构", "agency rejected"),
    # An operator settling who speaks for an organisation (accounts.claims).
    "revoke_org": ("驳回机构登记", "organisation registration revoked"),
    "suspend_org": ("暂停机构", "organisation suspended"),
    "restore_org": ("恢复机构", "organisation reinstated"),
    "member_in": ("加入机构成员", "member added"),
    "member_out": ("移出机构成员", "member removed"),
    "claim_upheld": ("登记异议成立", "claim dispute upheld"),
    "claim_denied": ("登记异议不成立", "claim dispute dismissed"),
}


@dataclass(frozen=True)
class AuditFilter:
    user: str | None = None  # part of the actor: an e-mail, a name, a key prefix
    action: str | None = None
    since: date | None = None  # Beijing-time days, inclusive
    until: date | None = None


def parse_day(text: str | None, field: str) -> date | None:
    if not text or not text.strip():
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InvalidInput(
            f"{field}：日期应写作 YYYY-MM-DD，而不是“{text}”",
            f"{field}: write the date as YYYY-MM-DD, not '{text}'",
            field=field,
        ) from None


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


def page(
    session: Session,
    where: AuditFilter,
    *,
    before: int | None = None,
    after: int | None = None,
    size: int = PAGE_SIZE,
) -> Page[tuple[AccessAudit, AccessAuditBatch | None]]:
    """One page of the matching entries, newest first, each with the ledger batch anchoring
    it (None while pending): the console's audit log and GET /api/v1/access-log."""
    found = keyset(session, _matching(where), AccessAudit.id, before=before, after=after, size=size)
    return found.map(lambda e: (e, privacy.batch_of(session, e.id)))


def _matching(where: AuditFilter):
    if where.since and where.until and where.since > where.until:
        raise InvalidInput(
            f"since：起始日 {where.since} 晚于结束日 {where.until}",
            f"since: the first day {where.since} is after the last day {where.until}",
            field="since",
        )
    q = select(AccessAudit)
    if where.user and where.user.strip():
        q = q.where(AccessAudit.actor.ilike(f"%{_escape(where.user.strip())}%", escape="\\"))
    if where.action:
        q = q.where(AccessAudit.action == where.action)
    if where.since:
        q = q.where(AccessAudit.at >= datetime.combine(where.since, time(), SHANGHAI))
    if where.until:
        end = datetime.combine(where.until + timedelta(days=1), time(), SHANGHAI)
        q = q.where(AccessAudit.at < end)
    return q
