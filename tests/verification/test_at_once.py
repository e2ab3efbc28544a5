"""Many creditors verify at the same moment: every one gets a stored record, none waits on polling."""

from __future__ import annotations

import json
import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select

from xinyong.db import one_writer, session_factory
from xinyong.ledger.models import LedgerLeaf


def test_creditors_verifying_at_once_all_get_a_stored_record(demo, client):
    code = demo.member("江苏田湾律师事务所")["credit_code"]

    def ask(_: int):
        return client.post("/api/v1/verifications", json={"code": code})

    with ThreadPoolExecutor(12) as pool:
        answers = list(pool.map(ask, range(24)))
    assert [a.status_code for a in answers] == [201] * 24
    ids = {a.json()["id"] for a in answers}
    assert len(ids) == 24
    # Identical questions over unchanged data may share findings, never a record or digest.
    assert len({a.json()["digest"] for a in answers}) == 24
    assert len({a.json()["created_at"] for a in answers}) == 24
    assert len({str(a.json()["steps"]) for a in answers}) == 1
    for verification_id in ids:
        stored = client.get(f"/api/v1/verifications/{verification_id}").json()
        assert stored["verdict"] == answers[0].json()["verdict"] == "通过"
    # Written by the batch writer, each record with its own leaf on the public ledger.
    assert client.app.state.verification_writer.records == 24
    with session_factory(client.app.state.engine)() as session:
        leaves = session.scalars(select(LedgerLeaf.data).where(LedgerLeaf.kind == "verification"))
        logged = {json.loads(data)["payload"]["verification"] for data in leaves}
    assert ids <= logged


def test_writers_of_one_process_take_turns_on_sqlite_only(session):
    holding, release, second_done = threading.Event(), threading.Event(), threading.Event()

    def first() -> None:
        with one_writer(session):
            holding.set()
            release.wait(10)

    def second() -> None:
        holding.wait(10)
        with one_writer(session):
            second_done.set()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    try:
        assert holding.wait(10)
        if session.get_bind().dialect.name == "sqlite":
            assert not second_done.wait(0.3)  # its turn comes after the first's
        else:
            assert second_done.wait(10)  # PostgreSQL: no turns
    finally:
        release.set()
        for t in threads:
            t.join(10)
    assert second_done.is_set()
