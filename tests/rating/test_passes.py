"""Three firms are black-listed; the quarter-hourly pass regrades them in shares, and an operator's
write made while it works goes through at once instead of waiting for the pass to end."""

from __future__ import annotations

from sqlalchemy import event

from tests.lists.story import OPERATOR, proposal
from tests.rating.conftest import RATED_AT, at
from xinyong.db import make_engine, one_writer, session_factory
from xinyong.lists import service as lists
from xinyong.rating import service


def _black_list(session, firms: list[dict]) -> None:
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

    assert len(saved) == 1 and shares == 3
    assert changed.rated == 3 and changed.history == 3
    session.expire_all()
    assert lists.get_entry(session, saved[0]).created_by == OPERATOR
    for firm in firms:
        view = service.view(session, firm["credit_code"], at(2026, 12, 1, 12))
        black = [f for d in view.explanation for f in d.factors if f.factor == "black_listed"]
        assert black and black[0].records[0].source == "lists"
