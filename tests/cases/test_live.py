"""The live stream reads the database: another process's events arrive, reconnects resume."""

from __future__ import annotations

import queue
from datetime import timedelta
from decimal import Decimal

import httpx

from tests.cases.conftest import CREDITOR, MEDIATOR, MEDIATOR_STAFF, T0
from tests.cases.test_full_case import listen, next_event
from xinyong.cases import service
from xinyong.db import make_engine, session_factory


def _entrusted_case(session, settings):
    case = service.register_debt(
        session, CREDITOR, debtor_name="某公司", amount=Decimal("5000"), basis="货款",
        due_date=T0.date(), now=T0, settings=settings,
    )  # fmt: skip
    service.entrust(session, case.id, CREDITOR, agency_code=MEDIATOR, contract_number="W", now=T0)
    session.commit()
    return case.id


def test_an_event_written_by_another_process_reaches_the_stream(
    directory, parties, live_server, database_url, ledger_settings
):
    base, _ = live_server
    case_id = _entrusted_case(directory, ledger_settings)
    got: queue.Queue = queue.Queue()
    stop = listen(base, case_id, parties.creditor, got)
    assert got.get(timeout=10)[:2] == ("status", 200)
    next_event(got, "entrusted")
    # Another app process: its own engine and session; nothing wakes this server's stream.
    other = make_engine(database_url)
    with session_factory(other)() as s:
        service.move(s, case_id, MEDIATOR_STAFF, "investigating", now=T0 + timedelta(hours=2))
        s.commit()
    other.dispose()
    moved = next_event(got, "state")
    assert moved["data"]["to_state"] == "investigating"
    stop.close()


def test_the_stream_is_for_the_case_parties_only_and_says_why_not(
    directory, parties, live_server, ledger_settings
):
    base, _ = live_server
    case_id = _entrusted_case(directory, ledger_settings)
    url = f"{base}/api/v1/cases/{case_id}/events"
    r = httpx.get(url, timeout=10)
    assert r.status_code == 401 and "须登录或提供接口密钥" in r.json()["detail_zh"]
    assert httpx.get(url, headers=parties.law_firm, timeout=10).status_code == 404
    r = httpx.get(url, headers={**parties.creditor, "Last-Event-ID": "abc"}, timeout=10)
    assert r.status_code == 422 and r.json()["field"] == "Last-Event-ID"
    # The agency and the operators follow the case too; `after` skips what a page already shows.
    for who in (parties.mediator, parties.operator):
        with httpx.stream("GET", f"{url}?after=1", headers=who, timeout=10) as r:
            assert r.status_code == 200
            lines = r.iter_lines()
            assert next(lines) == "retry: 2000"
            assert next(lines) == ""
            first = next(lines)
            assert first.startswith("id: ") and int(first[4:]) > 1
