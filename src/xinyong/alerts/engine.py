"""Evaluating a batch of imported changes against the rules and writing alerts in the same transaction."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from xinyong.alerts.conditions import as_text
from xinyong.alerts.models import Alert
from xinyong.alerts.rules import Rule, RuleSet
from xinyong.db import among
from xinyong.registry.models import Enterprise
from xinyong.sources.ingest import Change, ChangeHook, watching
from xinyong.sources.provenance import PROVENANCE_COLUMNS, jsonable
from xinyong.types import utcnow

# Where a change names the enterprise it is about: registry records carry the credit code,
# judicial and penalty records the code the linker matched.
CODE_COLUMNS = ("credit_code", "linked_credit_code")
# Bookkeeping, not facts: never shown as evidence of what changed.
_NOT_EVIDENCE = frozenset({"id", "_id", "link_candidates", *PROVENANCE_COLUMNS})
_ALERTS = Alert.__table__
# Enterprise facts every alert's evidence names, beside those its rule reads.
_ALWAYS = ("credit_code", "name", "status")
_ENTERPRISE = Enterprise.__table__


def make_hook(rules: RuleSet) -> ChangeHook:
    """The `on_changes` hook for `Ingest`: alerts for a batch, in the batch's own transaction."""

    def on_changes(conn: Connection, changes: list[Change]) -> None:
        # Ingest calls the hook once per batch of one target, so one layout: a layout no rule
        # watches costs this one look-up per batch.
        if changes and rules.index(changes[0].layout):
            write_alerts(conn, evaluate(conn, rules, changes))

    def wants(layout: str, first_load: bool) -> bool:
        by_op = rules.index(layout)
        return any(not first_load or r.on_first_load for rs in by_op.values() for r in rs)

    return watching(on_changes, wants)


def credit_code_of(change: Change) -> str | None:
    for column in CODE_COLUMNS:
        # An update's `new` may lack derived columns (the link): the old row still has them.
        value = change.new[column] if column in change.new else (change.old or {}).get(column)
        if value:
            return value
    return None


def evaluate(conn: Connection, rules: RuleSet, changes: list[Change]) -> list[dict[str, Any]]:
    """Alert rows for the changes that meet a rule; enterprises fetched in one query per batch."""
    hits: list[tuple[Rule, Change, str | None]] = []
    layout, by_op = None, {}
    for change in changes:
        if change.layout != layout:
            layout, by_op = change.layout, rules.index(change.layout)
        for rule in by_op.get(change.op, ()):
            if change.first_load and not rule.on_first_load:
                continue
            if rule.test(change):
                code = credit_code_of(change)
                # An enterprise condition cannot hold for a record linked to no enterprise.
                if code or rule.enterprise_test is None:
                    hits.append((rule, change, code))
    if not hits:
        return []
    wanted = {code for rule, _, code in hits if rule.wants_enterprise and code}
    fields = {f for rule, _, _ in hits if rule.wants_enterprise for f in rule.enterprise_fields}
    enterprises = _enterprises(conn, wanted, fields) if wanted else {}
    now = utcnow()
    rows = []
    for rule, change, code in hits:
        enterprise = enterprises.get(code) if rule.wants_enterprise else None
        if rule.enterprise_test is not None and (
            enterprise is None or not rule.enterprise_test(enterprise)
        ):
            continue
        rows.append(alert_row(rule, change, code, enterprise, now))
    return rows


def _enterprises(
    conn: Connection, codes: set[str], fields: set[str]
) -> dict[str, Mapping[str, Any]]:
    """The fields the rules read (conditions, messages, evidence) of these enterprises: a
    first court load asks for thousands a batch, and whole rows cost a JSON decode each."""
    columns = [_ENTERPRISE.c[f] for f in sorted(fields | set(_ALWAYS))]
    query = select(*columns).where(among(_ENTERPRISE.c.credit_code, "codes", sorted(codes)))
    return {row.credit_code: row._mapping for row in conn.execute(query)}


class _Context(dict):
    """Template values: a field the record lacks renders empty rather than failing the import."""

    def __missing__(self, key: str) -> str:
        return ""


def _context(change: Change, code: str | None, enterprise: Mapping[str, Any] | None) -> _Context:
    values: dict[str, Any] = {**(change.old or {}), **change.new}
    if enterprise is not None:
        values.update({f"enterprise_{k}": v for k, v in enterprise.items()})
    values.update(
        credit_code=code,
        layout=change.layout,
        source=change.source,
        source_record_id=change.source_record_id,
        op=change.op,
    )
    return _Context({k: as_text(v) or "" for k, v in values.items()})


def evidence(change: Change, rule: Rule, enterprise: Mapping[str, Any] | None) -> dict[str, Any]:
    """What changed (old → new) and the enterprise facts the rule looked at."""
    old = change.old or {}
    changed = {
        k: {"old": jsonable(old.get(k)), "new": jsonable(v)}
        for k, v in change.new.items()
        if k not in _NOT_EVIDENCE
        and (old.get(k) != v if change.old is not None else v not in (None, "", []))
    }
    found: dict[str, Any] = {"op": change.op, "changes": changed}
    if enterprise is not None:
        fields = (*_ALWAYS, *rule.enterprise_fields)
        found["enterprise"] = {f: jsonable(enterprise.get(f)) for f in dict.fromkeys(fields)}
    return found


def digest(rule: Rule, change: Change) -> str:
    """The facts the rule looked at; the same facts on the same record never alert twice."""
    facts = [(f, jsonable(change.new.get(f))) for f in rule.dedupe_on]
    return hashlib.blake2b(repr(facts).encode(), digest_size=16).hexdigest()


def alert_row(
    rule: Rule,
    change: Change,
    code: str | None,
    enterprise: Mapping[str, Any] | None,
    now: datetime,
) -> dict[str, Any]:
    context = _context(change, code, enterprise)
    return dict(
        rule_id=rule.id,
        rule_version=rule.version,
        kind=rule.kind,
        severity=rule.severity,
        layout=change.layout,
        source=change.source,
        source_record_id=change.source_record_id,
        digest=digest(rule, change),
        credit_code=code,
        message_zh=rule.message_zh.format_map(context),
        message_en=rule.message_en.format_map(context),
        evidence=evidence(change, rule, enterprise),
        demo=bool(change.new.get("demo", (change.old or {}).get("demo", False))),
        created_at=now,
        status="open",
    )


def write_alerts(conn: Connection, rows: list[dict[str, Any]]) -> None:
    """Insert, skipping alerts that already exist (same rule, record and facts)."""
    if not rows:
        return
    dialect = conn.dialect.name
    if dialect == "postgresql":
        conn.execute(pg_insert(_ALERTS).on_conflict_do_nothing(constraint="uq_alert_once"), rows)
    elif dialect == "sqlite":
        conn.execute(sqlite_insert(_ALERTS).on_conflict_do_nothing(), rows)
    else:  # no portable upsert: look the keys up first
        key = ("rule_id", "layout", "source", "source_record_id", "digest")
        held = {
            tuple(r)
            for r in conn.execute(
                select(*(_ALERTS.c[k] for k in key)).where(
                    _ALERTS.c.source_record_id.in_({r["source_record_id"] for r in rows})
                )
            )
        }
        fresh = [r for r in rows if tuple(r[k] for k in key) not in held]
        if fresh:
            conn.execute(insert(_ALERTS), fresh)
