"""The agency directory: profiles, the schedule in force, listing rules, comparison and publishing."""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from pypinyin import Style, lazy_pinyin
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from xinyong.agencies.fees import Quote, quote
from xinyong.agencies.importer import KINDS, SERVICES, canonical
from xinyong.agencies.models import Agency, FeeScheduleVersion
from xinyong.agencies.rules import FeeRules, default_rules
from xinyong.agencies.schedule import FeeSchedule
from xinyong.agencies.standing import Standing, Verdict, standings
from xinyong.agencies.validation import Problem, check_schedule, compliance_problems, warnings
from xinyong.errors import InvalidInput, NotFound
from xinyong.registry.models import Enterprise
from xinyong.sources.ingest import content_hash
from xinyong.sources.provenance import allocate_seq
from xinyong.types import utcnow

SHANGHAI = ZoneInfo("Asia/Shanghai")
PORTAL_SOURCE = "portal"  # schedules an agency publishes on this platform
ACTIVE_STATUSES = ("存续", "在业")
SORTS = ("name", "price", "effective_rate", "stars")
# Debt-collection companies are banned (2000 notice of the Ministry of Public Security and
# others): a name saying so is a red flag whatever the schedule says.
RED_FLAG_WORDS = ("讨债", "追债", "要账")


def today_shanghai(now: datetime | None = None) -> date:
    return (now or utcnow()).astimezone(SHANGHAI).date()


@dataclass
class ScheduleView:
    """A schedule version as a creditor sees it, checked against the rules in force today."""

    version: int
    effective_from: date
    effective_to: date | None
    title: str | None
    schedule: FeeSchedule
    source: str
    known_from: datetime
    problems: list[Problem]
    warnings: list[Problem]

    @property
    def compliant(self) -> bool:
        return not self.problems


@dataclass
class AgencyView:
    credit_code: str
    name: str
    kind: str
    services: list[str]
    regions: list[str]
    phone: str | None
    address: str | None
    website: str | None
    description: str | None
    demo: bool
    source: str
    as_of: date | None
    # From the registry (None when the enterprise is not registered here).
    registered_name: str | None
    status: str | None
    division_code: str | None
    schedule: ScheduleView | None
    standing: Standing
    quote: Quote | None = None
    notices: list[tuple[str, str]] = field(default_factory=list)

    @property
    def kind_zh(self) -> str:
        return KINDS.get(self.kind, (self.kind, self.kind))[0]

    @property
    def kind_en(self) -> str:
        return KINDS.get(self.kind, (self.kind, self.kind))[1]

    @property
    def listed(self) -> bool:
        """Listed (上架): a compliant fee schedule in force, an active registration, no red
        flag in the name, no failed verification (once that domain gives a verdict), and not
        on the black list or a dishonest debtor now (what the third step would fail on, known
        before anyone verifies)."""
        verdict = self.standing.verdict
        return (
            self.schedule is not None
            and self.schedule.compliant
            and (self.status is None or self.status in ACTIVE_STATUSES)
            and not self.red_flags
            and (verdict is None or verdict.result != "fail")
            and not self.barred
        )

    @property
    def barred(self) -> list[tuple[str, str]]:
        """Records that keep the agency out of the directory, as notices."""
        records = self.standing.records
        if records is None:
            return []
        out = []
        if "black" in records.lists:
            out.append(
                (
                    "列入黑名单（公示期内），不予列入名录",
                    "on the black list (published): not listed",
                )
            )
        if records.records.dishonest:
            n = records.records.dishonest
            out.append(
                (
                    f"有在效的失信被执行人记录 {n} 条，不予列入名录",
                    f"{n} dishonest-debtor records in force: not listed",
                )
            )
        return out

    @property
    def red_flags(self) -> list[str]:
        names = f"{self.name} {self.registered_name or ''}"
        return [word for word in RED_FLAG_WORDS if word in names]


def _schedule_view(row: FeeScheduleVersion, kind: str, rules: FeeRules) -> ScheduleView:
    schedule = FeeSchedule.model_validate(row.schedule)
    return ScheduleView(
        version=row.version,
        effective_from=row.effective_from,
        effective_to=row.effective_to,
        title=row.title,
        schedule=schedule,
        source=row.source,
        known_from=row.known_from,
        problems=compliance_problems(schedule, kind, rules),
        warnings=warnings(schedule, rules),
    )


def in_force(rows: list[FeeScheduleVersion], on: date) -> FeeScheduleVersion | None:
    """The highest version in force on `on` (effective_to is the last day it applies)."""
    live = [
        r
        for r in rows
        if r.effective_from <= on and (r.effective_to is None or on <= r.effective_to)
    ]
    return max(live, key=lambda r: (r.version, r.known_from), default=None)


def schedule_versions(session: Session, codes: list[str]) -> dict[str, list[FeeScheduleVersion]]:
    """Every schedule version of these agencies, by credit code (for `in_force`)."""
    versions: dict[str, list[FeeScheduleVersion]] = {}
    for row in session.scalars(
        select(FeeScheduleVersion).where(FeeScheduleVersion.credit_code.in_(codes))
    ):
        versions.setdefault(row.credit_code, []).append(row)
    return versions


def declared_templates(session: Session, codes: list[str], on: date) -> dict[str, str]:
    """The contract template each agency's schedule in force says it uses (rules.yaml codes);
    agencies whose schedule names none are left out."""
    out = {}
    for code, rows in schedule_versions(session, codes).items():
        current = in_force(rows, on)
        template = current.schedule.get("contract_template") if current else None
        if template:
            out[code] = template
    return out


def adopts_model(
    declared: str | None, reviewed: int, short: int, rules: FeeRules | None = None
) -> bool | None:
    """Whether an agency uses the platform's model agreement: what its contracts show wins over
    what its schedule declares. A reviewed contract missing the model's mandatory clauses says
    no; reviewed contracts holding them all, or a declared platform model, say yes; another
    template declared says no; nothing known is None (no record, neither for nor against)."""
    if short:
        return False
    if reviewed:
        return True
    if declared is None:
        return None
    template = (rules or default_rules()).contract_templates.get(declared)
    return template is not None and template.platform_model


def _views(session: Session, agencies: list[Agency], on: date, rules: FeeRules) -> list[AgencyView]:
    codes = [a.credit_code for a in agencies]
    registered = {
        e.credit_code: e
        for e in session.scalars(select(Enterprise).where(Enterprise.credit_code.in_(codes)))
    }
    versions = schedule_versions(session, codes)
    standing = standings(session, codes)
    out = []
    for a in agencies:
        current = in_force(versions.get(a.credit_code, []), on)
        schedule = _schedule_view(current, a.kind, rules) if current else None
        out.append(_view(a, registered.get(a.credit_code), schedule, standing[a.credit_code]))
    return out


def _view(
    a: Agency, e: Enterprise | None, schedule: ScheduleView | None, standing: Standing
) -> AgencyView:
    view = AgencyView(
        credit_code=a.credit_code,
        name=a.name,
        kind=a.kind,
        services=list(a.services or []),
        regions=list(a.regions or []),
        phone=a.phone,
        address=a.address,
        website=a.website,
        description=a.description,
        demo=a.demo,
        source=a.source,
        as_of=a.as_of,
        registered_name=e.name if e else None,
        status=e.status if e else None,
        division_code=e.division_code if e else None,
        schedule=schedule,
        standing=standing,
    )
    view.notices = _notices(view)
    return view


RECORDS_ONLY = frozenset({"records"})  # the provider `wiring._records` is registered as


def quoted_listing(
    session: Session, agency: Agency, schedule: ScheduleView | None, verdict: Verdict | None
) -> AgencyView:
    """The agency as a fee quote shows its standing: listed or not, and why, by the directory's
    rules, from its registration, its schedule in force and its verification's verdict. The
    grade, stars and service record the directory adds list or unlist no one and are left out;
    so are its records at a glance for an agency in the registry: its verification fails on a
    black-list entry or a dishonest record, what they would unlist it for. An agency registered
    elsewhere (a law firm's code is issued by the justice bureau) has no verification here, so
    its records at a glance are read: the directory unlists it on them, and so must the quote."""
    code = agency.credit_code
    e = session.scalar(select(Enterprise).where(Enterprise.credit_code == code))
    standing = Standing() if e is not None else standings(session, [code], RECORDS_ONLY)[code]
    standing.verdict = verdict
    return _view(agency, e, schedule, standing)


def _notices(v: AgencyView) -> list[tuple[str, str]]:
    """Why an agency is not listed, or what a creditor should know first."""
    out = []
    if v.registered_name is None:
        out.append(("未在企业登记信息中找到该机构", "not found in the business registry"))
    elif v.status not in ACTIVE_STATUSES:
        out.append((f"登记状态为“{v.status}”，不得承接业务", f"registration status '{v.status}'"))
    if v.schedule is None:
        out.append(("未公示现行收费标准，不予列入名录", "no fee schedule in force: not listed"))
    elif not v.schedule.compliant:
        out.append(
            (
                "现行收费标准不符合收费规定，不予列入名录",
                "the fee schedule in force breaks the fee rules: not listed",
            )
        )
    for word in v.red_flags:
        out.append(
            (
                f"名称含“{word}”：讨债公司为法律所禁止，不予列入名录",
                f"the name contains '{word}': debt-collection companies are banned; not listed",
            )
        )
    out.extend(v.barred)
    records = v.standing.records
    if records is not None and records.records.enforcement:
        n = records.records.enforcement
        out.append(
            (f"有未结被执行案件 {n} 件，请先核验", f"{n} open enforcement cases: verify first")
        )
    verdict = v.standing.verdict
    if verdict is not None and verdict.result == "fail":
        zh, en = "三步核验未通过，不予列入名录", "failed the three-step verification: not listed"
        if verdict.reason_zh:  # the finding it failed on, as the verification words it
            zh, en = f"{zh}：{verdict.reason_zh}", f"{en} ({verdict.reason_en})"
        out.append((zh, en))
    if v.kind == "consulting" and not v.red_flags and v.standing.verdict is None:
        out.append(
            (
                "咨询公司的经营范围通常不含债务清收或法律事务代理，请先核验",
                "a consulting firm's scope rarely covers debt recovery or legal agency: verify first",
            )
        )
    return out


def covers(region: str, district: str) -> bool:
    """A division code served covers the districts under it (320700 covers 320706)."""
    if not region:
        return False
    stem = region
    while stem.endswith("00") and len(stem) > 2:
        stem = stem[:-2]
    return district.startswith(stem)


@dataclass
class Case:
    """The case a creditor wants quoted: debt, expected or actual recovery, hours."""

    debt_amount: Decimal
    recovered_amount: Decimal | None = None
    hours: Decimal | None = None


def list_agencies(
    session: Session,
    *,
    service: str | None = None,
    district: str | None = None,
    kind: str | None = None,
    min_stars: int | None = None,
    case: Case | None = None,
    max_fee: Decimal | None = None,
    sort: str = "name",
    descending: bool = False,
    include_unlisted: bool = False,
    on: date | None = None,
    rules: FeeRules | None = None,
) -> list[AgencyView]:
    """The directory, filtered and sorted; with a `case`, each agency's quote for it."""
    rules = rules or default_rules()
    on = on or today_shanghai()
    if sort not in SORTS:
        raise InvalidInput(
            f"排序方式“{sort}”无效，应为：{'、'.join(SORTS)}",
            f"sort '{sort}' is not known, expected one of: {', '.join(SORTS)}",
            field="sort",
        )
    if service is not None and service not in SERVICES:
        raise InvalidInput(
            f"服务项目“{service}”无效，应为：{'、'.join(SERVICES)}",
            f"service '{service}' is not known, expected one of: {', '.join(SERVICES)}",
            field="service",
        )
    if (sort in ("price", "effective_rate") or max_fee is not None) and case is None:
        raise InvalidInput(
            "按价格筛选或排序时须给出债务金额（debt_amount）",
            "filtering or sorting by price needs a debt amount (debt_amount)",
            field="debt_amount",
        )
    query = select(Agency).order_by(Agency.name)
    if kind:
        query = query.where(Agency.kind == kind)
    views = _views(session, list(session.scalars(query)), on, rules)
    out = []
    for v in views:
        if not include_unlisted and not v.listed:
            continue
        if service and service not in v.services:
            continue
        served = v.regions or ([v.division_code] if v.division_code else [])
        if district and not any(covers(r, district) for r in served):
            continue
        if min_stars is not None and (v.standing.stars is None or v.standing.stars < min_stars):
            continue
        if case is not None and v.schedule is not None:
            v.quote = quote(
                v.schedule.schedule,
                case.debt_amount,
                case.recovered_amount,
                case.hours,
                kind=v.kind,
                rules=rules,
            )
            if max_fee is not None and v.quote.total_high > max_fee:
                continue
        elif max_fee is not None:
            continue
        out.append(v)
    return _sorted(out, sort, descending)


@functools.lru_cache(maxsize=4096)
def collation(name: str) -> tuple[str, ...]:
    """A name's place in a Chinese list: by pinyin, then tone (东海 before 灌云 before 江苏 before
    连云港), as directories and telephone books order them — not by code point."""
    return (*lazy_pinyin(name, style=Style.TONE3, neutral_tone_with_five=True), name)


def _sorted(views: list[AgencyView], sort: str, descending: bool) -> list[AgencyView]:
    missing = Decimal("Infinity")

    def key(v: AgencyView):
        name = collation(v.name)
        if sort == "price":
            return (v.quote.total_high if v.quote else missing, name)
        if sort == "effective_rate":
            rate = v.quote.effective_rate_high if v.quote else None
            return (rate if rate is not None else missing, name)
        if sort == "stars":
            return (v.standing.stars if v.standing.stars is not None else -1, name)
        return name

    # Agencies without a figure stay last whichever way the list is sorted.
    have = [v for v in views if not _lacks(v, sort)]
    lack = [v for v in views if _lacks(v, sort)]
    return sorted(have, key=key, reverse=descending) + sorted(lack, key=lambda v: collation(v.name))


def _lacks(v: AgencyView, sort: str) -> bool:
    if sort == "price":
        return v.quote is None
    if sort == "effective_rate":
        return v.quote is None or v.quote.effective_rate_high is None
    if sort == "stars":
        return v.standing.stars is None
    return False


def _agency_row(session: Session, code: str) -> Agency:
    row = session.scalar(select(Agency).where(Agency.credit_code == code.strip().upper()))
    if row is None:
        raise NotFound(
            f"名录中没有统一社会信用代码为 {code} 的机构",
            f"no agency with credit code {code} in the directory",
        )
    return row


def get_agency(
    session: Session, code: str, *, on: date | None = None, rules: FeeRules | None = None
) -> AgencyView:
    row = _agency_row(session, code)
    return _views(session, [row], on or today_shanghai(), rules or default_rules())[0]


def schedule_in_force(
    session: Session, code: str, *, on: date | None = None, rules: FeeRules | None = None
) -> tuple[Agency, ScheduleView | None]:
    """An agency and its fee schedule in force on `on` (None: none), for a fee quote: without
    the registry, the grade, the stars and the service record a directory entry shows —
    computing those was most of a quote's work (bench/RESULTS.md, load)."""
    row = _agency_row(session, code)
    versions = session.scalars(
        select(FeeScheduleVersion).where(FeeScheduleVersion.credit_code == row.credit_code)
    ).all()
    current = in_force(list(versions), on or today_shanghai())
    return row, _schedule_view(current, row.kind, rules or default_rules()) if current else None


def schedule_history(
    session: Session, code: str, rules: FeeRules | None = None
) -> list[ScheduleView]:
    """Every version an agency published, newest first, each checked against today's rules."""
    agency = _agency_row(session, code)
    rows = session.scalars(
        select(FeeScheduleVersion)
        .where(FeeScheduleVersion.credit_code == agency.credit_code)
        .order_by(FeeScheduleVersion.version.desc(), FeeScheduleVersion.known_from.desc())
    )
    return [_schedule_view(r, agency.kind, rules or default_rules()) for r in rows]


def publish_schedule(
    session: Session,
    code: str,
    schedule: FeeSchedule,
    *,
    effective_from: date | None = None,
    effective_to: date | None = None,
    title: str | None = None,
    now: datetime | None = None,
    rules: FeeRules | None = None,
) -> ScheduleView:
    """Publish a new version for an agency in the directory; refused with every broken rule."""
    now = now or utcnow()
    today = today_shanghai(now)
    agency = get_agency(session, code, on=today)
    effective_from = effective_from or today
    if effective_from < today:
        raise InvalidInput(
            f"生效日期 {effective_from} 早于今天 {today}：收费标准不能追溯生效",
            f"effective date {effective_from} is before today {today}: fees cannot apply retroactively",
            field="effective_from",
        )
    if effective_to is not None and effective_to < effective_from:
        raise InvalidInput(
            f"失效日期 {effective_to} 早于生效日期 {effective_from}",
            f"end date {effective_to} is before the effective date {effective_from}",
            field="effective_to",
        )
    rules = rules or default_rules()
    check_schedule(schedule, agency.kind, rules)
    table = FeeScheduleVersion.__table__
    latest = session.scalar(
        select(func.max(table.c.version)).where(table.c.credit_code == agency.credit_code)
    )
    version = (latest or 0) + 1
    columns = dict(
        credit_code=agency.credit_code,
        version=version,
        effective_from=effective_from,
        effective_to=effective_to,
        title=title,
        schedule=canonical(schedule),
    )
    conn = session.connection()
    conn.execute(
        insert(table),
        dict(
            columns,
            source=PORTAL_SOURCE,
            source_record_id=f"{agency.credit_code}|{version}",
            fetched_at=now,
            as_of=today,
            known_from=now,
            content_hash=content_hash(columns),
            demo=False,
            change_seq=allocate_seq(conn, 1),
        ),
    )
    row = session.scalar(
        select(FeeScheduleVersion).where(
            FeeScheduleVersion.source == PORTAL_SOURCE,
            FeeScheduleVersion.source_record_id == f"{agency.credit_code}|{version}",
        )
    )
    return _schedule_view(row, agency.kind, rules)
