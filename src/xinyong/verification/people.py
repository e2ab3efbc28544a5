"""Step 3 for the people behind an entity: its legal representative and natural-person shareholders.

Court and penalty records name natural persons with a masked ID (3207**********1234). A
person whose full ID the registry holds (a shareholder) is matched by name and the masked
ID; a legal representative, of whom the registry keeps only the name, by name alone — and
each reason says which, because a common name alone proves little.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import bindparam, or_, select
from sqlalchemy.orm import Session

from xinyong.codes import mask_id_number, mask_person_name
from xinyong.db import among
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.penalties.models import Penalty
from xinyong.registry.models import Enterprise, Shareholder
from xinyong.sources.layouts_judicial import PERSON
from xinyong.verification.collectors import collector_firms, collector_terms
from xinyong.verification.findings import (
    OPEN_CASE_FIELDS,
    Findings,
    evidence,
    evidence_columns,
    open_case,
)
from xinyong.verification.schemas import Subject

NATURAL_PERSON = "自然人股东"
BY_ID = "id"
BY_NAME = "name"
_BASIS = {
    BY_ID: ("姓名相同且证件号码（脱敏）相符", "same name and matching (masked) ID number"),
    BY_NAME: ("仅姓名相同，无证件号码可比对", "same name only; no ID number to compare"),
}
_ROLES = {
    "legal_rep": ("法定代表人", "legal representative"),
    "shareholder": ("股东", "shareholder"),
}


@dataclass
class Person:
    name: str
    id_number: str | None = None
    roles: list[str] = field(default_factory=list)

    def subject(self, basis: str) -> Subject:
        return Subject(
            role=self.roles[0],
            name=mask_person_name(self.name),
            id_number=mask_id_number(self.id_number) if self.id_number else None,
            match_basis=_BASIS[basis][0] + " / " + _BASIS[basis][1],
        )

    def title(self) -> tuple[str, str]:
        zh = "、".join(_ROLES[r][0] for r in self.roles)
        en = " and ".join(_ROLES[r][1] for r in self.roles)
        return f"{zh}{mask_person_name(self.name)}", f"{en} {mask_person_name(self.name)}"


_E = Enterprise.__table__
_SH = Shareholder.__table__

# Step 3's statements for people, built once: building a statement and its cache key on every
# verification cost more than running it (bench/RESULTS.md, load).
_NATURAL_HOLDERS = (
    select(_SH.c.name, _SH.c.id_number)
    .where(
        _SH.c.credit_code == bindparam("code"),
        _SH.c.kind == NATURAL_PERSON,
        _SH.c.ended_on.is_(None),
    )
    .order_by(_SH.c.id)
)
_ENTERPRISES_IN = select(_E).where(among(_E.c.credit_code, "codes"))


def people_of(session: Session, ent: Enterprise) -> list[Person]:
    """The legal representative and current natural-person shareholders, one entry per person."""
    people: list[Person] = []
    for h in session.execute(_NATURAL_HOLDERS, {"code": ent.credit_code}):
        same = next((p for p in people if p.name == h.name and p.id_number == h.id_number), None)
        if same is None:
            people.append(Person(h.name, h.id_number or None, ["shareholder"]))
    if ent.legal_rep:
        # The registry gives no ID for a legal representative; a shareholder of the same name
        # in the same entity is taken to be the same person (the usual small-company case).
        same = [p for p in people if p.name == ent.legal_rep]
        if len(same) == 1:
            same[0].roles.insert(0, "legal_rep")
        else:
            people.insert(0, Person(ent.legal_rep, None, ["legal_rep"]))
    return people


def _basis(person: Person, record_id: str | None) -> str | None:
    """How a person record matches this person, or None when the ID numbers disagree."""
    if person.id_number and record_id:
        if mask_id_number(person.id_number) == mask_id_number(record_id):
            return BY_ID
        return None
    return BY_NAME


def _is_collector(other: Enterprise, found: Findings) -> list[str]:
    return collector_terms(found.rules, other.name, other.business_scope)


# The people's links to the registry's collectors: holders and representatives of those
# firms with one of the people's names, or (holders) ID numbers.
_COLLECTOR_HOLDERS = select(_SH.c.credit_code, _SH.c.name, _SH.c.id_number).where(
    among(_SH.c.credit_code, "firms"),
    _SH.c.kind == NATURAL_PERSON,
    or_(among(_SH.c.name, "names"), among(_SH.c.id_number, "ids")),
)
_COLLECTOR_REPS = select(_E.c.credit_code, _E.c.legal_rep).where(
    among(_E.c.credit_code, "firms"), among(_E.c.legal_rep, "names")
)


def _collector_links(
    session: Session, people: list[Person], holders: list, reps: list, found: Findings
) -> dict[int, list[tuple[Enterprise, str, str]]]:
    """Other enterprises each person runs or owns that are unlawful collectors: the classic
    pattern of a revoked 讨债 company's people behind a fresh "consulting" firm.

    Keyed by the person's index; each link is (enterprise, role, match basis). `holders` and
    `reps` are the collectors' holders and representatives named like any of the people (one
    query per table for all of them, so a law firm with eight partners costs what a sole
    trader does).
    """
    candidates = {h.credit_code for h in holders} | {e.credit_code for e in reps}
    collectors = (
        {
            e.credit_code: e
            for e in session.execute(_ENTERPRISES_IN, {"codes": sorted(candidates)})
            if _is_collector(e, found)
        }
        if candidates
        else {}
    )
    links: dict[int, list[tuple[Enterprise, str, str]]] = {}
    for i, person in enumerate(people):
        found_here: dict[str, tuple[Enterprise, str, str]] = {}
        for h in holders:
            if h.credit_code not in collectors:
                continue
            if person.id_number and h.id_number:
                if h.id_number == person.id_number:
                    found_here[h.credit_code] = (collectors[h.credit_code], "shareholder", BY_ID)
            elif h.name == person.name:
                found_here.setdefault(
                    h.credit_code, (collectors[h.credit_code], "shareholder", BY_NAME)
                )
        for e in reps:
            if e.credit_code in collectors and e.legal_rep == person.name:
                found_here.setdefault(
                    e.credit_code, (collectors[e.credit_code], "legal_rep", BY_NAME)
                )
        links[i] = [found_here[c] for c in sorted(found_here)]
    return links


def _report_collector(found: Findings, person: Person, other: Enterprise, role: str, basis: str):
    who_zh, who_en = person.title()
    terms = _is_collector(other, found)
    role_zh, role_en = _ROLES[role]
    state = f"（{other.status}" + (f"：{other.status_reason}" if other.status_reason else "") + "）"
    found.add(
        "records.person_unlawful_collector",
        f"{who_zh}同时是讨债类企业“{other.name}”{state}的{role_zh}（含“{'、'.join(terms)}”）；"
        f"匹配依据：{_BASIS[basis][0]}",
        f"the {who_en} is also {role_en} of '{other.name}' ({other.status}), an unlawful "
        f"collector by its name or scope ('{', '.join(terms)}'); matched on: {_BASIS[basis][1]}",
        [evidence("enterprise", other)],
        person.subject(basis),
    )


def _person_records(table, record_type: str, used: tuple[str, ...], *where):
    """Person records of a table with any of the given names, as rows of the columns the
    reasons read (built once per table)."""
    return (
        select(*evidence_columns(table, record_type, *used))
        .where(
            among(table.c.party_name, "names"),
            table.c.party_kind == PERSON,
            *where,
        )
        .order_by(table.c.id)
    )


_DR, _EC, _PN = (m.__table__ for m in (DishonestRecord, EnforcementCase, Penalty))
# The people's statements, over the values `people_values` gives: step 3 asks first, in one
# statement with the entity's own record checks, which of them find anything (db.Probed): for
# most people, none does.
PEOPLE_RECORDS = {
    "collector_holders": _COLLECTOR_HOLDERS,
    "collector_reps": _COLLECTOR_REPS,
    "person_dishonest": _person_records(
        _DR, "dishonest_record", ("party_id",), _DR.c.ended_on.is_(None)
    ),
    "person_cases": _person_records(_EC, "enforcement_case", ("party_id", *OPEN_CASE_FIELDS)),
    "person_penalties": _person_records(
        _PN,
        "penalty",
        ("party_id_number",),
        _PN.c.ended_on.is_(None),
        _PN.c.decided_on >= bindparam("since"),
    ),
}


def _grouped(records: list) -> dict[str, list]:
    """Person records grouped by the name they give."""
    grouped: dict[str, list] = {}
    for record in records:
        grouped.setdefault(record.party_name, []).append(record)
    return grouped


def people_values(
    session: Session, ent: Enterprise, rules, registry_seq: int | None = None
) -> tuple[list[Person], dict[str, list[str]]]:
    """The entity's people, and the values PEOPLE_RECORDS are run with for them (empty lists,
    which find nothing, when it has none)."""
    people = people_of(session, ent)
    if not people:
        return people, {"names": [], "ids": [], "firms": []}
    # The registry's collectors are few and kept per process (verification/collectors.py).
    firms = collector_firms(session.connection(), rules, registry_seq) - {ent.credit_code}
    return people, {
        "names": sorted({p.name for p in people}),
        "ids": sorted({p.id_number for p in people if p.id_number}),
        "firms": sorted(firms),
    }


def report_people(session: Session, people: list[Person], rows: dict, found: Findings) -> None:
    """The reasons PEOPLE_RECORDS' rows give against the entity's people."""
    links = _collector_links(
        session, people, rows["collector_holders"], rows["collector_reps"], found
    )
    dishonest, cases, penalties = (
        _grouped(rows[f"person_{table}"]) for table in ("dishonest", "cases", "penalties")
    )
    for i, person in enumerate(people):
        for other, role, basis in links[i]:
            _report_collector(found, person, other, role, basis)
        who_zh, who_en = person.title()
        for d in dishonest.get(person.name, ()):
            basis = _basis(person, d.party_id)
            if basis is None:
                continue
            found.add(
                "records.person_dishonest"
                if basis == BY_ID
                else "records.person_dishonest_by_name",
                f"{who_zh}被列为失信被执行人（{d.case_number}，{d.court}）；匹配依据：{_BASIS[basis][0]}",
                f"the {who_en} is listed as a dishonest judgment debtor ({d.case_number}); "
                f"matched on: {_BASIS[basis][1]}",
                [evidence("dishonest_record", d)],
                person.subject(basis),
            )
        for c in cases.get(person.name, ()):
            basis = _basis(person, c.party_id)
            if basis is None or not open_case(c):
                continue
            found.add(
                "records.person_open_enforcement",
                f"{who_zh}有未结的被执行案件（{c.case_number}，{c.court}）；匹配依据：{_BASIS[basis][0]}",
                f"the {who_en} has an open enforcement case ({c.case_number}); "
                f"matched on: {_BASIS[basis][1]}",
                [evidence("enforcement_case", c)],
                person.subject(basis),
            )
        for p in penalties.get(person.name, ()):
            basis = _basis(person, p.party_id_number)
            if basis is None:
                continue
            found.add(
                "records.person_penalty",
                f"{who_zh}受行政处罚（{p.decision_number}，{p.decided_on}）；匹配依据：{_BASIS[basis][0]}",
                f"the {who_en} was penalised ({p.decision_number}, {p.decided_on}); "
                f"matched on: {_BASIS[basis][1]}",
                [evidence("penalty", p)],
                person.subject(basis),
            )
