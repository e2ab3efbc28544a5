"""Enforcement look-ups for an enterprise profile: its 被执行人 and 失信 records, current and closed."""

from __future__ import annotations

from collections import defaultdict
from functools import cache
from typing import Any

from sqlalchemy import Table, bindparam, select
from sqlalchemy.orm import Session

from xinyong.codes import mask_id_number, mask_person_name
from xinyong.db import among, known_empty
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.enforcement.schemas import (
    DishonestRecordOut,
    EarlierVersion,
    EnforcementCaseOut,
    EnforcementRecords,
)
from xinyong.money import fen_to_yuan
from xinyong.sources.layouts_judicial import PERSON, is_masked
from xinyong.sources.provenance import RecordHistory, business_columns, jsonable

_PROVENANCE = ("source", "source_record_id", "fetched_at", "as_of", "known_from", "demo")


@cache
def linked_records(table: Table, newest_first: str) -> Any:
    """Built once per table and order (building it cost more than running it: bench/load)."""
    return (
        select(table)
        .where(table.c.linked_credit_code == bindparam("code"))
        .order_by(table.c[newest_first].desc(), table.c.id.desc())
    )


@cache
def _histories_of(table_name: str) -> Any:
    return (
        select(RecordHistory)
        .where(
            RecordHistory.record_type == table_name,
            among(RecordHistory.record_id, "ids"),
        )
        .order_by(RecordHistory.known_from, RecordHistory.id)
    )


def linked_rows(
    session: Session, table: Table, credit_code: str, newest_first: str
) -> list[dict[str, Any]]:
    """Records linked to the enterprise, latest `newest_first` date first, through Core so no
    stale ORM object is returned."""
    statement, params = linked_records(table, newest_first), {"code": credit_code.strip().upper()}
    if known_empty(session, statement, params):
        return []
    return [dict(r) for r in session.execute(statement, params).mappings()]


def histories(
    session: Session, table: Table, rows: list[dict[str, Any]]
) -> dict[int, list[EarlierVersion]]:
    """Earlier versions of each record, oldest first, with the fields each next version changed."""
    if not rows:
        return {}
    business = business_columns(table)
    older: dict[int, list[RecordHistory]] = defaultdict(list)
    for h in session.scalars(_histories_of(table.name), {"ids": [r["id"] for r in rows]}):
        older[h.record_id].append(h)
    result: dict[int, list[EarlierVersion]] = {}
    for row in rows:
        versions = older.get(row["id"], [])
        current = {c: jsonable(row[c]) for c in business}
        following = [v.data for v in versions[1:]] + [current] if versions else []
        result[row["id"]] = [
            EarlierVersion(
                known_from=v.known_from,
                known_to=v.known_to,
                as_of=v.as_of,
                changed=[c for c in business if v.data.get(c) != nxt.get(c)],
            )
            for v, nxt in zip(versions, following, strict=True)
        ]
    return result


def public_fields(row: dict[str, Any], history: list[EarlierVersion]) -> dict[str, Any]:
    """What every judicial record shows; a natural person's name and ID only masked."""
    person = row["party_kind"] == PERSON
    party_id = row.get("party_id")
    if person and party_id and not is_masked(party_id):
        party_id = mask_id_number(party_id)
    return dict(
        row,
        party_name=mask_person_name(row["party_name"]) if person else row["party_name"],
        party_id=party_id,
        current=row["ended_on"] is None,
        provenance={k: row[k] for k in _PROVENANCE},
        history=history,
    )


def records_for(session: Session, credit_code: str) -> EnforcementRecords:
    """The enterprise's 被执行人 and 失信被执行人 records, current and closed, newest first.

    Only records linked to it (by code or by an unambiguous name) are returned; ambiguous
    ones wait for an operator and are not shown as anyone's.
    """
    cases_table, dishonest_table = EnforcementCase.__table__, DishonestRecord.__table__
    cases = linked_rows(session, cases_table, credit_code, "filed_on")
    dishonest = linked_rows(session, dishonest_table, credit_code, "published_on")
    case_history = histories(session, cases_table, cases)
    dishonest_history = histories(session, dishonest_table, dishonest)
    return EnforcementRecords(
        credit_code=credit_code.strip().upper(),
        cases=[
            EnforcementCaseOut(
                **public_fields(r, case_history[r["id"]]), amount_yuan=fen_to_yuan(r["amount_fen"])
            )
            for r in cases
        ],
        dishonest=[
            DishonestRecordOut(**public_fields(r, dishonest_history[r["id"]])) for r in dishonest
        ],
    )
