"""A demo operator's last weeks on the list rules' proposals: the lists' lifecycle, visible in a demo."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import Engine, func, select

from xinyong.db import session_scope
from xinyong.lists import service
from xinyong.lists.clock import SHANGHAI, add_working_days, local_date, resolve
from xinyong.lists.config import load_policy
from xinyong.lists.models import ListEntry
from xinyong.lists.proposals import propose_from_events, run_rules

# Signed on every action it takes, so the history says who decided: never a real person.
DEMO_OPERATOR = "演示操作员 demo operator"
# How long the demo site has been run before the visitor arrives.
WEEKS = 4
APPROVAL = "演示：经审核，事实、依据与公示期符合规定 / demo: facts, basis and period checked"
_LAPSED = "演示：审核时公示期已届满，不再列入 / demo: the period was over by the review; not listed"


@dataclass(frozen=True)
class DemoLists:
    """The demo's lists as the visitor finds them: entries published now, entries whose period
    has run out, and proposals waiting for an operator."""

    published: int
    expired: int
    waiting: int


def _at(day, hour: int) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI)


def weeks_of_decisions(engine: Engine, as_of: date, now: datetime | None = None) -> DemoLists:
    """The list rules as they ran WEEKS before the demo data's day `as_of` (or before today,
    if earlier: a demo run later finds the same proposals waiting), every proposal of that day
    approved by the demo operator on the next working day and published when its notice
    period was over; entries whose period has run out since then expire. Then the rules as of
    now: what they propose from the last weeks' records waits for a real operator.

    Every step is the lists service's own, with its time (the notice period is enforced as
    for anyone), so the entries carry a whole history: proposed, approved, notified,
    published. Run once, on a database whose rules never ran: a second run finds the
    proposals made already and decides nothing more."""
    now = resolve(now)
    policy = load_policy()
    start = _at(min(as_of, local_date(now)) - timedelta(weeks=WEEKS), 9)
    with session_scope(engine) as session:
        proposed = propose_from_events(session, start)
        approve_on = add_working_days(local_date(start), 1, policy.calendar)
        for entry_id in proposed:
            entry = service.get_entry(session, entry_id)
            if entry.publicity_end is not None and entry.publicity_end <= approve_on:
                # Its period ran out before the review: history, not a notice (the service
                # refuses to approve it), so the operator rejects it saying so.
                service.reject(session, entry_id, DEMO_OPERATOR, _LAPSED, _at(approve_on, 10))
            else:
                service.approve(session, entry_id, DEMO_OPERATOR, APPROVAL, _at(approve_on, 10))
        publish_on = add_working_days(approve_on, policy.notice.wait_working_days, policy.calendar)
        for entry_id in proposed:
            entry = service.get_entry(session, entry_id)
            # An entry whose period ends before its publication day stays approved until the
            # expiry below ends it unpublished; one not to be published at all stays approved.
            if entry.state == "approved" and entry.publicity_end is not None:
                if entry.publicity_end > publish_on:
                    service.publish(session, entry.id, DEMO_OPERATOR, _at(publish_on, 10))
        service.expire_due(session, now)
    run_rules(engine, now)
    with session_scope(engine) as session:
        states = dict(
            session.execute(select(ListEntry.state, func.count()).group_by(ListEntry.state)).all()
        )
    return DemoLists(
        published=states.get("published", 0),
        expired=states.get("expired", 0),
        waiting=states.get("proposed", 0),
    )
