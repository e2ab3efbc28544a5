"""A law firm is black-listed, re-rated as the entry is published, then the entry's period ends and the
grade recovers; history gains a row only when the score or grade moves."""

from __future__ import annotations

from sqlalchemy import event, func, select

from tests.lists.story import OPERATOR, proposal
from tests.rating.conftest import RATED_AT, at
from xinyong import wiring
from xinyong.agencies.models import Agency
from xinyong.lists import service as lists
from xinyong.rating import service
from xinyong.rating.models import RatingHistory
from xinyong.registry.models import Enterprise


def _history(session, code):
    session.expire_all()
    return [(h.grade, h.model_version) for h in reversed(service.history(session, code))]


def test_a_black_list_entry_moves_the_grade_and_its_expiry_restores_it(engine, session, demo):
    wiring.connect()
    code = demo.code("江苏田湾律师事务所")
    first = service.recompute_changed(engine, RATED_AT)  # no pass yet: the full pass
    assert first.rated == 200
    assert _history(session, code) == [("AAA", "2")]

    # Nothing changed: the incremental pass rates only the agencies (their service record moves
    # with the clock) and writes nothing; a full pass adds no history.
    agencies = session.scalar(
        select(func.count()).where(Agency.credit_code == Enterprise.credit_code)
    )
    quiet = service.recompute_changed(engine, at(2026, 11, 24))
    assert 0 < quiet.rated == agencies and (quiet.changed, quiet.history) == (0, 0)
    again = service.recompute_all(engine, at(2026, 11, 24))
    assert again.rated == 200 and again.history == 0
    total = session.scalar(select(func.count()).select_from(RatingHistory))
    assert total == 200

    entry = lists.propose(
        session,
        proposal(credit_code=code, subject_name="江苏田湾律师事务所", decision_date="2026-11-24"),
        OPERATOR,
        at(2026, 11, 24),
    )
    lists.approve(session, entry.id, OPERATOR, "事实清楚", at(2026, 11, 24, 11))
    lists.publish(session, entry.id, OPERATOR, at(2026, 12, 1))
    session.commit()

    # The publication regraded the firm in its own transaction (lists.standing, wired as the
    # server wires it): the quarter-hourly pass after it finds nothing more to write.
    view = service.view(session, code, at(2026, 12, 1, 12))
    assert (view.grade, view.colour) == ("CC", "red")
    black = next(f for d in view.explanation for f in d.factors if f.factor == "black_listed")
    assert black.records[0].source == "lists" and black.records[0].id == entry.id
    assert _history(session, code) == [("AAA", "2"), ("CC", "2")]
    assert view.history[0].cause[0].action == "published"
    changed = service.recompute_changed(engine, at(2026, 12, 1, 12))
    assert changed.rated == agencies and changed.history == 0  # the firm is one of them

    # A general entry is published for one year from the decision; after that it no longer
    # counts, and the nightly full pass (calendar changes touch no record) restores the grade.
    later = service.recompute_all(engine, at(2027, 11, 25))
    assert later.history >= 1
    sent = []

    def seen(_conn, _cursor, statement, *_):
        sent.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        view = service.view(session, code, at(2027, 11, 25))
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert view.grade == "AAA"
    # The grade in force and its history, newest first, read in one statement.
    assert [h.grade for h in view.history] == ["AAA", "CC", "AAA"]
    assert len(sent) == 1
    assert not [f for d in view.explanation for f in d.factors if f.factor == "black_listed"]
    assert _history(session, code) == [("AAA", "2"), ("CC", "2"), ("AAA", "2")]
