"""Rating runs and reads: full and incremental recomputes, one enterprise's grade, the back-test."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    Connection,
    Engine,
    bindparam,
    cast,
    func,
    insert,
    literal_column,
    null,
    select,
    text,
    union,
    union_all,
    update,
)
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from xinyong.agencies.models import Agency, FeeScheduleVersion
from xinyong.codes import check_code
from xinyong.db import one_writer, write_turn
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.errors import InvalidInput, NotFound
from xinyong.lists.clock import local_date, resolve
from xinyong.lists.models import ListEntry
from xinyong.penalties.models import Penalty
from xinyong.rating.config import GRADES, Scorecard, default_scorecard
from xinyong.rating.explain import to_out
from xinyong.rating.facts import Slice, enterprises, gather
from xinyong.rating.models import Rating, RatingHistory, RatingState
from xinyong.rating.schemas import RatingOut
from xinyong.rating.scoring import Result, score
from xinyong.rating.signals import service_records
from xinyong.registry.models import AbnormalEntry, Enterprise, Licence
from xinyong.sources.provenance import FeedCounter

# Enterprises per slice of the full pass: one transaction, bounded memory. The nightly pass
# runs inside a server process; 50,000 a slice peaked at 531-535 MB on the 1,000,000-enterprise
# data set, 5,000 at 266 MB and no slower (76-79 s against 82-83 s; bench/RESULTS.md, load).
CHUNK = 5_000
_R = Rating.__table__
_H = RatingHistory.__table__
_S = RatingState.__table__
_E = Enterprise.__table__
STATE = "changes"
# Counts the passes that changed some grade as a profile shows it (score, grade, colour, factors,
# as of): cached public answers are keyed by it (api/cache). A kept profile outlives records
# about other firms (api/carry), so a change no count recorded would stay hidden all day. A
# first grade given on request is not counted: no kept answer showed that firm graded.
REGRADED = "regraded"
FULL_PASS_ABOVE = 100_000  # changed enterprises beyond which the incremental pass does a full one
# The feed counter that the agency pages' generation reads (api/cache.py AGENCY_SQL).
AGENCIES = "agencies"
SHARE = 500  # enterprises rated, and their writes committed, per share of the incremental pass


@dataclass
class RecomputeResult:
    rated: int = 0  # enterprises scored
    changed: int = 0  # current rows written (new or different)
    history: int = 0  # history rows added (score, grade or model version changed)
    seconds: float = 0.0

    def as_dict(self) -> dict[str, Any]:
        return {k: getattr(self, k) for k in ("rated", "changed", "history", "seconds")}


def _canonical(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def _rate_slice(
    conn: Connection,
    card: Scorecard,
    rows: list[Any],
    part: Slice,
    today: date,
    now: datetime,
    *,
    in_turn: bool = False,
    causes: dict[str, list[dict[str, Any]]] | None = None,
) -> RecomputeResult:
    """Score one slice and write what changed; the caller owns the transaction. `in_turn`
    (the passes a server runs): the writes, and the count of a pass that changed a grade, are
    made in the write turn and committed (db.write_turn), the reads before it. `causes`: the
    decisions, by credit code, that a history row added now is owed to (`regrade`)."""
    facts = gather(conn, card, rows, part, today)
    agencies = [c for c, f in facts.items() if f.agency]
    records = service_records(Session(bind=conn), agencies, now) if agencies else {}
    results: dict[str, Result] = {
        code: score(f, card, today, records.get(code)) for code, f in facts.items()
    }
    existing = {
        row.credit_code: row
        for row in conn.execute(
            select(
                _R.c.credit_code,
                _R.c.score,
                _R.c.grade,
                _R.c.colour,
                _R.c.model_version,
                _R.c.factors,
                _R.c.unassessed,
                _R.c.as_of,
            ).where(part.where(_R.c.credit_code))
        )
    }
    version = card.model_version
    inserts, updates, history = [], [], []
    for code, r in results.items():
        f = facts[code]
        row = {
            "credit_code": code,
            "score": r.score,
            "grade": r.grade,
            "colour": r.colour,
            "model_version": version,
            "factors": r.factors,
            "unassessed": r.unassessed,
            "agency": f.agency,
            "as_of": f.as_of,
            "computed_at": now,
        }
        old = existing.get(code)
        moved = old is None or (old.score, old.grade, old.model_version) != (
            r.score,
            r.grade,
            version,
        )
        if old is None:
            inserts.append({**row, "changed_at": now})
        elif (
            moved
            or old.colour != r.colour
            or old.as_of != f.as_of
            or _canonical(old.factors) != _canonical(r.factors)
            or old.unassessed != r.unassessed
        ):
            updates.append({**row, "b_code": code, "changed_at": now if moved else None})
        if moved:
            cause = causes.get(code) if causes else None
            history.append({**{k: row[k] for k in row if k != "agency"}, "cause": cause})
    with write_turn(conn) if in_turn else nullcontext():
        _write_slice(conn, inserts, updates, history)
        if in_turn and (history or updates):
            _count_regrade(conn, now)
    return RecomputeResult(len(results), len(inserts) + len(updates), len(history))


def _write_slice(conn: Connection, inserts: list, updates: list, history: list) -> None:
    if inserts:
        conn.execute(insert(_R), inserts)
    if updates:
        moved_rows = [u for u in updates if u["changed_at"] is not None]
        still = [
            {k: v for k, v in u.items() if k != "changed_at"}
            for u in updates
            if u["changed_at"] is None
        ]
        stmt = update(_R).where(_R.c.credit_code == bindparam("b_code"))
        for batch in (moved_rows, still):
            if batch:
                clean = [{k: v for k, v in u.items() if k != "credit_code"} for u in batch]
                conn.execute(stmt, clean)
    if history:
        conn.execute(insert(_H), history)
    if inserts:
        _count_agencies_graded(conn, [row["credit_code"] for row in inserts])


def _count_agencies_graded(conn: Connection, codes: list[str]) -> None:
    """An agency's first grade changes what the agency pages show: it moves their counter (the
    one the agency tables' triggers move, migration 0023), last in the transaction so that the
    counter's row is held only until the commit. Counting the rated agencies in the pages'
    generation instead cost its read 13 of 26 µs: long enough that the event loop, which reads
    it, nearly always lost the GIL meanwhile (bench/RESULTS.md, load)."""
    agencies = set(conn.execute(select(Agency.credit_code)).scalars())
    if agencies.isdisjoint(codes):
        return
    counter = FeedCounter.__table__
    conn.execute(
        update(counter).where(counter.c.name == AGENCIES).values(value=counter.c.value + 1)
    )


def _feed_position(conn: Connection) -> int:
    table = FeedCounter.__table__
    return conn.execute(select(table.c.value).where(table.c.name == "changes")).scalar_one()


def _save_state(conn: Connection, seq: int, now: datetime) -> None:
    if conn.execute(select(_S.c.name).where(_S.c.name == STATE)).first() is None:
        conn.execute(insert(_S).values(name=STATE, seq=seq, at=now))
    else:
        conn.execute(update(_S).where(_S.c.name == STATE).values(seq=seq, at=now))


def recompute_all(
    engine: Engine,
    now: datetime | None = None,
    card: Scorecard | None = None,
    progress: Callable[[int], None] | None = None,
) -> RecomputeResult:
    """The full pass (nightly): every registered enterprise, in slices of credit codes."""
    started = time.perf_counter()
    now = resolve(now)
    today = local_date(now)
    card = card or default_scorecard()
    total = RecomputeResult()
    with engine.connect() as conn:
        seq = _feed_position(conn)
    last = ""
    while True:
        with engine.connect() as conn:
            rows = enterprises(conn, _E.c.credit_code > last, CHUNK)
            if not rows:
                with write_turn(conn):
                    _save_state(conn, seq, now)
                break
            part = Slice(rows[0].credit_code, rows[-1].credit_code)
            done = _rate_slice(conn, card, rows, part, today, now, in_turn=True)
        last = rows[-1].credit_code
        total.rated += done.rated
        total.changed += done.changed
        total.history += done.history
        if progress:
            progress(done.rated)
    total.seconds = round(time.perf_counter() - started, 2)
    return total


def rate_codes(
    conn: Connection,
    codes: list[str],
    now: datetime | None = None,
    card: Scorecard | None = None,
    *,
    in_turns: bool = False,
    causes: dict[str, list[dict[str, Any]]] | None = None,
) -> RecomputeResult:
    """Rate these enterprises now, inside the caller's transaction; `in_turns`: SHARE at a time,
    each share's writes committed in the write turn (see `_rate_slice`); `causes`: see there."""
    now = resolve(now)
    card = card or default_scorecard()
    total = RecomputeResult()
    for i in range(0, len(codes), SHARE):
        part = Slice(codes=sorted(set(codes[i : i + SHARE])))
        rows = enterprises(conn, part.where(_E.c.credit_code))
        done = _rate_slice(
            conn, card, rows, part, local_date(now), now, in_turn=in_turns, causes=causes
        )
        total.rated += done.rated
        total.changed += done.changed
        total.history += done.history
    return total


def regrade(conn: Connection, moves: dict[str, list[dict[str, Any]]], now: datetime) -> None:
    """A list decision changed what these firms' entries publish (lists.standing, wired by
    `wiring.connect()`): rate them again in the decision's transaction, so that the profile that
    says "repaired" never shows the grade that still counts the entry. The history row a moved
    grade gains names the decisions (`moves`: {record, id, action, zh, en} by credit code).

    A few firms, in the decision's own write: on SQLite it holds the one write lock for the
    milliseconds one firm's rating takes (an expiry sweep's firms, SHARE at a time, for a few
    more). The regrade is not counted (REGRADED): the decision's list event, in this same
    commit, moves every generation that shows a grade and names the firm, so the kept answers
    of other firms stay good (api/carry.py); counting it would discard every one of them."""
    if moves:
        rate_codes(conn, sorted(moves), now, causes=moves)


def changed_codes(conn: Connection, since_seq: int, until_seq: int, since: datetime) -> list[str]:
    """Enterprises whose records changed in the feed window, or whose list entries moved (a
    decision regrades its firm at once, `regrade`: this catches one made where nothing was
    wired, a bare script's)."""

    def feed(table, column):
        return select(column.label("code")).where(
            table.c.change_seq > since_seq, table.c.change_seq <= until_seq, column.is_not(None)
        )

    tables = [
        (Enterprise.__table__, "credit_code"),
        (Licence.__table__, "credit_code"),
        (AbnormalEntry.__table__, "credit_code"),
        (EnforcementCase.__table__, "linked_credit_code"),
        (DishonestRecord.__table__, "linked_credit_code"),
        (Penalty.__table__, "linked_credit_code"),
        (Agency.__table__, "credit_code"),
        (FeeScheduleVersion.__table__, "credit_code"),
    ]
    lists = ListEntry.__table__
    query = union(
        *(feed(t, t.c[c]) for t, c in tables),
        select(lists.c.credit_code.label("code")).where(
            lists.c.state_changed_at > since, lists.c.credit_code.is_not(None)
        ),
    )
    return sorted(code for (code,) in conn.execute(query))


def _count_regrade(conn: Connection, now: datetime) -> None:
    """Record, in the pass's transaction, that it changed some grade as profiles show it."""
    moved = update(_S).where(_S.c.name == REGRADED).values(seq=_S.c.seq + 1, at=now)
    if conn.execute(moved).rowcount == 0:
        conn.execute(insert(_S).values(name=REGRADED, seq=1, at=now))


def recompute_changed(
    engine: Engine, now: datetime | None = None, card: Scorecard | None = None
) -> RecomputeResult:
    """After a sync: rate again the enterprises whose data changed since the last pass, and every
    registered agency — its service record moves with cases, complaints and the clock (a first
    report or an answer falls due), none of which the change feed carries. With no pass yet,
    this is the full pass."""
    started = time.perf_counter()
    now = resolve(now)
    with engine.begin() as conn:
        state = conn.execute(select(_S.c.seq, _S.c.at).where(_S.c.name == STATE)).first()
    if state is None:
        return recompute_all(engine, now, card)
    with engine.connect() as conn:
        seq = _feed_position(conn)
        codes = changed_codes(conn, state.seq, seq, state.at)
        if len(codes) > FULL_PASS_ABOVE:
            result = None
        else:
            # A city's agencies are a few dozen, a province's some thousands: rating them all
            # costs less than working out whose cases or complaints moved, and misses nothing.
            codes = sorted({*codes, *conn.execute(select(Agency.credit_code)).scalars()})
            # In shares: after the list rules' first pass 15,721 firms had changed, and one
            # transaction for all of them held SQLite's write lock for the whole pass. A pass
            # that stops part-way saves no position: the next one rates them again, unchanged.
            result = rate_codes(conn, codes, now, card, in_turns=True)
            with write_turn(conn):
                _save_state(conn, seq, now)
    if result is None:  # a bulk load touched most of the registry: slices beat IN-lists
        return recompute_all(engine, now, card)
    result.seconds = round(time.perf_counter() - started, 2)
    return result


# --- reading ------------------------------------------------------------------------------


def normalise_code(code: str) -> str:
    value = (code or "").strip().upper()
    checked = check_code(value)
    if not checked.valid or len(value) != 18:
        raise InvalidInput(
            f"code 应为18位统一社会信用代码，“{code}”不是有效代码",
            f"code must be a valid 18-character unified social credit code, not '{code}'",
            field="code",
        )
    return value


def current(session: Session, code: str, now: datetime | None = None) -> Rating:
    """The grade in force; an enterprise not rated yet is rated on this first request."""
    code = normalise_code(code)
    rating = session.get(Rating, code)
    if rating is None:
        if session.scalar(select(Enterprise.id).where(Enterprise.credit_code == code)) is None:
            raise NotFound(
                f"未找到统一社会信用代码为 {code} 的企业",
                f"no enterprise with credit code {code}",
                code_value=code,
            )
        rating = rate_unrated(session, [code], now)[code]
    return rating


def rate_unrated(
    session: Session, codes: list[str], now: datetime | None = None
) -> dict[str, Rating]:
    """Rate, and commit, enterprises no pass has rated yet, on the first request that needs
    them; their grades as written.

    Two requests can race to rate the same enterprise (a profile opened by many at once): the
    loser's insert fails on the key, and it rolls back and reads the winner's grade — the same
    data gives the same grade, and neither caller sees an error.

    A session on a read replica names the primary as its writer: the grades are written there,
    in a session of their own, and read back from there — the replica refuses writes, and may
    not have them yet when this request answers."""
    writer = session.info.get("writer")
    own = nullcontext(session) if writer is None else Session(writer, expire_on_commit=False)
    with own as rater:
        try:
            # A request's write like any other: in the deployment's write turn, so it neither
            # polls for SQLite's lock nor holds it past its commit (db.one_writer). The reads for
            # a page's few firms are made in the turn too, and not counted as a regrade: the
            # answer that asked for the grade is made after it.
            with one_writer(rater):
                rate_codes(rater.connection(), codes, now)
                rater.commit()
        except IntegrityError:
            rater.rollback()
        return grades_for(rater, codes)


def view(session: Session, code: str, now: datetime | None = None) -> RatingOut:
    """The grade with its explanation and history, as the API and the pages show it."""
    code = normalise_code(code)
    rows: list[Any] = session.connection().execute(_GRADE_AND_HISTORY, {"code": code}).all()
    if not rows or rows[0].part:  # not rated yet: rated on this first request (or NotFound)
        rows = [current(session, code, now), *history(session, code)]
    return to_out(default_scorecard(), rows[0], rows[1:])


def standing_provider(session: Session, codes: list[str]) -> dict[str, dict[str, Any]]:
    """For the agency directory's standing seam: each agency's current grade, rated on first
    need as the stars are (an agency no pass has reached yet showed "not yet rated" beside the
    stars its grade had just earned)."""
    grades = grades_for(session, codes)
    missing = [code for code in codes if code not in grades]
    if missing:
        grades |= rate_unrated(session, missing)
    return {code: {"rating": r.grade} for code, r in grades.items()}


# Built once: a profile reads them on every request that misses the answer cache (bench/load).
_HISTORY = (
    select(RatingHistory)
    .where(RatingHistory.credit_code == bindparam("code"))
    .order_by(RatingHistory.id.desc())
)
# The grade in force (part 0) and its history, newest first (part 1), in one statement: they
# were two round trips on PostgreSQL on every profile (bench/RESULTS.md, load). A column one
# side lacks is a typed NULL there; the result takes its types from the first side.
_BOTH = "credit_code score grade colour model_version factors unassessed as_of computed_at".split()
_GRADE_AND_HISTORY = union_all(
    select(
        literal_column("0").label("part"),
        cast(null(), _H.c.id.type).label("id"),
        *(_R.c[name] for name in _BOTH),
        _R.c.agency,
        _R.c.changed_at,
        cast(null(), _H.c.cause.type).label("cause"),
    ).where(_R.c.credit_code == bindparam("code")),
    select(
        literal_column("1"),
        _H.c.id,
        *(_H.c[name] for name in _BOTH),
        cast(null(), _R.c.agency.type),
        cast(null(), _R.c.changed_at.type),
        _H.c.cause,
    ).where(_H.c.credit_code == bindparam("code")),
).order_by(text("part"), text("id DESC"))


def history(session: Session, code: str) -> list[RatingHistory]:
    return list(session.scalars(_HISTORY, {"code": code}))


def grades_for(session: Session, codes: list[str]) -> dict[str, Rating]:
    if not codes:
        return {}
    return {
        r.credit_code: r
        for r in session.scalars(select(Rating).where(Rating.credit_code.in_(codes)))
    }


def distribution(session: Session) -> dict[str, int]:
    counts = dict(session.execute(select(Rating.grade, func.count()).group_by(Rating.grade)).all())
    return {g: counts.get(g, 0) for g in GRADES}


def colour_distribution(session: Session) -> dict[str, int]:
    counts = dict(
        session.execute(select(Rating.colour, func.count()).group_by(Rating.colour)).all()
    )
    return {c: counts.get(c, 0) for c in ("green", "yellow", "orange", "red")}


def report_section(session: Session, code: str):
    """The credit report's rating section (documents' register_section seam): grade, colour and
    every factor that took points, with its records."""
    from xinyong.documents.reports import ReportSection

    out = view(session, code)
    rows = [["维度 Dimension", "得分 Points", "因素 Factors"]]
    for d in out.explanation:
        points = f"{d.points_kept}/{d.points_possible}" if d.assessed else "—"
        named = [
            f"{f.zh} {f.points}（"
            + "，".join(f"{r.source}#{r.source_record_id}" for r in f.records)
            + "）"
            for f in d.factors
            if not f.no_record
        ]
        rows.append([d.title_zh, points, "；".join(named) or d.note_zh])
    if out.ceiling:
        rows.append(["等级上限 Ceiling", str(out.ceiling.points), out.ceiling.zh])
    return ReportSection(
        key="rating",
        title_zh=f"信用评级：{out.grade}（{out.score} 分，{out.colour_zh}）",
        title_en=f"Credit rating: {out.grade} ({out.score}, {out.colour_en})",
        rows=rows,
        as_of=out.as_of.isoformat() if out.as_of else None,
        notes_zh=[out.label_zh, f"评分卡第 {out.model_version} 版"],
    )
