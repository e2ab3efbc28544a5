"""The demo's in-memory records and how they become rows in the upstream layouts."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from xinyong.sources.layouts import (
    REGISTRY_ABNORMAL,
    REGISTRY_ENTERPRISES,
    REGISTRY_LICENCES,
    REGISTRY_SHAREHOLDERS,
    Layout,
)

_FIRST_DAY = date(1900, 1, 1).toordinal()
_LAST_DAY = date(2100, 12, 31).toordinal()
# Formatting dates is the generator's most frequent operation; a table beats isoformat().
_ISO = [date.fromordinal(o).isoformat() for o in range(_FIRST_DAY, _LAST_DAY + 1)]


def iso(ordinal: int | None) -> str:
    return "" if ordinal is None else _ISO[ordinal - _FIRST_DAY]


def wan(fen: int | None) -> str:
    """Integer fen as 万元 with at most six decimals; None (not published) as an empty cell."""
    if fen is None:
        return ""
    whole, rest = divmod(fen, 1_000_000)
    return str(whole) if not rest else f"{whole}.{rest:06d}".rstrip("0")


@dataclass(slots=True)
class Shareholder:
    name: str
    kind: str  # one of SHAREHOLDER_KINDS
    id_type: str = ""
    id_number: str = ""
    subscribed_fen: int | None = None
    percent: str = ""
    subscribed_on: int | None = None


@dataclass(slots=True)
class Licence:
    kind: str
    title: str
    number: str
    issuer: str
    valid_from: int
    valid_to: int | None
    content: str
    status: str


@dataclass(slots=True)
class Abnormal:
    reason: str
    listed_on: int
    listed_by: str
    removal_reason: str = ""
    removed_on: int | None = None
    removed_by: str = ""


@dataclass(slots=True)
class Enterprise:
    credit_code: str
    name: str
    entity_type: str
    established: int
    status: str
    division: str
    as_of: int
    reg_no: str = ""
    former_names: list[str] = field(default_factory=list)
    legal_rep: str = ""
    capital_fen: int | None = None
    currency: str = ""
    term_from: int | None = None
    term_to: int | None = None
    authority: str = ""
    approved: int | None = None
    status_date: int | None = None
    status_reason: str = ""
    address: str = ""
    scope: str = ""
    industry: str = ""
    shareholders: list[Shareholder] = field(default_factory=list)
    licences: list[Licence] = field(default_factory=list)
    abnormal: list[Abnormal] = field(default_factory=list)


ENTERPRISE_KEYS = (
    "credit_code",
    "reg_no",
    "name",
    "former_names",
    "legal_rep",
    "entity_type",
    "registered_capital_fen",
    "capital_currency",
    "established_on",
    "term_from",
    "term_to",
    "registration_authority",
    "approved_on",
    "status",
    "status_date",
    "status_reason",
    "address",
    "division_code",
    "business_scope",
    "industry",
    "as_of",
)
SHAREHOLDER_KEYS = (
    "record_id",
    "credit_code",
    "name",
    "kind",
    "id_type",
    "id_number",
    "subscribed_fen",
    "share_percent",
    "subscribed_on",
    "as_of",
)
LICENCE_KEYS = (
    "record_id",
    "credit_code",
    "kind",
    "title",
    "number",
    "issuer",
    "valid_from",
    "valid_to",
    "content",
    "status",
    "as_of",
)
ABNORMAL_KEYS = (
    "record_id",
    "credit_code",
    "reason",
    "listed_on",
    "listed_by",
    "removal_reason",
    "removed_on",
    "removed_by",
    "as_of",
)
KEYS_BY_LAYOUT = {
    REGISTRY_ENTERPRISES.name: ENTERPRISE_KEYS,
    REGISTRY_SHAREHOLDERS.name: SHAREHOLDER_KEYS,
    REGISTRY_LICENCES.name: LICENCE_KEYS,
    REGISTRY_ABNORMAL.name: ABNORMAL_KEYS,
}


def enterprise_row(e: Enterprise) -> list[str]:
    return [
        e.credit_code,
        e.reg_no,
        e.name,
        "；".join(e.former_names),
        e.legal_rep,
        e.entity_type,
        wan(e.capital_fen),
        e.currency,
        iso(e.established),
        iso(e.term_from),
        iso(e.term_to),
        e.authority,
        iso(e.approved),
        e.status,
        iso(e.status_date),
        e.status_reason,
        e.address,
        e.division,
        e.scope,
        e.industry,
        iso(e.as_of),
    ]


def child_rows(e: Enterprise) -> tuple[list[list[str]], list[list[str]], list[list[str]]]:
    """Shareholder, licence and abnormal-list rows; record ids are the code plus a serial."""
    code, as_of = e.credit_code, iso(e.as_of)
    shareholders = [
        [
            f"{code}-GD{i:02d}",
            code,
            s.name,
            s.kind,
            s.id_type,
            s.id_number,
            wan(s.subscribed_fen),
            s.percent,
            iso(s.subscribed_on),
            as_of,
        ]
        for i, s in enumerate(e.shareholders, 1)
    ]
    licences = [
        [
            f"{code}-XK{i:02d}",
            code,
            lic.kind,
            lic.title,
            lic.number,
            lic.issuer,
            iso(lic.valid_from),
            iso(lic.valid_to),
            lic.content,
            lic.status,
            as_of,
        ]
        for i, lic in enumerate(e.licences, 1)
    ]
    abnormal = [
        [
            f"{code}-YC{i:02d}",
            code,
            a.reason,
            iso(a.listed_on),
            a.listed_by,
            a.removal_reason,
            iso(a.removed_on),
            a.removed_by,
            as_of,
        ]
        for i, a in enumerate(e.abnormal, 1)
    ]
    return shareholders, licences, abnormal


def column_order(layout: Layout) -> list[int] | None:
    """Where each layout column sits in our rows; None when they already agree.

    Our rows follow a fixed key order; if a layout is reordered or grows a column, rows
    are rearranged (new columns left empty) instead of silently shifting under the headers.
    """
    ours = KEYS_BY_LAYOUT[layout.name]
    theirs = [f.key for f in layout.fields]
    if list(ours) == theirs:
        return None
    return [ours.index(k) if k in ours else len(ours) for k in theirs]
