"""Linking imported records to registry enterprises: by code, else by normalised exact name, never by guess."""

from __future__ import annotations

import unicodedata
import weakref
from collections import defaultdict
from collections.abc import Callable, Iterable
from typing import Any

from sqlalchemy import (
    JSON,
    Connection,
    Index,
    String,
    Text,
    bindparam,
    cast,
    func,
    select,
    text,
    union_all,
)
from sqlalchemy.dialects.postgresql import ARRAY, JSONB
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.agencies.models import Agency
from xinyong.db import among
from xinyong.registry.models import Enterprise
from xinyong.sources.layouts_judicial import PERSON

# link_status values
BY_CODE = "code"
BY_NAME = "name"
AMBIGUOUS = "ambiguous"
UNLINKED = "unlinked"
NOT_LINKED_PERSON = "person"
LINK_STATUSES = (BY_CODE, BY_NAME, AMBIGUOUS, UNLINKED, NOT_LINKED_PERSON)

Derive = Callable[[Connection, list[dict[str, Any]]], None]

_ENTERPRISE = Enterprise.__table__
_AGENCY = Agency.__table__
_HAS_FORMER_NAMES = "former_names <> '[]'"

# Former names live in a JSON list, which no B-tree can index. On SQLite a partial covering
# index over the few enterprises that have former names turns the per-batch look-up into a
# scan of those entries only (measured: 0.38 s → 0.07 s per batch at 1M enterprises).
# It is declared here, on the registry's table, so autogenerate on SQLite keeps it; the
# PostgreSQL counterpart (GIN on former_names::jsonb) exists only in migration 0002.
FORMER_NAMES_INDEX = Index(
    "ix_enterprise_former_names",
    _ENTERPRISE.c.former_names,
    _ENTERPRISE.c.credit_code,
    _ENTERPRISE.c.reg_no,
    _ENTERPRISE.c.org_code,
    _ENTERPRISE.c.name,
    sqlite_where=text(_HAS_FORMER_NAMES),
).ddl_if(dialect="sqlite")


class Linked:
    """Link columns of a record about a party that may be a registered enterprise."""

    # The enterprise this record is about; NULL unless exactly one enterprise matched.
    linked_credit_code: Mapped[str | None] = mapped_column(String(18), index=True)
    link_status: Mapped[str] = mapped_column(String(10))  # code/name/ambiguous/unlinked/person
    # For an ambiguous link, the credit codes that matched, for an operator to decide.
    link_candidates: Mapped[list[str] | None] = mapped_column(JSON)


def normalise_name(name: str) -> str:
    """NFKC (full-width （） and letters become half-width) and no whitespace at all."""
    return "".join(unicodedata.normalize("NFKC", name).split())


def name_variants(name: str) -> set[str]:
    """Spellings under which the registry may store the same name.

    GSXT writes Chinese names with full-width brackets, other sources with half-width ones;
    the registry column is not normalised, so the look-up asks for each likely spelling and
    Python compares the normalised forms of what comes back.
    """
    norm = normalise_name(name)
    return {name.strip(), norm, norm.replace("(", "（").replace(")", "）")}


def _code_kind(value: str) -> str | None:
    if "*" in value:  # a masked personal ID is never an enterprise code
        return None
    return {18: "credit_code", 15: "reg_no", 9: "org_code"}.get(len(value))


# SQLite: former name → credit codes of every enterprise, per store, with the enterprise
# table's last change number it was read at. Scanning the former names for each batch cost
# 40 ms of a 52 ms look-up at 1M enterprises (47,000 with former names); a court sync links
# ~100 batches against a registry that does not change meanwhile, so it is read once.
# Keyed by the engine itself: two in-memory stores share a URL, never an engine.
_FORMER_NAMES: weakref.WeakKeyDictionary[Any, tuple[int | None, dict[str, list[str]]]] = (
    weakref.WeakKeyDictionary()
)


def _former_name_codes(conn: Connection, variants: list[str]) -> list[str]:
    key = conn.engine
    seq = conn.execute(select(func.max(_ENTERPRISE.c.change_seq))).scalar()
    held = _FORMER_NAMES.get(key)
    if held is None or held[0] != seq:
        by_name: dict[str, list[str]] = defaultdict(list)
        rows = conn.execute(
            select(_ENTERPRISE.c.credit_code, _ENTERPRISE.c.former_names).where(
                text(_HAS_FORMER_NAMES)
            )
        )
        for code, former in rows:
            for name in former or ():
                by_name[name].append(code)
        held = _FORMER_NAMES[key] = (seq, dict(by_name))
    return sorted({code for name in variants for code in held[1].get(name, ())})


def _former_names_clause(conn: Connection, variants: list[str]):
    dialect = conn.dialect.name
    if dialect == "sqlite":
        codes = _former_name_codes(conn, variants)
        return (among(_ENTERPRISE.c.credit_code, "former", codes),) if codes else None
    if dialect == "postgresql":
        # Matches the expression of the GIN index created in migration 0002.
        names = bindparam("former", variants, type_=ARRAY(Text))
        return (cast(_ENTERPRISE.c.former_names, JSONB).op("?|")(names),)
    return None


def _candidates(conn: Connection, codes: dict[str, set[str]], variants: set[str]) -> list[Any]:
    """Every enterprise any row of the batch could mean, in one statement."""
    columns = (
        _ENTERPRISE.c.credit_code,
        _ENTERPRISE.c.reg_no,
        _ENTERPRISE.c.org_code,
        _ENTERPRISE.c.name,
        _ENTERPRISE.c.former_names,
    )
    parts = [
        select(*columns).where(among(_ENTERPRISE.c[kind], kind, sorted(values)))
        for kind, values in codes.items()
        if values
    ]
    if variants:
        names = sorted(variants)
        parts.append(select(*columns).where(among(_ENTERPRISE.c.name, "names", names)))
        clause = _former_names_clause(conn, names)
        if clause is not None:
            parts.append(select(*columns).where(*clause))
    if not parts:
        return []
    return list(conn.execute(union_all(*parts) if len(parts) > 1 else parts[0]))


def _known_elsewhere(conn: Connection, codes: set[str]) -> set[str]:
    """Of credit codes the registry does not hold, those of agencies in the directory: a law
    firm's code is issued by the justice bureau, not the market regulator, so the firm is in
    the directory and not in the registry, and a court record naming its code is about it."""
    if not codes:
        return set()
    query = select(_AGENCY.c.credit_code).where(
        among(_AGENCY.c.credit_code, "elsewhere", sorted(codes))
    )
    return set(conn.execute(query).scalars())


def make_linker(
    code_columns: Iterable[str], name_column: str = "party_name", kind_column: str = "party_kind"
) -> Derive:
    """A Target `derive` that sets linked_credit_code, link_status and link_candidates.

    Rules, in order: natural persons are never linked (`person`); a credit code found in the
    registry, or else in the agency directory (a firm registered elsewhere), links (`code`); a
    registration number or organisation code that finds exactly one enterprise links (`code`);
    a credit code neither knows leaves the record unlinked — the code says it is another
    entity, and names are unique only within one registration authority; otherwise the
    normalised name against current and former names (`name`). More than one candidate is `ambiguous`: flagged with its candidates, not guessed.
    """
    code_columns = tuple(code_columns)

    def derive(conn: Connection, rows: list[dict[str, Any]]) -> None:
        wanted: dict[str, set[str]] = {"credit_code": set(), "reg_no": set(), "org_code": set()}
        variants: set[str] = set()
        plans = []
        for row in rows:
            codes: dict[str, str] = {}
            for column in code_columns:
                value = row.get(column)
                kind = _code_kind(value) if value else None
                if kind and kind not in codes:
                    codes[kind] = value
            by_name = row[kind_column] != PERSON and "credit_code" not in codes
            plans.append((codes, by_name))
            if row[kind_column] == PERSON:
                continue
            for kind, value in codes.items():
                wanted[kind].add(value)
            if by_name:
                variants |= name_variants(row[name_column])

        index: dict[tuple[str, str], set[str]] = defaultdict(set)
        for ent in _candidates(conn, wanted, variants):
            index["credit_code", ent.credit_code].add(ent.credit_code)
            if ent.reg_no:
                index["reg_no", ent.reg_no].add(ent.credit_code)
            if ent.org_code:
                index["org_code", ent.org_code].add(ent.credit_code)
            # Only names the batch asked for: a firm found by its code is not normalised for
            # nothing, and a link never depends on which other rows shared the batch.
            for name in (ent.name, *(ent.former_names or ())):
                if name in variants:
                    index["name", normalise_name(name)].add(ent.credit_code)

        unknown = {c for c in wanted["credit_code"] if ("credit_code", c) not in index}
        for code in _known_elsewhere(conn, unknown):
            index["credit_code", code].add(code)

        for row, (codes, by_name) in zip(rows, plans, strict=True):
            if row[kind_column] == PERSON:
                _set(row, NOT_LINKED_PERSON)
                continue
            found: set[str] = set()
            status = BY_CODE
            for kind in ("credit_code", "reg_no", "org_code"):
                if kind in codes:
                    found = index.get((kind, codes[kind]), set())
                    if found:
                        break
            if not found and by_name:
                status = BY_NAME
                found = index.get(("name", normalise_name(row[name_column])), set())
            if len(found) == 1:
                _set(row, status, next(iter(found)))
            elif found:
                _set(row, AMBIGUOUS, candidates=sorted(found))
            else:
                _set(row, UNLINKED)

    return derive


def _set(row: dict[str, Any], status: str, code: str | None = None, candidates=None) -> None:
    row.update(linked_credit_code=code, link_status=status, link_candidates=candidates)
