"""Event rules that propose entries: new 失信被执行人 records and revocations for violent collection."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import nullcontext
from datetime import date, datetime
from typing import Any

from sqlalchemy import literal, select
from sqlalchemy.orm import Session

from xinyong.alerts.models import Alert
from xinyong.db import among, write_turn
from xinyong.enforcement.models import DishonestRecord
from xinyong.lists.clock import local_date, resolve
from xinyong.lists.config import Policy, Rule, load_policy, load_rules
from xinyong.lists.models import ListEntry
from xinyong.lists.periods import default_end, earliest_running
from xinyong.lists.schemas import ProposalIn, SourceRecord
from xinyong.lists.service import SYSTEM, _event, end_publicity, propose
from xinyong.registry.models import Enterprise


class _Blank(dict):
    """A field the record lacks renders empty rather than failing the sweep."""

    def __missing__(self, key: str) -> str:
        return ""


def _text(value: Any) -> str:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, date) else str(value)


def _columns(row: Any, prefix: str = "") -> dict[str, Any]:
    return {f"{prefix}{c.key}": getattr(row, c.key) for c in row.__table__.columns}


def _already(session: Session, keys: list[str]) -> set[str]:
    if not keys:
        return set()
    found = session.scalars(select(ListEntry.origin_key).where(ListEntry.origin_key.in_(keys)))
    return set(found)


# Facts read per round: the first pass over a registry proposes tens of thousands.
_CHUNK = 500


def _decision_column(rule: Rule):
    """The column the rule's decision date comes from, when it is one (None: none to filter on)."""
    table = DishonestRecord.__table__ if rule.from_ == "dishonest_record" else Alert.__table__
    if rule.decision_date.startswith("enterprise_"):
        table, name = Enterprise.__table__, rule.decision_date.removeprefix("enterprise_")
    else:
        name = rule.decision_date
    return table.c.get(name)


def _candidates(
    session: Session, rule: Rule, today: date, policy: Policy
) -> Iterator[list[tuple[dict[str, Any], SourceRecord, Enterprise]]]:
    """(template values, source record, enterprise) for the facts the rule may propose, a chunk
    at a time.

    The pass runs every hour inside a server process. It used to load every open fact on
    file — 80,112 失信 records with their enterprises on the 1,000,000-enterprise data set: 5 s
    of CPU and ~450 MB even when all were proposed already (bench/RESULTS.md, load). The
    database now leaves out the facts this rule has proposed (their origin key) and those
    decided too long ago for any period to run today; the loop still checks each exactly.
    """
    if rule.from_ == "dishonest_record":
        model = DishonestRecord
        joined = Enterprise.credit_code == DishonestRecord.linked_credit_code
        where = [DishonestRecord.ended_on.is_(None)]
    else:
        model = Alert
        joined = Enterprise.credit_code == Alert.credit_code
        where = [Alert.rule_id == rule.alert_rule, Alert.status != "dismissed"]
    key = literal(f"{rule.id}:") + model.source + literal(":") + model.source_record_id
    where.append(~select(ListEntry.id).where(ListEntry.origin_key == key).exists())
    decided = _decision_column(rule)
    if decided is not None:
        aggravating = bool(rule.aggravated_if)
        where += [
            decided <= today,
            decided >= earliest_running(policy, rule.class_, today, aggravating),
        ]
    ids = session.scalars(select(model.id).join(Enterprise, joined).where(*where)).all()
    ids.sort()
    for i in range(0, len(ids), _CHUNK):
        rows = session.execute(
            select(model, Enterprise)
            .join(Enterprise, joined)
            .where(among(model.id, "ids", ids[i : i + _CHUNK]))
            .order_by(model.id)
        )
        chunk = []
        for fact, enterprise in rows:
            if isinstance(fact, DishonestRecord):
                values = {**_columns(enterprise, "enterprise_"), **_columns(fact)}
                layout = "enforcement.dishonest"
            else:
                values = {
                    **_columns(enterprise, "enterprise_"),
                    "alert_message_zh": fact.message_zh,
                }
                layout = fact.layout
            src = SourceRecord(
                layout=layout, source=fact.source, source_record_id=fact.source_record_id
            )
            chunk.append((values, src, enterprise))
        yield chunk


def propose_from_events(
    session: Session, now: datetime | None = None, *, in_turns: bool = False
) -> list[int]:
    """Run every enabled rule over the facts on file; each fact is proposed once per rule.

    Idempotent, so it can run after every sync and nightly. The caller commits; with
    `in_turns` (the hourly job, and an operator's run on a live site) the proposals are
    written and committed _PER_TURN at a time, each share in the deployment's write turn
    (db.write_turn), so the site's own writes are not shut out while thousands are proposed.
    """
    now, policy = resolve(now), load_policy()
    today = local_date(now)
    created: list[int] = []
    for rule in load_rules().rules:
        if not rule.enabled:
            continue
        done: set[str] = set()
        for found in _candidates(session, rule, today, policy):
            keys = [f"{rule.id}:{src.source}:{src.source_record_id}" for _, src, _ in found]
            done |= _already(session, keys)
            todo: list[tuple[str, ProposalIn]] = []
            for key, (values, src, enterprise) in zip(keys, found, strict=True):
                if key in done:
                    continue
                done.add(key)
                proposal = _proposal(rule, policy, today, values, src, enterprise)
                if proposal is not None:
                    todo.append((key, proposal))
            step = _PER_TURN if in_turns else max(len(todo), 1)
            for i in range(0, len(todo), step):
                with write_turn(session) if in_turns else nullcontext():
                    for key, proposal in todo[i : i + step]:
                        entry = propose(
                            session,
                            proposal,
                            SYSTEM,
                            now,
                            rule_id=rule.id,
                            rule_version=rule.version,
                            origin_key=key,
                            policy=policy,
                        )
                        created.append(entry.id)
                    # Written now: what was flushed is no longer held for the commit.
                    session.flush()
    return created


# Proposals written and committed per write turn by a run `in_turns`: one turn is then tens of
# milliseconds, what a request's write may wait behind.
_PER_TURN = 20


def _proposal(
    rule: Rule,
    policy: Policy,
    today: date,
    values: dict[str, Any],
    src: SourceRecord,
    enterprise: Enterprise,
) -> ProposalIn | None:
    """What the rule proposes for one fact, or None when the fact has no running period."""
    values["credit_code"] = enterprise.credit_code
    context = _Blank({k: _text(v) for k, v in values.items()})
    decided = values.get(rule.decision_date)
    if not isinstance(decided, date) or decided > today:
        return None  # without a decision date the period cannot be counted; left to operators
    aggravated = bool(rule.aggravated_if) and any(
        re.search(pattern, context[field]) for field, pattern in rule.aggravated_if.items()
    )
    cls = policy.classes[rule.class_]
    aggravated = aggravated and cls.aggravated_min is not None
    if default_end(policy, rule.class_, decided, aggravated) <= today:
        return None  # an old fact whose period is already over: history, not a proposal
    return ProposalIn(
        list_type=cls.list_type,
        publicity_class=rule.class_,
        aggravated=aggravated,
        subject_kind="organisation",
        credit_code=enterprise.credit_code,
        subject_name=enterprise.name,
        reason_zh=rule.reason_zh.format_map(context),
        reason_en=rule.reason_en.format_map(context),
        legal_basis_zh=rule.legal_basis_zh,
        legal_basis_en=rule.legal_basis_en,
        source_records=[src],
        authority=rule.authority.format_map(context) or "—",
        decision_date=decided,
    )


def follow_ended_records(
    session: Session, now: datetime | None = None, *, in_turns: bool = False
) -> list[int]:
    """When the court removes a 失信 record upstream, the entry resting on it ends here too:
    a proposal is rejected, an approved or published entry revoked; the caller commits
    (`in_turns`: as for `propose_from_events`)."""
    now = resolve(now)
    ended = session.execute(
        select(ListEntry, DishonestRecord)
        .join(
            DishonestRecord,
            ListEntry.origin_key
            == (
                ListEntry.rule_id
                + ":"
                + DishonestRecord.source
                + ":"
                + DishonestRecord.source_record_id
            ),
        )
        .where(
            ListEntry.state.in_(("proposed", "approved", "published")),
            DishonestRecord.ended_on.is_not(None),
        )
        .order_by(ListEntry.id)
    ).all()
    step = _PER_TURN if in_turns else max(len(ended), 1)
    for i in range(0, len(ended), step):
        with write_turn(session) if in_turns else nullcontext():
            for entry, record in ended[i : i + step]:
                why = f"失信信息已于 {record.ended_on} 被删除或屏蔽（{record.end_reason or '来源记录已结束'}）"
                if entry.state == "proposed":
                    _event(session, entry, "rejected", SYSTEM, now, "rejected", why)
                else:
                    end_publicity(session, entry, "revoked", SYSTEM, why, now)
            session.flush()
    return [entry.id for entry, _ in ended]


def apply_rules(session: Session, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """The rules pass on a live site — new proposals, then entries whose records ended — written
    in shares, each committed in the deployment's write turn (the job, and an operator's run)."""
    return (
        propose_from_events(session, now, in_turns=True),
        follow_ended_records(session, now, in_turns=True),
    )


def run_rules(engine, now: datetime | None = None) -> tuple[list[int], list[int]]:
    """The scheduler's job after syncs: new proposals, and entries whose records ended."""
    from xinyong.db import session_scope

    with session_scope(engine) as session:
        return apply_rules(session, now)
