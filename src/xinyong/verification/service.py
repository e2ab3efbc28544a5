"""The three-step verification (三步核验): run the steps, reach a verdict, store and fetch the record."""

from __future__ import annotations

import functools
import hashlib
import json
import threading
import uuid
from collections import OrderedDict
from collections.abc import Callable
from datetime import date, datetime
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine, literal, select, union_all
from sqlalchemy.orm import Session

from xinyong.api.cache import PUBLIC_DATA, MemoryCache, public_generation
from xinyong.api.carry import Carrier, Kind, Mark, mark, person
from xinyong.codes import mask_person_name
from xinyong.db import AtOnce, InsertAtOnce, one_writer
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.errors import NotFound
from xinyong.penalties.models import Penalty
from xinyong.registry.models import AbnormalEntry, Enterprise, Licence
from xinyong.seams import Seam
from xinyong.types import utcnow
from xinyong.verification.findings import Findings
from xinyong.verification.identity import check_identity
from xinyong.verification.models import Verification
from xinyong.verification.qualification import check_qualification
from xinyong.verification.records import check_records, probed_ahead
from xinyong.verification.rules import Rules, default_rules
from xinyong.verification.schemas import (
    FAIL,
    PASS,
    VERDICT_EN,
    WARNING,
    DataAsOf,
    EnterpriseBrief,
    Reason,
    StepResult,
    VerificationOut,
    VerificationRequest,
)

SHANGHAI = ZoneInfo("Asia/Shanghai")
STEP_TITLES = {
    "identity": ("第一步 身份核验", "Step 1: identity"),
    "qualification": ("第二步 资质核验", "Step 2: qualification"),
    "records": ("第三步 信用记录核验", "Step 3: records"),
}
# The registry first, then every other upstream table a verdict reads (step 2 the licences,
# step 3 the court, penalty and abnormal-operation records): a report shows each one's latest
# arrival. The lists, the platform's own, are read live (the report's time is theirs).
_FEED_TABLES = (Enterprise, Licence, DishonestRecord, EnforcementCase, Penalty, AbnormalEntry)


def _step(found: Findings | None, step: str) -> StepResult:
    zh, en = STEP_TITLES[step]
    if found is None:
        return StepResult(step=step, title_zh=zh, title_en=en, outcome="skipped")
    return StepResult(
        step=step, title_zh=zh, title_en=en, outcome=found.outcome, reasons=found.reasons
    )


# The latest arrival in the registry and in each court and penalty table, in one statement
# built once (bench/load): each table's newest row by its change feed number (an index), tagged
# with the table's name; an empty table gives no row. The registry's number tells the collector
# set whether it is current (verification/collectors.py), the others' rows are the report's
# data as of: they were four statements, each a round trip on PostgreSQL.
def _latest_arrivals():
    latest = []
    for position, model in enumerate(_FEED_TABLES):
        t = model.__table__
        newest = (
            select(t.c.source, t.c.as_of, t.c.fetched_at, t.c.change_seq)
            .order_by(t.c.change_seq.desc())
            .limit(1)
            .subquery()
        )
        tag = (literal(model.__tablename__).label("record_type"), literal(position).label("at"))
        latest.append(select(*tag, *newest.c).select_from(newest))
    return union_all(*latest).order_by("at")


# On SQLite its rows come in one step (db.AtOnce): a miss beside a busy event loop waits for the
# GIL at every step.
_LATEST_ARRIVALS = AtOnce(_latest_arrivals())


def _data_as_of(registered: DataAsOf, arrivals: list) -> list[DataAsOf]:
    """The entity's registration as of, and the latest arrival in each court/penalty table."""
    out = [registered]
    for latest in arrivals:
        if latest.record_type == "enterprise":
            continue
        out.append(
            DataAsOf(
                record_type=latest.record_type,
                source=latest.source,
                as_of=latest.as_of,
                fetched_at=latest.fetched_at,
            )
        )
    return out


def verdict_of(steps: list[StepResult]) -> str:
    outcomes = {s.outcome for s in steps}
    return FAIL if "fail" in outcomes else WARNING if "warn" in outcomes else PASS


def digest_of(out: VerificationOut) -> str:
    """SHA-256 of the report as stored (without its digest and URL), keys sorted."""
    return _digest_of_body(out.model_dump(mode="json", exclude=_NOT_DIGESTED))


_NOT_DIGESTED = {"digest", "url"}


def _canonical(value) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _digest_of_body(body: dict) -> str:
    return hashlib.sha256(_canonical(body).encode("utf-8")).hexdigest()


def run_verification(
    session: Session,
    request: VerificationRequest,
    *,
    rules: Rules | None = None,
    now: datetime | None = None,
    shown: set[str] | None = None,
) -> VerificationOut:
    """The three steps over what the database holds now; nothing is stored. `shown`, if given,
    is filled with what the answer's findings rest on: the firm and its people (api/carry)."""
    rules = rules or default_rules()
    service = rules.service(request.service)
    now = now or utcnow()
    today: date = now.astimezone(SHANGHAI).date()

    identity = Findings(rules, "identity")
    ent = check_identity(session, request, identity)
    qualification = records = None
    brief = None
    as_of: list[DataAsOf] = []
    if ent is not None:
        arrivals = _LATEST_ARRIVALS.rows(session.connection(), {})
        registry_seq = next((a.change_seq for a in arrivals if a.record_type == "enterprise"), 0)
        qualification = Findings(rules, "qualification")
        records = Findings(rules, "records")
        with probed_ahead(session, ent, today, rules, registry_seq) as ahead:
            check_qualification(session, ent, service, today, qualification)
            check_records(session, ent, today, records, ahead)
        cls = rules.entity_class(ent.credit_code)
        brief = EnterpriseBrief(
            credit_code=ent.credit_code,
            name=ent.name,
            status=ent.status,
            legal_rep=mask_person_name(ent.legal_rep) if ent.legal_rep else None,
            entity_class=cls.key if cls else None,
            entity_class_zh=cls.title_zh.split("，")[0] if cls else None,
        )
        registered = DataAsOf(
            record_type="enterprise", source=ent.source, as_of=ent.as_of, fetched_at=ent.fetched_at
        )
        as_of = _data_as_of(registered, arrivals)
        if shown is not None:
            shown.add(ent.credit_code)
            shown.update(person(p.name) for p in ahead.people)
    steps = [
        _step(identity, "identity"),
        _step(qualification, "qualification"),
        _step(records, "records"),
    ]
    verdict = verdict_of(steps)
    out = VerificationOut(
        id=uuid.uuid4().hex,
        created_at=now,
        verdict=verdict,
        verdict_en=VERDICT_EN[verdict],
        query=request,
        service=service.key,
        service_zh=service.title_zh,
        enterprise=brief,
        steps=steps,
        data_as_of=as_of,
        rules_version=rules.version,
        rules_file=rules.file,
    )
    out.digest = digest_of(out)
    return out


def standing_verdicts(
    session: Session, codes: list[str], now: datetime | None = None
) -> dict[str, VerificationOut]:
    """The three steps for the rules' default service over what the database holds now, for
    each of these codes the registry knows (nothing stored): what the agency directory and the
    stars go by. Not the last stored verification: that depended on whether anyone had asked,
    and for which service."""
    known = set(
        session.scalars(select(Enterprise.credit_code).where(Enterprise.credit_code.in_(codes)))
    )
    return {
        code: run_verification(session, VerificationRequest(code=code), now=now)
        for code in codes
        if code in known
    }


def verify(
    session: Session,
    request: VerificationRequest,
    *,
    rules: Rules | None = None,
    now: datetime | None = None,
) -> VerificationOut:
    """Run the three steps and store the answer under a new id (the caller commits)."""
    out = run_verification(session, request, rules=rules, now=now)
    _store(session, request, out)
    return out


# Answers of recent distinct verifications, serialised (api/cache.MemoryCache, 8 MB a process).
# The same question over the same data on the same day has the same steps and verdict: a
# creditor re-checking an agency, or many checking a popular one, reuses them and gets a record
# of its own (new id, time and digest). The key holds the database, its public data generation
# (change feed, list decisions, alerts, the local date — api/cache.py) and the rules' file and
# version, so any change that could alter a finding makes a new key. A server passes its answer
# store instead (api/cache.py: with several workers, the disk cache they share), so a question
# one worker answered is reused by the others.
_RECENT = MemoryCache(8 * 1024 * 1024)


def reuse_key(engine: Engine, generation: int | str, request: VerificationRequest) -> str:
    rules = default_rules()
    return "|".join(
        (
            "verification",
            engine.url.render_as_string(hide_password=True),
            str(generation),
            rules.file,
            str(rules.version),
            request.model_dump_json(),
        )
    )


def reused_verification(
    engine: Engine, generation: int | str, request: VerificationRequest, store=None
) -> VerificationOut | None:
    """The answer to an identical question at this public data generation, as a new record
    (its own id, time and digest), or None. Reads no table: the caller read the generation.
    `store` keeps the answers (get/set of bytes; default: this process's memory)."""
    key = reuse_key(engine, generation, request)
    kept = (store or _RECENT).get(key)
    if kept is None:
        return None
    answer, body = _parsed(key, kept)
    out = answer.model_copy(update={"id": uuid.uuid4().hex, "created_at": utcnow()})
    # The digest of the same report with the new id and time: only those two fields of the
    # kept report's JSON form change (what digest_of would build from the whole model again).
    stamp = out.model_dump(mode="json", include={"id", "created_at"})
    out.digest = body.digest(stamp)
    return out


class _DigestedBody:
    """A kept report's canonical JSON (what `_digest_of_body` hashes) with its two per-record
    fields, id and created_at, left as slots: a reuse fills them in and hashes, where dumping
    the whole report again with sorted keys was the largest part of a reused verification's
    time in the event loop (bench/RESULTS.md, load). The bytes hashed are the same: a JSON
    string's encoding does not depend on where it stands. The slots hold a random token of
    this process, so no text of a report can be taken for one."""

    SLOTS = ("id", "created_at")
    _TOKEN = uuid.uuid4().hex

    def __init__(self, body: dict) -> None:
        slots = {name: f"{self._TOKEN}:{name}" for name in self.SLOTS}
        text = _canonical(body | slots)
        self.marks = {name: _canonical(mark) for name, mark in slots.items()}
        # A token that somehow occurs twice makes no template: the reuse hashes in full.
        self.template = text if all(text.count(m) == 1 for m in self.marks.values()) else None
        self.body = body

    def digest(self, stamp: dict) -> str:
        if self.template is None:
            return _digest_of_body(self.body | stamp)
        text = self.template
        for name, token in self.marks.items():
            text = text.replace(token, _canonical(stamp[name]))
        return hashlib.sha256(text.encode("utf-8")).hexdigest()


# Kept answers parsed once per process: validating the kept JSON and dumping it again for the
# digest were a third of a reused verification's time in the event loop (bench/RESULTS.md,
# load). A reuse copies the parsed answer shallowly and sets only top-level fields, so the
# shared nested parts are never changed.
_PARSED: OrderedDict[str, tuple[VerificationOut, _DigestedBody]] = OrderedDict()
_PARSED_MAX = 512
_PARSED_LOCK = threading.Lock()


def _parsed(key: str, kept: bytes) -> tuple[VerificationOut, _DigestedBody]:
    with _PARSED_LOCK:
        found = _PARSED.get(key)
        if found is not None:
            _PARSED.move_to_end(key)
            return found
    answer = VerificationOut.model_validate_json(kept)
    found = (answer, _DigestedBody(answer.model_dump(mode="json", exclude=_NOT_DIGESTED)))
    with _PARSED_LOCK:
        _PARSED[key] = found
        while len(_PARSED) > _PARSED_MAX:
            _PARSED.popitem(last=False)
    return found


def prepare_verification(
    session: Session,
    request: VerificationRequest,
    generation: int | str | None = None,
    store=None,
    carrier: Carrier | None = None,
    now: Mark | None = None,
    shown: set[str] | None = None,
) -> tuple[VerificationOut, str]:
    """The answer to one verification, not yet stored, and where its findings came from (hit,
    carried or miss, as X-Cache says): the steps read without any lock, or
    reused from an identical question at the same data generation (a new id all the same).
    `generation` is the public generation when the caller read it before the session's reads;
    `store` keeps the answers, as for `reused_verification`. With a `carrier` (the server's,
    over the same store; `now`: the generation's mark, if the caller read it), an answer kept
    at an older generation is taken over when nothing it rests on was written since.
    `shown`, if given (with a `carrier`), is filled with what the answer rests on, as
    `run_verification` fills it: a reused answer whose note no longer says is made anew."""
    engine = session.get_bind()
    if carrier is not None and now is None:
        now = mark(session, PUBLIC_DATA)
    if generation is None:
        generation = now.generation if now is not None else public_generation(session)
    out, how = reused_verification(engine, generation, request, store), "hit"
    if out is None and carrier is not None:
        out, how = carried_verification(session, carrier, engine, now, request), "carried"
    if out is not None and shown is not None:
        # The carrier's note names the firms and people of the answer filed under its key: the
        # one just reused, unless an answer at a newer generation was noted since.
        entry = carrier.kept(_parts(request)) if carrier is not None else None
        if entry is not None and entry["key"] == reuse_key(engine, generation, request):
            shown.update(entry["firms"])
        else:
            out = None
    if out is None:
        how = "miss"
        rests_on: set[str] = set()
        out = run_verification(session, request, rules=default_rules(), shown=rests_on)
        kept = out.model_dump_json().encode()
        key = reuse_key(engine, generation, request)
        (store or _RECENT).set(key, kept)
        if carrier is not None:
            carrier.keep(_parts(request), key, now, rests_on, _kind(carrier, engine, request))
        if shown is not None:
            shown.update(rests_on)
    return out, how


def standing_verification(
    session: Session,
    code: str,
    store=None,
    carrier: Carrier | None = None,
    shown: set[str] | None = None,
) -> VerificationOut | None:
    """One agency's standing verification (`standing_verdicts`: the rules' default service,
    nothing stored), answered as a creditor's own check of the same code is: reused at the
    same data generation, carried past records about other firms (`prepare_verification`).
    None when the registry does not know the code. What a fee quote shows beside its figures;
    `shown` is filled with what the verdict rests on, so the quote is carried as it is."""
    out, _ = prepare_verification(
        session, VerificationRequest(code=code), store=store, carrier=carrier, shown=shown
    )
    return out if out.enterprise is not None else None


def headline(out: VerificationOut) -> Reason | None:
    """The reason a verdict is told by: the first failing finding, else the first warning."""
    reasons = [r for step in out.steps for r in step.reasons]
    return next((r for r in reasons if r.outcome == "fail"), None) or next(
        (r for r in reasons if r.outcome == "warn"), None
    )


# A verification kept at an older public generation, taken over by a newer one (decision 0043):
# a court sync of fifty records moved every verification's key, and the mix's verifications
# were then worked out again, the slowest answers after each sync (bench/RESULTS.md, load).
# What a verification's findings rest on is its firm's records, lists and registry entries and
# its people's records by name (`run_verification`'s `shown`); what the report says beside
# them, the latest arrival in each record table, is read again at the new generation.
def _parts(request: VerificationRequest) -> tuple:
    rules = default_rules()
    return ("verification", rules.file, str(rules.version), request.model_dump_json())


def _kind(carrier: Carrier, engine: Engine, request: VerificationRequest) -> Kind:
    return Kind(
        lambda generation: reuse_key(engine, generation, request),
        functools.partial(_as_of_refreshed, carrier),
    )


def carried_verification(
    session: Session | None,
    carrier: Carrier,
    engine: Engine,
    now: Mark,
    request: VerificationRequest,
) -> VerificationOut | None:
    """The answer kept for `request` at an older generation, taken over by `now`'s (the
    carrier's store then holds it under `now`'s key), as a new record; None when it cannot be.
    Without a session (in the event loop), only from what this process knows already."""
    parts = _parts(request)
    entry = carrier.kept(parts)
    if entry is None:
        return None
    key = reuse_key(engine, now.generation, request)
    if carrier.take_over(session, parts, key, now, entry, _kind(carrier, engine, request)) is None:
        return None
    return reused_verification(engine, now.generation, request, carrier.cache.store)


def _arrivals(session: Session, now: Mark) -> list | None:
    """The latest arrival in each table, as at `now`: read after it, so None when a table's
    latest row came after it (where it stood at `now` is not known; the answer is made anew)."""
    rows = _LATEST_ARRIVALS.rows(session.connection(), {})
    return None if any(row.change_seq > (now.row[0] or 0) for row in rows) else rows


def _as_of_refreshed(
    carrier: Carrier, body: bytes, session: Session | None, now: Mark
) -> bytes | None:
    """A kept report with its data-as-of of the record tables as they stand at `now`."""
    arrivals = carrier.read_at("latest arrivals", now, session, lambda s: _arrivals(s, now))
    if arrivals is None:
        return None
    answer = VerificationOut.model_validate_json(body)
    registered = next((d for d in answer.data_as_of if d.record_type == "enterprise"), None)
    if registered is None:
        return None
    answer.data_as_of = _data_as_of(registered, arrivals)
    return answer.model_dump_json().encode()


def record_verifications(
    session: Session, answers: list[tuple[VerificationRequest, VerificationOut]]
) -> None:
    """Store prepared answers in one transaction (one write turn, one ledger append for all).
    The rows are made before the turn is taken: on SQLite the other processes' writers wait
    for it, and Python work inside it is stretched by every wait for the GIL (bench/RESULTS.md,
    load)."""
    rows = [_values(request, out) for request, out in answers]
    anchors = list(RECORD_ANCHORS)
    carried = _INSERT.carried(session.get_bind().dialect, rows) if len(anchors) == 1 else None
    if carried is not None:
        # On PostgreSQL one statement stores the rows and their anchor (the rows' insert carried
        # by the anchor's own statement), in autocommit: one round trip instead of BEGIN, two
        # statements and COMMIT, and a lock the anchor takes (the ledger's size row) is let go
        # inside the database, not after the writer's next wait for the GIL (decision 0045).
        session.connection(execution_options={"isolation_level": "AUTOCOMMIT"})
        anchors[0](session, rows, carried=carried)
        session.commit()  # a session begun before keeps its transaction: committed here
        return
    with one_writer(session):
        _insert(session, rows)
        session.commit()


# Who anchors stored records, called in the transaction that stores them with their rows
# (wiring: the ledger, ledger/anchors.py). With `carried`, the rows are not stored yet: the
# anchor makes that insert itself, with its own writes (in one statement where it can).
RECORD_ANCHORS: Seam[Callable[..., None]] = Seam("verification record anchors")
# A Core insert: the ORM's unit of work cost more than the write itself, and a record is never
# wanted back as an object where it is stored (bench/RESULTS.md, load: 2.1 -> 1.3 ms a record).
# A batch's rows in one statement on SQLite, one step under the write lock (decision 0037).
_INSERT = InsertAtOnce(Verification.__table__)


def _insert(session: Session, rows: list[dict[str, Any]]) -> None:
    _INSERT.run(session.connection(), rows)
    for anchor in RECORD_ANCHORS:
        anchor(session, rows)


def _values(request: VerificationRequest, out: VerificationOut) -> dict[str, Any]:
    return {
        "id": out.id,
        "created_at": out.created_at,
        "query_code": request.code,
        "query_name": request.name,
        "service": out.service,
        "credit_code": out.enterprise.credit_code if out.enterprise else None,
        "enterprise_name": out.enterprise.name if out.enterprise else None,
        "verdict": out.verdict,
        "rules_version": out.rules_version,
        "report": out.model_dump(mode="json", exclude={"url"}),
        "digest": out.digest,
    }


def _store(session: Session, request: VerificationRequest, out: VerificationOut) -> None:
    _insert(session, [_values(request, out)])


def get_verification(session: Session, verification_id: str) -> VerificationOut:
    """A stored verification exactly as it was answered."""
    row = session.get(Verification, verification_id.strip().lower())
    if row is None:
        raise NotFound(
            f"核验记录 {verification_id} 不存在",
            f"no verification with id {verification_id}",
            id=verification_id,
        )
    return VerificationOut.model_validate(row.report)
