"""Related enterprises (周边风险): companies linked through the same people or by ownership."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import bindparam, func, literal_column, select, union_all
from sqlalchemy.orm import Session

from xinyong.db import AtOnce, among
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.penalties.models import Penalty
from xinyong.profile.schemas import (
    CommonName,
    RecordCounts,
    RelatedEnterprise,
    RelatedEnterprises,
    RelationLink,
)
from xinyong.registry.models import AbnormalEntry, Enterprise, Shareholder
from xinyong.registry.service import find_enterprise
from xinyong.types import utcnow

NATURAL = "自然人股东"
LEGAL_REP = "legal_rep"
SHAREHOLDER = "shareholder"
ROLE_ZH = {LEGAL_REP: "法定代表人", SHAREHOLDER: "股东"}
# GSXT publishes people by name only, so a shared name is the link. A name found in more
# enterprises than this is too common to say it is the same person: it is reported, not followed.
COMMON_NAME_LIMIT = 12
PENALTY_YEARS = 3
ACTIVE = ("存续", "在业")
_CHUNK = 500


@dataclass
class _Node:
    """An enterprise reached by the walk, and the links that reached it."""

    ent: Any  # the root's record, or a row of _SHOWN
    hops: int
    via: list[RelationLink] = field(default_factory=list)


def _chunks(values: Iterable[str]) -> Iterable[list[str]]:
    items = sorted(set(values))
    for start in range(0, len(items), _CHUNK):
        yield items[start : start + _CHUNK]


# What the walk and the answer read of a related enterprise: rows of these, not whole records
# (a profile at a million enterprises reaches dozens, and loading each as an ORM object with its
# business scope was a measurable part of the profile's time).
_SHOWN = (
    Enterprise.credit_code,
    Enterprise.name,
    Enterprise.status,
    Enterprise.status_date,
    Enterprise.status_reason,
    Enterprise.legal_rep,
)


_E = Enterprise.__table__
_SH = Shareholder.__table__
_SH_NOW = _SH.c.ended_on.is_(None)


def _count_by(column, *conditions, keys: str = "chunk"):
    return select(column, func.count()).where(among(column, keys), *conditions).group_by(column)


# Every statement of the walk, built once: building each anew and passing it through the ORM's
# execution layer cost as much Python as SQLite spent answering (bench/load). Run on the
# session's connection, they return plain rows. Lookups of the same keys in several places are
# one UNION ALL each, a tagged arm per place, so a hop is four statements: on PostgreSQL every
# statement is a round trip (bench/load).
def _tag(text: str):
    return literal_column(f"'{text}'").label("tag")


_ENTERPRISES = AtOnce(
    select(*(_E.c[c.key] for c in _SHOWN)).where(among(_E.c.credit_code, "chunk"))
)
HOLDER, OWNERSHIP = "holder", "ownership"
# Per frontier enterprise, one statement: its natural-person shareholders now (code, name), and
# (owned, owner) pairs where it holds shares in another registered enterprise or another holds
# shares in it.
_FRONTIER = AtOnce(
    union_all(
        select(_SH.c.credit_code, _SH.c.name, _tag(HOLDER)).where(
            among(_SH.c.credit_code, "chunk"), _SH.c.kind == NATURAL, _SH_NOW
        ),
        select(_SH.c.credit_code, _SH.c.id_number, _tag(OWNERSHIP)).where(
            among(_SH.c.credit_code, "chunk"),
            _SH.c.kind != NATURAL,
            _SH_NOW,
            func.length(_SH.c.id_number) == 18,
        ),
        select(_SH.c.credit_code, _SH.c.id_number, _tag(OWNERSHIP)).where(
            among(_SH.c.id_number, "chunk"), _SH_NOW
        ),
    )
)
# Per name: where it is legal representative, and where it is a natural-person shareholder now.
_ROLES = AtOnce(
    union_all(
        select(_E.c.legal_rep, _E.c.credit_code, _tag(LEGAL_REP)).where(
            among(_E.c.legal_rep, "chunk")
        ),
        select(_SH.c.name, _SH.c.credit_code, _tag(SHAREHOLDER)).where(
            among(_SH.c.name, "chunk"), _SH.c.kind == NATURAL, _SH_NOW
        ),
    )
)
# Asked apart from _ROLES, not as a CTE the roles' arms filter by: PostgreSQL planned that
# statement anew for every profile, at twice the cost of the two (bench/RESULTS.md, load).
_CROWDED = AtOnce(
    union_all(
        *(
            _count_by(column).having(func.count() > COMMON_NAME_LIMIT)
            for column in (_E.c.legal_rep, _SH.c.name)
        )
    )
)
_DR, _EC, _PN, _AB = (
    m.__table__ for m in (DishonestRecord, EnforcementCase, Penalty, AbnormalEntry)
)
# Table columns, not the models' attributes: an ORM-annotated statement goes through the ORM's
# execution layer, at twice the cost of the same statement in Core (bench/load). The codes are
# bound as "counted": the last hop asks for them with its enterprises' rows, together. Rows are
# (code, count, RecordCounts attribute); a search's results are counted by the same arms
# (profile/glance.py).
RECORD_COUNT_ARMS = tuple(
    _count_by(column, condition, keys="counted").add_columns(_tag(attr))
    for attr, column, condition in (
        ("dishonest", _DR.c.linked_credit_code, _DR.c.ended_on.is_(None)),
        ("enforcement", _EC.c.linked_credit_code, _EC.c.ended_on.is_(None)),
        ("penalties", _PN.c.linked_credit_code, _PN.c.decided_on >= bindparam("since")),
        ("abnormal", _AB.c.credit_code, _AB.c.ended_on.is_(None) & _AB.c.removed_on.is_(None)),
    )
)
_RECORD_COUNTS = AtOnce(union_all(*RECORD_COUNT_ARMS))


def _run(session: Session, statement: AtOnce, chunk: list[str], **params: Any) -> list[Any]:
    return statement.rows(session.connection(), {"chunk": chunk, **params})


def _frontier(
    ents: list[Any], rows: list[Any]
) -> tuple[dict[str, dict[str, set[str]]], list[tuple[str, str]]]:
    """Per enterprise: person name → roles (legal_rep, shareholder) held there now; and the
    (owner, owned) credit-code pairs where one of them holds shares in another registered
    enterprise, or another holds shares in one of them. `rows` are _FRONTIER's, asked for
    these enterprises' codes (and perhaps others, found to be no registered enterprise)."""
    people: dict[str, dict[str, set[str]]] = {e.credit_code: {} for e in ents}
    pairs: list[tuple[str, str]] = []
    for e in ents:
        if e.legal_rep:
            people[e.credit_code].setdefault(e.legal_rep, set()).add(LEGAL_REP)
    for code, other, kind in rows:
        if kind != HOLDER:
            pairs.append((other, code))
        elif code in people:
            people[code].setdefault(other, set()).add(SHAREHOLDER)
    return people, pairs


def _roles_of(session: Session, names: list[str]) -> dict[str, dict[str, set[str]]]:
    """Per person name: credit code → roles held there, over the whole registry."""
    found: dict[str, dict[str, set[str]]] = {n: {} for n in names}
    for chunk in _chunks(names):
        for name, code, role in _run(session, _ROLES, chunk):
            found[name].setdefault(code, set()).add(role)
    return found


def _crowded(session: Session, names: list[str]) -> dict[str, int]:
    """Names the registry holds more than COMMON_NAME_LIMIT times as a legal representative or
    as a shareholder, with that count. Counted from the name indexes alone: at a million
    enterprises a common name is legal representative of hundreds, and reading their rows
    only to drop the name was most of a profile's time (bench/load)."""
    found: dict[str, int] = {}
    for chunk in _chunks(names):
        for name, n in _run(session, _CROWDED, chunk):
            found[name] = max(n, found.get(name, 0))
    return found


def _roles_text(roles: set[str]) -> str:
    return "、".join(ROLE_ZH[r] for r in sorted(roles))


def years_before(day: date, years: int) -> date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:  # 29 February
        return day.replace(year=day.year - years, day=28)


def record_counts(rows: list[Any], codes: list[str]) -> dict[str, RecordCounts]:
    """Each code's RecordCounts from rows of RECORD_COUNT_ARMS (rows of other tags are left)."""
    counts = {c: RecordCounts() for c in codes}
    for code, n, attr in rows:
        # A code asked for may be no registered enterprise, a tag no count of records.
        if code in counts and attr in RecordCounts.model_fields:
            setattr(counts[code], attr, n)
    return counts


def _risks(ent: Any, counts: RecordCounts) -> list[str]:
    """Plain notes a creditor should read about a related enterprise."""
    notes = []
    if ent.status not in ACTIVE:
        reason = f"（{ent.status_reason}）" if ent.status_reason else ""
        notes.append(f"登记状态：{ent.status}{reason} / status: {ent.status}")
    if counts.dishonest:
        notes.append(
            f"失信被执行人记录 {counts.dishonest} 条 / {counts.dishonest} dishonest-debtor entries"
        )
    if counts.enforcement:
        notes.append(
            f"未结被执行案件 {counts.enforcement} 件 / {counts.enforcement} open enforcement cases"
        )
    if counts.penalties:
        notes.append(
            f"近{PENALTY_YEARS}年行政处罚 {counts.penalties} 件 / {counts.penalties} penalties in {PENALTY_YEARS} years"
        )
    if counts.abnormal:
        notes.append(f"列入经营异常名录 / on the abnormal-operation list ({counts.abnormal})")
    return notes


def _gravity(item: RelatedEnterprise) -> int:
    r = item.records
    revoked = 0 if item.status in ACTIVE else (4 if item.status_reason else 2)
    return revoked + 4 * r.dishonest + 2 * r.enforcement + r.penalties + r.abnormal


def related_enterprises(
    session: Session,
    code: str,
    *,
    hops: int = 2,
    today: date | None = None,
    root: Any | None = None,
) -> RelatedEnterprises:
    """Enterprises one and two hops away through a shared legal representative or natural-person
    shareholder (matched by name, as GSXT publishes no ID numbers) or through shareholding.

    Each comes with how it is linked, its status and its record counts, so the classic pattern
    shows: the people of a revoked debt-collection company behind a new "consulting" firm.
    A caller that has just read the enterprise passes it as `root` (its credit_code, name and
    legal_rep are what the walk reads) instead of having it read again.
    """
    root = root if root is not None else find_enterprise(session, code)
    today = today or utcnow().date()
    since = years_before(today, PENALTY_YEARS)
    nodes: dict[str, _Node] = {root.credit_code: _Node(root, 0)}
    frontier = [root]
    frontier_rows = _run(session, _FRONTIER, [root.credit_code])
    count_rows = None
    followed: set[str] = set()
    common: dict[str, int] = {}
    for hop in range(1, hops + 1):
        found: dict[str, list[RelationLink]] = {}
        people, pairs = _frontier(frontier, frontier_rows)
        names = sorted({n for per in people.values() for n in per} - followed - set(common))
        common.update(_crowded(session, names))
        roles_of = _roles_of(session, [n for n in names if n not in common])
        followed.update(names)
        by_code = {e.credit_code: e for e in frontier}
        for here, per in people.items():
            for name, roles_here in per.items():
                where = roles_of.get(name)
                if where is None:
                    continue
                if len(where) > COMMON_NAME_LIMIT:
                    common[name] = len(where)
                    continue
                for there, roles_there in where.items():
                    if there in nodes:
                        continue
                    found.setdefault(there, []).append(
                        RelationLink(
                            kind="person",
                            through_code=here,
                            through_name=by_code[here].name,
                            person=name,
                            role_through=_roles_text(roles_here),
                            role_related=_roles_text(roles_there),
                            basis="同名 / same name",
                        )
                    )
        for owner, owned in pairs:
            here, there = (owner, owned) if owner in by_code else (owned, owner)
            if there in nodes or here not in by_code:
                continue
            found.setdefault(there, []).append(
                RelationLink(
                    kind="ownership",
                    through_code=here,
                    through_name=by_code[here].name,
                    role_through="被投资企业" if here == owned else "股东",
                    role_related="股东" if there == owner else "被投资企业",
                    basis="股东登记 / shareholder register",
                )
            )
        if not found:
            break
        # The enterprises reached, asked together with what the next hop starts from — their
        # people and shareholdings — or, at the last hop, with every related one's record counts.
        reached = sorted(found)
        if hop < hops:
            ent_rows, frontier_rows = AtOnce.together(
                session.connection(), _ENTERPRISES, _FRONTIER, params={"chunk": reached}
            )
        else:
            counted = sorted({*nodes, *reached} - {root.credit_code})
            ent_rows, count_rows = AtOnce.together(
                session.connection(),
                _ENTERPRISES,
                _RECORD_COUNTS,
                params={"chunk": reached, "counted": counted, "since": since},
            )
        ents = {e.credit_code: e for e in ent_rows}
        frontier = []
        for there, links in found.items():
            if there in ents:
                nodes[there] = _Node(ents[there], hop, links)
                frontier.append(ents[there])
        if not frontier:
            break

    related = [n for c, n in nodes.items() if c != root.credit_code]
    if count_rows is None and related:  # the walk ended before its last hop
        counted = sorted(n.ent.credit_code for n in related)
        count_rows = _RECORD_COUNTS.rows(session.connection(), {"counted": counted, "since": since})
    counts = record_counts(count_rows or [], [n.ent.credit_code for n in related])
    items = [
        RelatedEnterprise(
            credit_code=n.ent.credit_code,
            name=n.ent.name,
            status=n.ent.status,
            status_date=n.ent.status_date,
            status_reason=n.ent.status_reason,
            legal_rep=n.ent.legal_rep,
            hops=n.hops,
            via=n.via,
            records=counts[n.ent.credit_code],
            risks=_risks(n.ent, counts[n.ent.credit_code]),
        )
        for n in related
    ]
    # Nearer before farther, and within a hop the gravest first: that is what a reader seeks.
    items.sort(key=lambda i: (i.hops, -_gravity(i), i.credit_code))
    return RelatedEnterprises(
        credit_code=root.credit_code,
        hops=hops,
        items=items,
        common_names=[CommonName(name=n, enterprises=c) for n, c in sorted(common.items())],
        penalty_years=PENALTY_YEARS,
        computed_on=today,
    )
