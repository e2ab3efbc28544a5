"""A batch of verification records is stored with its ledger leaves all at once, or not at all."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.exc import IntegrityError

from tests.ledger.test_merkle import naive_root
from xinyong import wiring
from xinyong.db import session_factory
from xinyong.ledger import service as ledger
from xinyong.ledger.models import LedgerLeaf
from xinyong.verification.models import Verification
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import prepare_verification, record_verifications


def _answers(engine, demo, count: int) -> list:
    wiring.connect()  # the ledger anchors each record, as in the server
    code = demo.member("江苏田湾律师事务所")["credit_code"]
    with session_factory(engine)() as session:
        request = VerificationRequest(code=code)
        return [(request, prepare_verification(session, request)[0]) for _ in range(count)]


def _stored(engine) -> tuple[set[str], list[bytes]]:
    with session_factory(engine)() as session:
        ids = set(session.scalars(select(Verification.id)))
        leaves = list(session.scalars(select(LedgerLeaf.data).order_by(LedgerLeaf.leaf_index)))
    return ids, leaves


def test_a_batch_is_stored_with_its_leaves(engine, demo):
    answers = _answers(engine, demo, 5)
    sent: list[tuple[str, bool | None]] = []

    def seen(conn, _cursor, statement, *_):
        driver = conn.connection.driver_connection
        sent.append((" ".join(statement.split()), getattr(driver, "autocommit", None)))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        with session_factory(engine)() as session:
            record_verifications(session, answers)
    finally:
        event.remove(engine, "before_cursor_execute", seen)

    ids, leaves = _stored(engine)
    assert ids == {out.id for _, out in answers}
    logged = [json.loads(data)["payload"]["verification"] for data in leaves]
    assert logged == [out.id for _, out in answers]
    with session_factory(engine)() as session:
        assert ledger.root_hash(session, 5) == naive_root(leaves)
    if engine.dialect.name == "postgresql":
        # One statement, in autocommit: the rows' insert carried by the ledger's append, so
        # the size row's lock is let go inside the database (decision 0045).
        assert len(sent) == 1
        statement, autocommit = sent[0]
        assert "INSERT INTO verification" in statement and "ledger_append(" in statement
        assert autocommit is True


def test_a_batch_that_fails_stores_nothing_and_takes_no_leaf(engine, demo):
    first = _answers(engine, demo, 2)
    with session_factory(engine)() as session:
        record_verifications(session, first)
    # A record already stored, again in a later batch: the whole batch is refused.
    again = _answers(engine, demo, 2) + [first[0]]
    with session_factory(engine)() as session, pytest.raises(IntegrityError):
        record_verifications(session, again)
    ids, leaves = _stored(engine)
    assert ids == {out.id for _, out in first}
    assert len(leaves) == 2
    with session_factory(engine)() as session:
        assert ledger.tree_size(session) == 2
        assert session.scalar(select(func.count()).select_from(Verification)) == 2
