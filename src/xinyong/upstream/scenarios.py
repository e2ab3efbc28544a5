"""Named, deterministic scenarios that change the loaded data the way the real upstreams do."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from xinyong.errors import NotFound
from xinyong.sources.catalog import layouts
from xinyong.sources.layouts import STATUS_ALIASES, Layout
from xinyong.upstream import vocab
from xinyong.upstream.records import Record, header, in_layout_order, record_id
from xinyong.upstream.store import Change, Store, Stored, Writer, json_path

ENTERPRISES = "registry.enterprises"
ABNORMAL = "registry.abnormal"
DEBTORS = "enforcement.debtors"
DISHONEST = "enforcement.dishonest"
PENALTIES = "penalties.decisions"

VIOLENT_REASON = "以暴力、威胁等非法手段催收债务，被依法吊销营业执照"
COLLECTOR_WORDS = ("讨债", "要账", "追债")
ACTIVE = ("存续", "在业", *(alias for alias, s in STATUS_ALIASES.items() if s in ("存续", "在业")))


def _layout(name: str) -> Layout | None:
    return layouts().get(name)


def _get(layout: Layout, record: Record, key: str) -> str:
    h = header(layout, key)
    return record.get(h, "") if h else ""


def _with(layout: Layout, record: Record, **by_key: str) -> Record:
    """The record with some fields set by field key; keys this layout lacks are ignored."""
    values = dict(record)
    for key, value in by_key.items():
        h = header(layout, key)
        if h:
            values[h] = value
    return in_layout_order(layout, values)


def _new(layout: Layout, **by_key: str) -> Record:
    return _with(layout, {fl.header: "" for fl in layout.fields}, **by_key)


def _field_is(layout: Layout, key: str, values: tuple[str, ...]) -> tuple[str, list[Any]]:
    """An SQL condition: the field's value is one of `values`."""
    marks = ", ".join("?" * len(values))
    return f"json_extract(record_json, ?) IN ({marks})", [
        json_path(header(layout, key) or key),
        *values,
    ]


def _exists(store: Store, layout: Layout | None) -> bool:
    return layout is not None and store.count(layout.name) > 0


def _pick(
    store: Store,
    rng: random.Random,
    dataset: str,
    k: int,
    where: str = "1",
    params: list | None = None,
) -> list[Stored]:
    """k distinct live records chosen by the seed; positions in record-id order, so the file
    order the data was loaded in does not change the choice."""
    params = params or []
    n = store.count(dataset, where, params)
    positions = rng.sample(range(n), min(k, n))
    ids = store.ids_at(dataset, positions, where, params)
    picked = [store.get(dataset, ids[p]) for p in positions]
    return [s for s in picked if s is not None]


def _put(writer: Writer, layout: Layout, old: Stored | None, record: Record, what: str) -> Change:
    rid = old.record_id if old else record_id(layout, record)
    assert rid is not None
    change = writer.put(layout.name, rid, record)
    change.what = what
    return change


def _fresh_id(writer: Writer, datasets: list[str], make: Callable[[], str]) -> str:
    """A new record id from `make`, drawn again while it collides with an existing record."""
    while True:
        candidate = make()
        if all(writer.get(dataset, candidate) is None for dataset in datasets):
            return candidate


def _person_name(rng: random.Random) -> str:
    return rng.choice(vocab.SURNAMES) + "".join(
        rng.choice(vocab.GIVEN) for _ in range(rng.choice((1, 2)))
    )


def _revoke(layout: Layout, stored: Stored, today: date, status: str, reason: str) -> Record:
    return _with(
        layout,
        stored.record,
        status=status,
        status_date=today.isoformat(),
        status_reason=reason,
        as_of=today.isoformat(),
    )


# --- violent-collection -------------------------------------------------------------------


def violent_collection(store: Store, today: date, seed: int | None = None) -> list[Change]:
    """The article's case: two debt-collection companies are revoked for violent collection.

    Active companies whose name says 讨债/要账/追债 go first (oldest first), then any active
    company. Companies this scenario already revoked today count towards the two, so running it
    again the same day changes nothing; revocations from earlier years do not count.
    """
    layout = _layout(ENTERPRISES)
    if layout is None or not _exists(store, layout):
        raise NotFound(
            "没有企业登记数据，无法运行该场景",
            "no enterprise registry data to run this scenario on",
        )
    ds = layout.name
    with store.lock:
        reason, reason_params = _field_is(layout, "status_reason", (VIOLENT_REASON,))
        on, on_params = _field_is(layout, "status_date", (today.isoformat(),))
        need = 2 - store.count(ds, f"{reason} AND {on}", reason_params + on_params)
        if need <= 0:
            return []
        active, active_params = _field_is(layout, "status", ACTIVE)
        name_path = json_path(header(layout, "name") or "企业名称")
        by_name = " OR ".join("json_extract(record_json, ?) LIKE ?" for _ in COLLECTOR_WORDS)
        name_params = [p for word in COLLECTOR_WORDS for p in (name_path, f"%{word}%")]
        chosen = store.select(
            ds,
            f"({active}) AND ({by_name})",
            active_params + name_params,
            order="version",
            limit=need,
        )
        if len(chosen) < need:  # no collectors left in the data: active companies stand in
            ids = {s.record_id for s in chosen}
            more = store.select(ds, active, active_params, order="version", limit=need + len(ids))
            chosen += [s for s in more if s.record_id not in ids][: need - len(chosen)]
        with store.writing() as writer:
            return [
                _put(
                    writer,
                    layout,
                    s,
                    _revoke(layout, s, today, "吊销", VIOLENT_REASON),
                    f"因暴力催收被吊销营业执照：{_get(layout, s.record, 'name')}"
                    " / licence revoked for violent debt collection",
                )
                for s in chosen
            ]


# --- daily ----------------------------------------------------------------------------------


def _registry_day(writer: Writer, store: Store, rng: random.Random, today: date) -> list[Change]:
    layout = _layout(ENTERPRISES)
    if not _exists(store, layout):
        return []
    assert layout is not None
    active, params = _field_is(layout, "status", ACTIVE)
    picks = _pick(store, rng, layout.name, 4, active, params)
    changes = []
    for s in picks[:2]:
        if rng.random() < 0.5:
            status, reason = "注销", rng.choice(vocab.CANCEL_REASONS)
        else:
            status, reason = "吊销", vocab.REVOKE_REASON
        name = _get(layout, s.record, "name")
        changes.append(
            _put(
                writer,
                layout,
                s,
                _revoke(layout, s, today, status, reason),
                f"{name} {status} / status {status}",
            )
        )
    if len(picks) > 2:
        s = picks[2]
        old = _get(layout, s.record, "address")
        cut = max(old.rfind("区"), old.rfind("县"))
        prefix = old[: cut + 1] if cut > 0 else "江苏省连云港市海州区"
        address = f"{prefix}{rng.choice(vocab.ROADS)}{rng.randint(1, 999)}号"
        changes.append(
            _put(
                writer,
                layout,
                s,
                _with(layout, s.record, address=address, as_of=today.isoformat()),
                "更正住所 / address corrected",
            )
        )
    if len(picks) > 3:
        s = picks[3]
        old_rep = _get(layout, s.record, "legal_rep")
        rep = _person_name(rng)
        while rep == old_rep:
            rep = _person_name(rng)
        changes.append(
            _put(
                writer,
                layout,
                s,
                _with(layout, s.record, legal_rep=rep, as_of=today.isoformat()),
                "变更法定代表人 / legal representative changed",
            )
        )
    return changes


def _abnormal_day(
    writer: Writer, store: Store, rng: random.Random, today: date, seed: int
) -> list[Change]:
    layout = _layout(ABNORMAL)
    enterprises = _layout(ENTERPRISES)
    if not _exists(store, layout):
        return []
    assert layout is not None
    changes = []
    removed_h = json_path(header(layout, "removed_on") or "移出日期")
    listed = _pick(
        store, rng, layout.name, 1, "coalesce(json_extract(record_json, ?), '') = ''", [removed_h]
    )
    for s in listed:
        by = _get(layout, s.record, "listed_by")
        changes.append(
            _put(
                writer,
                layout,
                s,
                _with(
                    layout,
                    s.record,
                    removal_reason=vocab.ABNORMAL_REMOVAL,
                    removed_on=today.isoformat(),
                    removed_by=by,
                    as_of=today.isoformat(),
                ),
                "移出经营异常名录 / removed from the abnormal-operation list",
            )
        )
    if enterprises is not None and _exists(store, enterprises):
        active, params = _field_is(enterprises, "status", ACTIVE)
        # Only market-registered entities (codes starting 9) are put on the abnormal list.
        market = f"{active} AND substr(record_id, 1, 1) = '9'"
        for e in _pick(store, rng, enterprises.name, 1, market, params):
            serial = 1
            while writer.get(
                layout.name, rid := f"YC{today:%Y%m%d}{seed % 10_000:04d}{serial:03d}"
            ):
                serial += 1
            authority = (
                _get(enterprises, e.record, "registration_authority") or "连云港市市场监督管理局"
            )
            record = _new(
                layout,
                record_id=rid,
                credit_code=_get(enterprises, e.record, "credit_code"),
                reason=vocab.ABNORMAL_REASON,
                listed_on=today.isoformat(),
                listed_by=authority,
                as_of=today.isoformat(),
            )
            changes.append(
                _put(
                    writer,
                    layout,
                    None,
                    record,
                    "列入经营异常名录 / put on the abnormal-operation list",
                )
            )
    return changes


def _new_cases(store: Store, rng: random.Random, today: date) -> list[dict[str, str]]:
    """Two new enforcement cases: a company (when the registry has one) and a person."""
    enterprises = _layout(ENTERPRISES)
    parties: list[dict[str, str]] = []
    if enterprises is not None and _exists(store, enterprises):
        for e in _pick(store, rng, enterprises.name, 1):
            parties.append(
                {
                    "party_name": _get(enterprises, e.record, "name"),
                    "party_type": "法人或其他组织",
                    "party_id": _get(enterprises, e.record, "credit_code"),
                    "legal_rep": _get(enterprises, e.record, "legal_rep"),
                }
            )
    parties.append(
        {
            "party_name": _person_name(rng),
            "party_type": "自然人",
            # zxgk publishes personal ID numbers masked; the fake never holds a full one.
            "party_id": "3207" + "*" * 10 + f"{rng.randint(0, 9999):04d}",
            "gender": rng.choice(("男", "女")),
            "age": str(rng.randint(25, 65)),
        }
    )
    cases = []
    for party in parties:
        court, code = rng.choice(vocab.COURTS)
        filed = today - timedelta(days=rng.randint(90, 400))
        amount = rng.randint(20, 2000) * 100
        cases.append(
            party
            | {
                "court": court,
                "court_code": code,
                "filed_on": filed.isoformat(),
                "filed_year": str(filed.year),
                "basis_number": f"（{filed.year - 1}）{code}民初{rng.randint(100, 9999)}号",
                "amount": str(amount),
                "conduct": rng.choice(vocab.CONDUCT),
            }
        )
    return cases


def _enforcement_day(writer: Writer, store: Store, rng: random.Random, today: date) -> list[Change]:
    dishonest = _layout(DISHONEST)
    debtors = _layout(DEBTORS)
    has_dishonest = dishonest is not None and _exists(store, dishonest)
    has_debtors = debtors is not None and _exists(store, debtors)
    if not (has_dishonest or has_debtors):
        return []
    changes: list[Change] = []
    # Removals are chosen before today's new records are written, so a new one is never removed.
    ending = (
        _pick(store, rng, DISHONEST, 2 if store.count(DISHONEST) >= 10 else 1)
        if has_dishonest
        else []
    )
    closing: list[Stored] = []
    if has_debtors:
        assert debtors is not None
        running, params = _field_is(debtors, "case_status", ("执行中",))
        closing = _pick(store, rng, DEBTORS, 1, running, params)
    for case in _new_cases(store, rng, today):

        def number(case: dict[str, str] = case) -> str:
            n = rng.randint(100, 9999)
            return f"（{case['filed_year']}）{case['court_code']}执{n}号|{case['party_name']}"

        case_number = _fresh_id(writer, [DEBTORS, DISHONEST], number).split("|")[0]
        common = {
            "case_number": case_number,
            "party_name": case["party_name"],
            "party_id": case["party_id"],
            "gender": case.get("gender", ""),
            "age": case.get("age", ""),
            "court": case["court"],
            "filed_on": case["filed_on"],
            "as_of": today.isoformat(),
        }
        if has_debtors:
            assert debtors is not None
            record = _new(debtors, **common, amount_fen=case["amount"], case_status="执行中")
            changes.append(
                _put(writer, debtors, None, record, "新增被执行人 / new judgment debtor")
            )
        if has_dishonest:
            assert dishonest is not None
            record = _new(
                dishonest,
                **common,
                party_type=case["party_type"],
                legal_rep=case.get("legal_rep", ""),
                province="江苏",
                published_on=today.isoformat(),
                basis_number=case["basis_number"],
                basis_issuer=case["court"],
                obligation=f"支付欠款人民币{case['amount']}元及逾期利息",
                performance="全部未履行",
                unperformed_part=f"{case['amount']}元",
                conduct=case["conduct"],
            )
            changes.append(
                _put(writer, dishonest, None, record, "新增失信被执行人 / new dishonest debtor")
            )
    for s in ending:
        change = writer.delete(
            DISHONEST, s.record_id, today.isoformat(), rng.choice(vocab.DISHONEST_ENDS)
        )
        change.what = "失信信息删除（已结束）/ dishonest record removed (ended)"
        changes.append(change)
    for s in closing:
        assert debtors is not None
        record = _with(
            debtors,
            s.record,
            case_status="执行完毕",
            case_closed_on=today.isoformat(),
            as_of=today.isoformat(),
        )
        changes.append(
            _put(writer, debtors, s, record, "执行完毕结案 / case closed, fully performed")
        )
    return changes


def _penalty_day(writer: Writer, store: Store, rng: random.Random, today: date) -> list[Change]:
    layout = _layout(PENALTIES)
    enterprises = _layout(ENTERPRISES)
    if not _exists(store, layout) or enterprises is None or not _exists(store, enterprises):
        return []
    assert layout is not None
    changes = []
    for e in _pick(store, rng, enterprises.name, 1):
        name = _get(enterprises, e.record, "name")
        authority = (
            _get(enterprises, e.record, "registration_authority") or "连云港市市场监督管理局"
        )

        def number(name: str = name) -> str:
            return f"连市监处罚〔{today.year}〕{rng.randint(1, 9999)}号|{name}"

        decision = _fresh_id(writer, [layout.name], number).split("|")[0]
        violation, facts, basis = rng.choice(vocab.VIOLATIONS)
        fine_yuan = rng.randint(1, 50) * 1000
        record = _new(
            layout,
            party_name=name,
            party_category="法人及非法人组织",
            party_credit_code=_get(enterprises, e.record, "credit_code"),
            legal_rep=_get(enterprises, e.record, "legal_rep"),
            decision_number=decision,
            violation_type=violation,
            facts=facts,
            legal_basis=basis,
            penalty_types="警告；罚款",
            content=f"警告，并处罚款人民币{fine_yuan}元",
            fine_fen=format((Decimal(fine_yuan) / 10_000).normalize(), "f"),
            decided_on=today.isoformat(),
            valid_until=(today + timedelta(days=3 * 365)).isoformat(),
            publish_until=(today + timedelta(days=3 * 365)).isoformat(),
            authority=authority,
            data_source_unit=authority,
            as_of=today.isoformat(),
        )
        changes.append(
            _put(writer, layout, None, record, "新增行政处罚 / new administrative penalty")
        )
    return changes


def daily(store: Store, today: date, seed: int | None = None) -> list[Change]:
    """A day of upstream life, the same for the same data, seed and day."""
    seed = 0 if seed is None else seed
    rng = random.Random(seed)
    with store.lock, store.writing() as writer:
        return [
            *_registry_day(writer, store, rng, today),
            *_abnormal_day(writer, store, rng, today, seed),
            *_enforcement_day(writer, store, rng, today),
            *_penalty_day(writer, store, rng, today),
        ]


SCENARIOS: dict[str, Callable[[Store, date, int | None], list[Change]]] = {
    "violent-collection": violent_collection,
    "daily": daily,
}


def run_scenario(store: Store, name: str, today: date, seed: int | None) -> list[Change]:
    scenario = SCENARIOS.get(name)
    if scenario is None:
        raise NotFound(
            f"没有名为“{name}”的场景（可用：{'、'.join(SCENARIOS)}）",
            f"no scenario named '{name}' (known: {', '.join(SCENARIOS)})",
        )
    return scenario(store, today, seed)
