"""What the scorecard reads, fetched set-wise: one query per table for a whole slice of enterprises.

A slice is either a range of credit codes (the full pass walks the registry in code order) or an
explicit list of codes (the incremental pass). Every fact keeps the records behind it as
{record, id, source, source_record_id, as_of}, so a grade can name its evidence.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import Connection, and_, func, or_, select

from xinyong.agencies.models import Agency, FeeScheduleVersion
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.lists.models import ListEntry
from xinyong.penalties.models import Penalty
from xinyong.rating.config import Scorecard
from xinyong.registry.models import AbnormalEntry, Enterprise, Licence
from xinyong.sources.provenance import RecordHistory

_E = Enterprise.__table__
_LIC = Licence.__table__
_AB = AbnormalEntry.__table__
_EC = EnforcementCase.__table__
_DR = DishonestRecord.__table__
_PEN = Penalty.__table__
_HIST = RecordHistory.__table__
_LIST = ListEntry.__table__
_AG = Agency.__table__
_FEE = FeeScheduleVersion.__table__

VALID_LICENCE = "有效"
# Penalty kinds that take away a licence or the right to operate (not merely a fine).
LICENCE_ACTIONS = ("吊销", "暂扣", "撤销")
SERIOUS_ACTIONS = ("吊销", "暂扣", "撤销", "责令停产停业", "责令关闭", "限制从业")
MAX_REFS = 10


@dataclass
class Facts:
    """Everything the scorecard needs about one enterprise."""

    credit_code: str
    name: str
    status: str
    established_on: date | None
    term_to: date | None
    capital_fen: int | None
    scope: str | None
    as_of: date | None
    ref: dict[str, Any]
    hits: dict[str, list[dict[str, Any]]] = field(default_factory=lambda: defaultdict(list))
    changes_last_year: int = 0
    agency: bool = False
    fee_schedule: dict[str, Any] | None = None

    def add(self, factor: str, ref: dict[str, Any]) -> None:
        self.hits[factor].append(ref)
        if ref.get("as_of") and (self.as_of is None or ref["as_of"] > self.as_of.isoformat()):
            self.as_of = date.fromisoformat(ref["as_of"])


def _ref(record: str, row: Any) -> dict[str, Any]:
    return {
        "record": record,
        "id": row.id,
        "source": row.source,
        "source_record_id": row.source_record_id,
        "as_of": row.as_of.isoformat() if row.as_of else None,
    }


class Slice:
    """A range of codes [lo, hi] or an explicit list of codes."""

    def __init__(
        self, lo: str | None = None, hi: str | None = None, codes: list[str] | None = None
    ):
        self.lo, self.hi, self.codes = lo, hi, codes

    def where(self, column):
        if self.codes is not None:
            return column.in_(self.codes)
        return column.between(self.lo, self.hi)


def enterprises(conn: Connection, where, limit: int | None = None) -> list[Any]:
    return list(
        conn.execute(
            select(
                _E.c.id,
                _E.c.credit_code,
                _E.c.name,
                _E.c.status,
                _E.c.established_on,
                _E.c.term_to,
                _E.c.registered_capital_fen,
                _E.c.business_scope,
                _E.c.source,
                _E.c.source_record_id,
                _E.c.as_of,
            )
            .where(where)
            .order_by(_E.c.credit_code)
            .limit(limit)
        )
    )


def gather(
    conn: Connection, card: Scorecard, rows: list[Any], part: Slice, today: date
) -> dict[str, Facts]:
    """Facts for the enterprises in `rows` (all inside `part`), one query per source table."""
    facts: dict[str, Facts] = {}
    for r in rows:
        facts[r.credit_code] = Facts(
            credit_code=r.credit_code,
            name=r.name,
            status=r.status,
            established_on=r.established_on,
            term_to=r.term_to,
            capital_fen=r.registered_capital_fen,
            scope=r.business_scope,
            as_of=r.as_of,
            ref=_ref("enterprise", r),
        )
    if not facts:
        return facts
    since = today - relativedelta(years=card.lookback_years)
    t = card.thresholds

    def each(query, code_column):
        for row in conn.execute(query):
            f = facts.get(getattr(row, code_column))
            if f is not None:
                yield f, row

    # Licences and filings that have lapsed (still on the record, not closed by the registry).
    q = select(
        _LIC.c.id, _LIC.c.credit_code, _LIC.c.source, _LIC.c.source_record_id, _LIC.c.as_of
    ).where(
        part.where(_LIC.c.credit_code),
        _LIC.c.ended_on.is_(None),
        or_(_LIC.c.status != VALID_LICENCE, _LIC.c.valid_to < today),
    )
    for f, row in each(q, "credit_code"):
        f.add("licence_lapsed", _ref("licence", row))

    # Penalties still published (公示期内): past their 公示截止期 or repaired, they stop counting.
    q = select(
        _PEN.c.id,
        _PEN.c.linked_credit_code,
        _PEN.c.source,
        _PEN.c.source_record_id,
        _PEN.c.as_of,
        _PEN.c.penalty_types,
        _PEN.c.licence_action,
        _PEN.c.fine_fen,
        _PEN.c.violation_type,
        _PEN.c.facts,
    ).where(
        part.where(_PEN.c.linked_credit_code),
        _PEN.c.ended_on.is_(None),
        _PEN.c.decided_on >= since,
        or_(_PEN.c.publish_until.is_(None), _PEN.c.publish_until >= today),
    )
    serious_fen = int(t.serious_fine_yuan * 100)
    for f, row in each(q, "linked_credit_code"):
        kinds = row.penalty_types or ""
        ref = _ref("penalty", row)
        if row.licence_action or any(a in kinds for a in LICENCE_ACTIONS):
            f.add("licence_revoked", ref)
        if any(a in kinds for a in SERIOUS_ACTIONS) or (row.fine_fen or 0) >= serious_fen:
            f.add("penalty_serious", ref)
        else:
            f.add("penalty_minor", ref)
        # A firm fined for collecting debts as a business (a consulting firm "beyond its scope"
        # as much as a 讨债公司): a small fine, yet what a creditor hiring it must not miss.
        said = f"{row.violation_type or ''} {row.facts or ''}"
        if any(term in said for term in t.collection_penalty_terms):
            f.add("penalised_for_collection", ref)

    # 失信被执行人: in force now, or ended within the look-back.
    q = select(
        _DR.c.id,
        _DR.c.linked_credit_code,
        _DR.c.source,
        _DR.c.source_record_id,
        _DR.c.as_of,
        _DR.c.ended_on,
    ).where(
        part.where(_DR.c.linked_credit_code),
        or_(_DR.c.ended_on.is_(None), _DR.c.ended_on >= since),
    )
    for f, row in each(q, "linked_credit_code"):
        current = row.ended_on is None or row.ended_on > today
        f.add("dishonest_current" if current else "dishonest_past", _ref("dishonest_record", row))

    # 被执行人 cases: open ones, and those closed within the look-back.
    q = select(
        _EC.c.id,
        _EC.c.linked_credit_code,
        _EC.c.source,
        _EC.c.source_record_id,
        _EC.c.as_of,
        _EC.c.ended_on,
        _EC.c.case_closed_on,
    ).where(
        part.where(_EC.c.linked_credit_code),
        or_(
            and_(_EC.c.ended_on.is_(None), _EC.c.case_closed_on.is_(None)),
            _EC.c.case_closed_on >= since,
            _EC.c.ended_on >= since,
        ),
    )
    for f, row in each(q, "linked_credit_code"):
        open_ = row.ended_on is None and row.case_closed_on is None
        f.add("enforcement_open" if open_ else "enforcement_closed", _ref("enforcement_case", row))

    # Abnormal-operation entries (经营异常名录): open, or removed within the look-back.
    q = select(
        _AB.c.id,
        _AB.c.credit_code,
        _AB.c.source,
        _AB.c.source_record_id,
        _AB.c.as_of,
        _AB.c.removed_on,
        _AB.c.ended_on,
    ).where(
        part.where(_AB.c.credit_code),
        or_(
            and_(_AB.c.removed_on.is_(None), _AB.c.ended_on.is_(None)),
            _AB.c.removed_on >= since,
            _AB.c.ended_on >= since,
        ),
    )
    for f, row in each(q, "credit_code"):
        open_ = row.removed_on is None and row.ended_on is None
        f.add("abnormal_open" if open_ else "abnormal_past", _ref("abnormal_entry", row))

    # Registration changes in the past year: each is one earlier version kept in history.
    year_ago = datetime.combine(today - timedelta(days=365), time(), tzinfo=UTC)
    q = (
        select(_HIST.c.credit_code, func.count())
        .where(
            _HIST.c.record_type == "enterprise",
            part.where(_HIST.c.credit_code),
            _HIST.c.known_to >= year_ago,
        )
        .group_by(_HIST.c.credit_code)
    )
    for code, n in conn.execute(q):
        if code in facts:
            facts[code].changes_last_year = n

    # Official lists in force (the lists domain's own public rule: published, within the period).
    q = select(_LIST.c.id, _LIST.c.credit_code, _LIST.c.list_type, _LIST.c.decision_date).where(
        part.where(_LIST.c.credit_code),
        _LIST.c.state == "published",
        _LIST.c.publicity_start <= today,
        _LIST.c.publicity_end > today,
    )
    for f, row in each(q, "credit_code"):
        f.add(
            "black_listed" if row.list_type == "black" else "red_listed",
            {
                "record": "list_entry",
                "id": row.id,
                "source": "lists",
                "source_record_id": str(row.id),
                "as_of": row.decision_date.isoformat(),
            },
        )

    # Agencies in the directory, and the fee schedule each has in force.
    for (code,) in conn.execute(select(_AG.c.credit_code).where(part.where(_AG.c.credit_code))):
        if code in facts:
            facts[code].agency = True
    q = (
        select(
            _FEE.c.id,
            _FEE.c.credit_code,
            _FEE.c.source,
            _FEE.c.source_record_id,
            _FEE.c.as_of,
            _FEE.c.version,
        )
        .where(
            part.where(_FEE.c.credit_code),
            _FEE.c.effective_from <= today,
            or_(_FEE.c.effective_to.is_(None), _FEE.c.effective_to >= today),
        )
        .order_by(_FEE.c.version)
    )
    for f, row in each(q, "credit_code"):
        f.fee_schedule = _ref("fee_schedule", row)
    return facts
