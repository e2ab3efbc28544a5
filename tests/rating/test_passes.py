"""Three firms are black-listed; the quarter-hourly pass regrades them in shares, and an operator's
write made while it works goes through at once instead of waiting for the pass to end."""

from __future__ import annotations

from sqlalchemy import event

from tests.lists.story import OPERATOR, proposal
from tests.rating.conftest import RATED_AT, at
from xinyong.db import make_engine, one_writer, session_factory
from xinyong.lists import service as lists
from xinyong.lists.standing import STANDING_MOVED
from xinyong.rating import service


def _black_list(session, firms: list[dict]) -> None:
    """Entries published where no rating is wired (a script's session): left to the pass. A
    decision in the server regrades its firm at once (tests/lists/test_regrade.py)."""
    with STANDING_MOVED.isolated():
        _publish(session, firms)


def _publish(session, firms: list[dict]) -> None:
    for firm in firms:
        entry = lists.propose(
            session,
            proposal(
                credit_code=firm["credit_code"],
                subject_name=firm["name"],
                decision_date="2026-11-24",
            ),
            OPERATOR,
            at(2026, 11, 24),
        )
        lists.approve(session, entry.id, OPERATOR, "事实清楚", at(2026, 11, 24, 11))
        lists.publish(session, entry.id, OPERATOR, at(2026, 12, 1))
    session.commit()


def test_an_operators_write_goes_through_while_the_pass_regrades(
    engine, session, demo, database_url, monkeypatch
):
    """After the list rules' first pass on the benchmark's data, 15,721 firms had changed and
    the pass that regrades them was one transaction: on SQLite every other write of the site
    waited for all of it. It now rates SHARE firms at a time, each share written and committed
    in the write turn."""
    assert service.recompute_changed(engine, RATED_AT).rated == 200  # the first, full pass
    firms = demo.manifest["sector"][:3]
    _black_list(session, firms)
    monkeypatch.setattr(service, "SHARE", 1)

    # The operator works in another connection pool, as another process of the server would,
    # and gives up on a locked file after half a second instead of thirty.
    other = make_engine(database_url)
    if other.dialect.name == "sqlite":

        @event.listens_for(other, "connect")
        def _impatient(dbapi_conn, _record):
            dbapi_conn.execute("PRAGMA busy_timeout=500")

    saved: list[int] = []
    shares = 0

    def operator_proposes_during_the_second_share(conn, cursor, statement, *args) -> None:
        nonlocal shares
        if "ORDER BY enterprise.credit_code" not in statement:
            return
        shares += 1
        if shares == 2:  # the first share is rated and written; the pass reads the next one
            with session_factory(other)() as s, one_writer(s):
                entry = lists.propose(s, proposal(9), OPERATOR, at(2026, 12, 1, 12))
                s.commit()
                saved.append(entry.id)

    event.listen(engine, "before_cursor_execute", operator_proposes_during_the_second_share)
    try:
        changed = service.recompute_changed(engine, at(2026, 12, 1, 12))
    finally:
        event.remove(engine, "before_cursor_execute", operator_proposes_during_the_second_share)
        other.dispose()

    # One firm a share: the three black-listed and the other agencies (rated every pass).
    assert len(saved) == 1 and shares == changed.rated > 3
    assert changed.history == 3
    session.expire_all()
    assert lists.get_entry(session, saved[0]).created_by == OPERATOR
    for firm in firms:
        view = service.view(session, firm["credit_code"], at(2026, 12, 1, 12))
        black = [f for d in view.explanation for f in d.factors if f.factor == "black_listed"]
        assert black and black[0].records[0].source == "lists"


def test_an_agencys_first_grade_moves_the_agency_pages_generation_and_no_other_firms_does(
    engine, session, demo
):
    """The agency pages show each agency's grade and are kept until their generation moves: an
    agency's first grade, from a pass or on first need, moves it; another firm's does not."""
    from sqlalchemy import delete, select
    from sqlalchemy.orm import Session

    from xinyong.agencies.models import Agency
    from xinyong.api.cache import AGENCY_DATA
    from xinyong.rating.models import Rating
    from xinyong.registry.models import Enterprise

    def agency_pages_generation() -> str:
        with Session(engine) as reading:
            return AGENCY_DATA.of(reading)

    agencies = select(Agency.credit_code)
    agency = session.scalar(agencies.order_by(Agency.credit_code).limit(1))
    other = session.scalar(
        select(Enterprise.credit_code).where(Enterprise.credit_code.not_in(agencies)).limit(1)
    )
    before = agency_pages_generation()
    service.recompute_changed(engine, RATED_AT)  # the first, full pass
    assert agency_pages_generation() != before

    # Both registered after the pass, say: rated on the first request that needs them.
    session.execute(delete(Rating).where(Rating.credit_code.in_([agency, other])))
    session.commit()
    before = agency_pages_generation()
    service.rate_unrated(session, [other], RATED_AT)
    assert agency_pages_generation() == before
    service.rate_unrated(session, [agency], RATED_AT)
    assert agency_pages_generation() != before
