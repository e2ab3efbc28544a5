"""Step 3 (记录核验): 失信, open enforcement, recent penalties, abnormal entries and list entries of the entity."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any

from sqlalchemy import Select, bindparam, select
from sqlalchemy.orm import Session

from xinyong.db import Probed
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.penalties.models import Penalty
from xinyong.registry.models import AbnormalEntry, Enterprise
from xinyong.verification.findings import (
    OPEN_CASE_FIELDS,
    Findings,
    evidence,
    evidence_columns,
    open_case,
)
from xinyong.verification.lists import LIST_PROBES, list_entries
from xinyong.verification.people import PEOPLE_RECORDS, Person, people_values, report_people
from xinyong.verification.qualification import LICENCES
from xinyong.verification.rules import Rules
from xinyong.verification.schemas import Evidence


def years_before(today: date, years: int) -> date:
    try:
        return today.replace(year=today.year - years)
    except ValueError:  # 29 February
        return today.replace(year=today.year - years, day=28)


# Step 3's statements, built once with the code (and the look-back date) as parameters, over
# the tables: building them on every verification, and loading ORM objects only read here,
# cost more than running them (bench/RESULTS.md, load). They return plain rows of the columns
# the reasons and their evidence read.
_CODE = bindparam("code")
_DR, _EC, _PN, _AB = (
    m.__table__ for m in (DishonestRecord, EnforcementCase, Penalty, AbnormalEntry)
)
_DISHONEST = (
    select(*evidence_columns(_DR, "dishonest_record"))
    .where(_DR.c.linked_credit_code == _CODE, _DR.c.ended_on.is_(None))
    .order_by(_DR.c.published_on.desc())
)
_CASES = (
    select(*evidence_columns(_EC, "enforcement_case", *OPEN_CASE_FIELDS))
    .where(_EC.c.linked_credit_code == _CODE)
    .order_by(_EC.c.filed_on.desc())
)
_PENALTIES = (
    select(*evidence_columns(_PN, "penalty", "violation_type", "penalty_types"))
    .where(
        _PN.c.linked_credit_code == _CODE,
        _PN.c.ended_on.is_(None),
        _PN.c.decided_on >= bindparam("since"),
    )
    .order_by(_PN.c.decided_on.desc())
)
_ABNORMAL = (
    select(*evidence_columns(_AB, "abnormal_entry"))
    .where(_AB.c.credit_code == _CODE, _AB.c.removed_on.is_(None), _AB.c.ended_on.is_(None))
    .order_by(_AB.c.listed_on.desc())
)
# Most entities, and most of their people, have none of these: the entity's and its people's
# checks, its licences (step 2) and the list providers' look-ups are asked first in one
# statement (db.Probed), before step 2 runs.
_RECORDS = {
    "dishonest": _DISHONEST,
    "cases": _CASES,
    "penalties": _PENALTIES,
    "abnormal": _ABNORMAL,
    **PEOPLE_RECORDS,
}


def _probe() -> Probed:
    return _probed(tuple((f"list_{key}", statement) for key, statement in LIST_PROBES.items()))


@lru_cache(maxsize=8)  # per set of list providers: built once, as a statement must be (bench/load)
def _probed(list_probes: tuple[tuple[str, Select], ...]) -> Probed:
    return Probed(**_RECORDS, licences=LICENCES, **dict(list_probes))


@dataclass
class Ahead:
    """What steps 2 and 3 share: the entity's people, and the probe's statements and values."""

    people: list[Person]
    probe: Probed
    params: dict[str, Any]


@contextmanager
def probed_ahead(
    session: Session, ent: Enterprise, today: date, rules: Rules, registry_seq: int | None = None
) -> Iterator[Ahead]:
    """Within the block, steps 2 and 3 send only the look-ups the probe found rows for.
    `registry_seq`: the registry's change feed position, if the caller has read it."""
    since = years_before(today, rules.lookback_years)
    people, values = people_values(session, ent, rules, registry_seq)
    probe = _probe()
    params = {"code": ent.credit_code, "since": since, "today": today, **values}
    with probe.ahead(session, params):
        yield Ahead(people, probe, params)


def check_records(
    session: Session, ent: Enterprise, today: date, found: Findings, ahead: Ahead
) -> None:
    """Step 3, inside `probed_ahead`."""
    rules = found.rules
    code = ent.credit_code
    since = ahead.params["since"]
    before = len(found.reasons)

    people = ahead.people
    rows = ahead.probe.run(session, ahead.params, _RECORDS)
    dishonest = rows["dishonest"]
    if dishonest:
        cases = "、".join(d.case_number for d in dishonest)
        found.add(
            "records.dishonest",
            f"被列为失信被执行人 {len(dishonest)} 条（{cases}）",
            f"listed as a dishonest judgment debtor in {len(dishonest)} record(s) ({cases})",
            [evidence("dishonest_record", d) for d in dishonest],
        )
    cases_open = [c for c in rows["cases"] if open_case(c)]
    if cases_open:
        numbers = "、".join(c.case_number for c in cases_open)
        found.add(
            "records.open_enforcement",
            f"有未结的被执行案件 {len(cases_open)} 件（{numbers}）",
            f"{len(cases_open)} open enforcement case(s) against it ({numbers})",
            [evidence("enforcement_case", c) for c in cases_open],
        )
    penalties = rows["penalties"]
    if penalties:
        what = "；".join(
            f"{p.decision_number}（{p.violation_type or p.penalty_types}）" for p in penalties
        )
        found.add(
            "records.penalty",
            f"近{rules.lookback_years}年（{since} 起）受行政处罚 {len(penalties)} 次：{what}",
            f"{len(penalties)} administrative penalt{'y' if len(penalties) == 1 else 'ies'} "
            f"in the last {rules.lookback_years} years (since {since}): "
            + "; ".join(p.decision_number for p in penalties),
            [evidence("penalty", p) for p in penalties],
        )
    abnormal = rows["abnormal"]
    if abnormal:
        found.add(
            "records.abnormal",
            "列入经营异常名录：" + "；".join(f"{a.reason}（{a.listed_on}）" for a in abnormal),
            "on the abnormal-operation list: "
            + "; ".join(f"{a.reason} (since {a.listed_on})" for a in abnormal),
            [evidence("abnormal_entry", a) for a in abnormal],
        )
    for entry in list_entries(session, code, today):
        if not entry.blacklist:
            continue
        found.add(
            "records.blacklist",
            f"列入{entry.list_zh}：{entry.reason_zh}",
            f"on the {entry.list_en}: {entry.reason_en}",
            [
                Evidence(
                    record_type="list_entry",
                    record_id=entry.record_id,
                    source=entry.source,
                    source_record_id=entry.source_record_id,
                    as_of=entry.as_of,
                    fetched_at=entry.fetched_at,
                    summary=f"{entry.list_zh} {entry.listed_on or ''}".strip(),
                )
            ],
        )
    report_people(session, people, rows, found)
    if len(found.reasons) == before:
        found.add(
            "records.clean",
            f"主体及其法定代表人、自然人股东均无失信、未结被执行、近{rules.lookback_years}年"
            f"行政处罚、经营异常或黑名单记录",
            f"no dishonesty, open enforcement, penalty in the last {rules.lookback_years} years, "
            f"abnormal-operation or blacklist record for the entity, its legal representative "
            f"or natural-person shareholders",
        )
