"""Registry look-ups: find an enterprise by any of its codes and assemble its profile, now or as known on a date."""

from __future__ import annotations

from datetime import date, datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, func, select, text
from sqlalchemy.orm import Session

from xinyong.codes import check_code, lookup_division, mask_id_number
from xinyong.db import known_empty
from xinyong.errors import InvalidInput, NotFound
from xinyong.money import fen_to_yuan
from xinyong.registry.models import AbnormalEntry, Enterprise, Licence, Shareholder
from xinyong.registry.schemas import (
    AbnormalEntryOut,
    DivisionOut,
    EnterpriseOut,
    LicenceOut,
    ProfileOut,
    ShareholderOut,
)
from xinyong.sources.provenance import RecordHistory

ACTIVE_STATUSES = frozenset({"存续", "在业"})
_PROVENANCE = ("source", "source_record_id", "fetched_at", "as_of", "known_from", "demo")
_DATE_FIELDS = {
    "established_on", "term_from", "term_to", "approved_on", "status_date", "subscribed_on",
    "ended_on", "valid_from", "valid_to", "listed_on", "removed_on",
}  # fmt: skip


def _row(obj: Any) -> dict[str, Any]:
    return {c.key: getattr(obj, c.key) for c in obj.__table__.columns}


def _from_history(h: RecordHistory) -> dict[str, Any]:
    """A history version as a record dict; JSON kept dates as ISO strings."""
    data = {k: (date.fromisoformat(v) if k in _DATE_FIELDS and v else v) for k, v in h.data.items()}
    data.update({k: getattr(h, k) for k in _PROVENANCE})
    data["id"] = h.record_id
    return data


def _versions_as_known(
    session: Session, model, rows: list[dict[str, Any]], code: str, at: datetime | None
) -> list[dict[str, Any]]:
    """Replace each row by the version we held at `at`; drop rows we did not know yet."""
    if at is None:
        return rows
    result = {r["id"]: r for r in rows if r["known_from"] <= at}
    older = session.scalars(
        select(RecordHistory).where(
            RecordHistory.record_type == model.__tablename__,
            RecordHistory.credit_code == code,
            RecordHistory.known_from <= at,
            RecordHistory.known_to > at,
        )
    )
    for h in older:
        result[h.record_id] = _from_history(h)
    return sorted(result.values(), key=lambda r: r["id"])


def _provenance(r: dict[str, Any]) -> dict[str, Any]:
    return {k: r[k] for k in _PROVENANCE}


# The code column of each kind of code check_code recognises.
_CODE_COLUMNS = {
    "uscc": "credit_code",
    "registration_number": "reg_no",
    "organisation_code": "org_code",
}


@cache
def _enterprise_by(column: str):
    """The look-up by one code column, built once: building a statement and its cache key on
    every call cost twice what running it does (bench/RESULTS.md, load)."""
    return (
        select(Enterprise)
        .where(getattr(Enterprise, column) == bindparam("code"))
        .order_by(Enterprise.id)
        .limit(1)
    )


@cache
def children_of(table):
    """An enterprise's rows of a child table (shareholders, licences, abnormal entries), by `code`."""
    return select(table).where(table.c.credit_code == bindparam("code")).order_by(table.c.id)


def enterprise_by_code(session: Session, kind: str, code: str) -> Enterprise | None:
    """The enterprise holding this normalised code of this kind (as check_code names them)."""
    return session.scalars(_enterprise_by(_CODE_COLUMNS[kind]), {"code": code}).first()


def find_enterprise(session: Session, code: str) -> Enterprise:
    """By 18-character credit code, legacy 15-digit registration number or 9-character org code."""
    check = check_code(code)
    if check.kind is None:
        problem = check.errors[0]
        raise InvalidInput(problem.message_zh, problem.message_en, code=code, field="code")
    found = enterprise_by_code(session, check.kind, check.code)
    if found is None and not check.valid:
        # A mistyped code (a wrong check character, a letter out of place) is the caller's
        # error to correct, not an entity we lack: say what is wrong, as the codes check does.
        problem = check.errors[0]
        raise InvalidInput(
            problem.message_zh,
            problem.message_en,
            code=check.code,
            field="code",
            position=problem.position,
        )
    if found is None:
        raise NotFound(
            f"未找到代码为 {check.code} 的主体",
            f"no entity with code {check.code} is registered here",
            code=check.code,
        )
    return found


def enterprise_out(r: dict[str, Any]) -> EnterpriseOut:
    division = None
    if r["division_code"]:
        d = lookup_division(r["division_code"])
        division = DivisionOut(code=d.code, name=d.full_name, known=d.known)
    return EnterpriseOut(
        **{k: v for k, v in r.items() if k in EnterpriseOut.model_fields},
        registered_capital_yuan=fen_to_yuan(r["registered_capital_fen"]),
        active=r["status"] in ACTIVE_STATUSES,
        division=division,
        provenance=_provenance(r),
    )


def shareholder_out(r: dict[str, Any]) -> ShareholderOut:
    id_number = r["id_number"]
    # Natural persons' ID numbers are personal information (PIPL): never shown in full here.
    if id_number and r["kind"] == "自然人股东":
        id_number = mask_id_number(id_number)
    fields = {k: v for k, v in r.items() if k in ShareholderOut.model_fields}
    fields.update(id_number=id_number, subscribed_yuan=fen_to_yuan(r["subscribed_fen"]))
    return ShareholderOut(**fields, provenance=_provenance(r))


def profile(session: Session, code: str, as_known_on: datetime | None = None) -> ProfileOut:
    """The enterprise with shareholders, licences and abnormal entries, each with provenance."""
    enterprise = find_enterprise(session, code)
    cc = enterprise.credit_code
    [ent] = _versions_as_known(session, Enterprise, [_row(enterprise)], cc, as_known_on) or [None]
    if ent is None:
        raise NotFound(
            f"在 {as_known_on:%Y-%m-%d %H:%M} 时尚未收录主体 {cc}",
            f"entity {cc} was not yet known on {as_known_on:%Y-%m-%d %H:%M}",
            code=cc,
        )

    def children(model):
        # Plain rows through Core: the ORM's objects were only turned into these dicts.
        statement, params = children_of(model.__table__), {"code": cc}
        if known_empty(session, statement, params):
            return []
        rows = [dict(r._mapping) for r in session.connection().execute(statement, params)]
        return _versions_as_known(session, model, rows, cc, as_known_on)

    return ProfileOut(
        as_known_on=as_known_on,
        enterprise=enterprise_out(ent),
        shareholders=[shareholder_out(r) for r in children(Shareholder)],
        licences=[
            LicenceOut(
                **{k: v for k, v in r.items() if k in LicenceOut.model_fields},
                provenance=_provenance(r),
            )
            for r in children(Licence)
        ],
        abnormal_entries=[
            AbnormalEntryOut(
                **{k: v for k, v in r.items() if k in AbnormalEntryOut.model_fields},
                current=r["removed_on"] is None,
                provenance=_provenance(r),
            )
            for r in children(AbnormalEntry)
        ],
    )


# Each step asks for the next industry after the last one found: one seek in the industry
# index (migration 0025), whatever the registry's size. Grouping a million rows to find the
# same handful took a second, paid by the first search pages after every sync, each of them
# at once (bench/RESULTS.md, load).
_NEXT_INDUSTRIES = text(
    "WITH RECURSIVE found(industry, n) AS ("
    " SELECT min(industry), 1 FROM enterprise WHERE industry > ''"
    " UNION ALL"
    " SELECT (SELECT min(e.industry) FROM enterprise e WHERE e.industry > found.industry), n + 1"
    " FROM found WHERE found.industry IS NOT NULL AND n <= :most)"
    " SELECT industry FROM found WHERE industry IS NOT NULL"
)


def industries(session: Session, most: int = 40) -> list[str]:
    """The industries (所属行业) a search can be narrowed to, sorted: all the registry holds
    when they are at most `most` (the national classification has twenty sections), else the
    `most` commonest."""
    found = list(session.scalars(_NEXT_INDUSTRIES, {"most": most}))
    if len(found) <= most:
        return sorted(found)  # in Python's order, as before: a database's collation may differ
    commonest = session.scalars(
        select(Enterprise.industry)
        .where(Enterprise.industry.is_not(None), Enterprise.industry != "")
        .group_by(Enterprise.industry)
        .order_by(func.count().desc())
        .limit(most)
    )
    return sorted(commonest)
