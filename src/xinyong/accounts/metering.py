"""Usage of API keys: per-day and per-month quotas, calls metered per key and endpoint, person
look-up caps, and the monthly statement (the basis of data-interface fees)."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xinyong.accounts.errors import QuotaExceeded
from xinyong.accounts.models import ApiKey, ApiUsage, Organisation, User
from xinyong.errors import InvalidInput
from xinyong.types import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")
_MONTH = re.compile(r"^\d{4}-(0[1-9]|1[0-2])$")


def local_day(now: datetime) -> date:
    """Quotas and statements count Lianyungang calendar days."""
    return now.astimezone(SHANGHAI).date()


def seconds_to_next_day(now: datetime) -> int:
    day = local_day(now)
    midnight = datetime.combine(day + timedelta(days=1), time(), SHANGHAI)
    return max(1, int((midnight - now).total_seconds()) + 1)


def seconds_to_next_month(now: datetime) -> int:
    day = local_day(now)
    first = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return max(1, int((datetime.combine(first, time(), SHANGHAI) - now).total_seconds()) + 1)


def _count(
    session: Session, key_id: int, kind: str, *, day: date | None = None, month: str | None = None
) -> int:
    q = select(func.coalesce(func.sum(ApiUsage.count), 0)).where(
        ApiUsage.key_id == key_id, ApiUsage.kind == kind
    )
    q = q.where(ApiUsage.day == day) if day else q.where(ApiUsage.month == month)
    return int(session.scalar(q) or 0)


def _add(session: Session, key_id: int, kind: str, endpoint: str, day: date) -> None:
    where = (
        ApiUsage.key_id == key_id,
        ApiUsage.day == day,
        ApiUsage.kind == kind,
        ApiUsage.endpoint == endpoint,
    )
    done = session.execute(update(ApiUsage).where(*where).values(count=ApiUsage.count + 1))
    if done.rowcount:
        return
    try:
        with session.begin_nested():
            session.add(
                ApiUsage(
                    key_id=key_id,
                    day=day,
                    month=day.strftime("%Y-%m"),
                    kind=kind,
                    endpoint=endpoint[:300],
                    count=1,
                )
            )
    except IntegrityError:  # another request inserted the same row first
        session.execute(update(ApiUsage).where(*where).values(count=ApiUsage.count + 1))


@dataclass(frozen=True)
class Allowance:
    """One quota of a key as a call leaves it: its size, the calls left in it and the seconds
    until it renews (what the answer's X-RateLimit-* headers show, gate.py)."""

    window: str  # "day" or "month" (Lianyungang calendar)
    limit: int
    remaining: int
    reset: int


def meter_call(
    session: Session, key: ApiKey, endpoint: str, now: datetime | None = None
) -> list[Allowance]:
    """Count one call against the key's quotas, refusing it (429) when a quota is used up.
    Returns what each quota the key has (none for an unlimited one) has left after the call."""
    now = now or utcnow()
    day = local_day(now)
    month = day.strftime("%Y-%m")
    quotas: list[Allowance] = []
    if key.daily_quota is not None:
        used = _count(session, key.id, "call", day=day)
        left = key.daily_quota - used
        quotas.append(Allowance("day", key.daily_quota, left, seconds_to_next_day(now)))
    if key.monthly_quota is not None:
        used = _count(session, key.id, "call", month=month)
        left = key.monthly_quota - used
        quotas.append(Allowance("month", key.monthly_quota, left, seconds_to_next_month(now)))
    for q in quotas:
        if q.remaining > 0:
            continue
        zh, en = ("今日", "daily") if q.window == "day" else ("本月", "monthly")
        raise QuotaExceeded(
            f"接口密钥 {key.prefix} {zh}调用次数已达上限 {q.limit} 次",
            f"API key {key.prefix} has used its {en} quota of {q.limit} calls",
            retry_after=q.reset,
            allowances=[replace(x, remaining=max(0, x.remaining)) for x in quotas],
        )
    _add(session, key.id, "call", endpoint, day)
    key.last_used_at = now
    return [replace(q, remaining=q.remaining - 1) for q in quotas]


def count_person_lookup(
    session: Session, key_id: int, cap: int | None, what: str, now: datetime | None = None
) -> None:
    """A key's look-up of a natural person: capped per day against scraping."""
    now = now or utcnow()
    day = local_day(now)
    if cap is not None and _count(session, key_id, "person", day=day) >= cap:
        raise QuotaExceeded(
            f"该接口密钥今日查询自然人记录已达上限 {cap} 次（防止批量抓取）",
            f"this API key has reached its daily cap of {cap} person look-ups (against scraping)",
            retry_after=seconds_to_next_day(now),
        )
    _add(session, key_id, "person", what, day)


def check_month(month: str) -> str:
    if not _MONTH.match(month or ""):
        raise InvalidInput(
            f"月份“{month}”无效：应为 YYYY-MM，如 2026-11",
            f"month {month!r} is invalid: expected YYYY-MM, e.g. 2026-11",
            field="month",
        )
    return month


def statement(
    session: Session,
    month: str,
    *,
    user_id: int | None = None,
    org_ids: tuple[int, ...] | None = None,
) -> list[dict]:
    """Calls per key and endpoint in a month. `user_id`/`org_ids` narrow it to what the caller
    may see (its own keys and its organisations'); None for both = every key (operator, auditor)."""
    check_month(month)
    q = (
        select(
            ApiKey.prefix,
            ApiKey.name,
            User.email,
            Organisation.credit_code,
            Organisation.name,
            ApiUsage.kind,
            ApiUsage.endpoint,
            func.sum(ApiUsage.count),
        )
        .join(ApiKey, ApiKey.id == ApiUsage.key_id)
        .join(User, User.id == ApiKey.user_id)
        .outerjoin(Organisation, Organisation.id == ApiKey.org_id)
        .where(ApiUsage.month == month)
        .group_by(
            ApiKey.prefix,
            ApiKey.name,
            User.email,
            Organisation.credit_code,
            Organisation.name,
            ApiUsage.kind,
            ApiUsage.endpoint,
        )
        .order_by(ApiKey.prefix, ApiUsage.kind, ApiUsage.endpoint)
    )
    if user_id is not None or org_ids is not None:
        mine = ApiKey.user_id == (user_id if user_id is not None else -1)
        if org_ids:
            mine = mine | ApiKey.org_id.in_(org_ids)
        q = q.where(mine)
    return [
        {
            "month": month,
            "key": prefix,
            "key_name": name,
            "owner": email,
            "org_code": code,
            "org_name": org_name,
            "kind": kind,
            "endpoint": endpoint,
            "calls": int(calls),
        }
        for prefix, name, email, code, org_name, kind, endpoint, calls in session.execute(q)
    ]


COLUMNS = ("month", "key", "key_name", "owner", "org_code", "org_name", "kind", "endpoint", "calls")


def statement_csv(rows: list[dict]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=COLUMNS, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        # A leading =, +, - or @ would be a formula in a spreadsheet.
        writer.writerow(
            {k: ("'" + v if isinstance(v, str) and v[:1] in "=+-@" else v) for k, v in row.items()}
        )
    return out.getvalue()


def this_month(now: datetime | None = None) -> str:
    return local_day(now or utcnow()).strftime("%Y-%m")
