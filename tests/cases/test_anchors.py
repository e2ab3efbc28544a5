"""Verifications and list decisions land in the ledger as they are stored, in the same transaction."""

from __future__ import annotations

import json

import pytest
from sqlalchemy import select

from tests.lists.story import OPERATOR, at, proposal
from xinyong.ledger import anchors
from xinyong.ledger.models import LedgerLeaf
from xinyong.lists import service as lists
from xinyong.verification.schemas import VerificationRequest
from xinyong.verification.service import verify


@pytest.fixture
def anchored():
    """Anchoring on, as `wiring.connect()` leaves it; off again after unless it was on before."""
    was = anchors.installed()
    anchors.install()
    yield
    if not was:
        anchors.uninstall()


def _leaves(session, kind):
    rows = session.scalars(select(LedgerLeaf).where(LedgerLeaf.kind == kind).order_by("leaf_index"))
    return [json.loads(r.data)["payload"] for r in rows]


def test_a_stored_verification_is_a_leaf_committing_to_its_digest(session, anchored):
    out = verify(session, VerificationRequest(code="91320700MA1XY0001A"), now=at(2026, 3, 2))
    session.commit()
    (leaf,) = _leaves(session, "verification")
    assert leaf["verification"] == out.id and leaf["digest"] == out.digest
    assert leaf["verdict"] == out.verdict


def test_list_decisions_are_leaves_but_filings_and_notices_are_not(session, anchored):
    entry = lists.propose(session, proposal(1), OPERATOR, at(2026, 5, 6))
    session.commit()
    assert _leaves(session, "list_decision") == []
    lists.approve(session, entry.id, OPERATOR, "材料齐全", at(2026, 5, 7))
    session.commit()
    (leaf,) = _leaves(session, "list_decision")
    assert (leaf["action"], leaf["from_state"], leaf["to_state"]) == (
        "approved",
        "proposed",
        "approved",
    )
    assert leaf["list_type"] == "black" and leaf["decided_by"] == OPERATOR
    assert "测试" not in json.dumps(leaf, ensure_ascii=False)  # no names, the reason by its hash


def test_a_rolled_back_decision_leaves_no_leaf(session, anchored):
    entry = lists.propose(session, proposal(2), OPERATOR, at(2026, 5, 6))
    session.commit()
    lists.approve(session, entry.id, OPERATOR, None, at(2026, 5, 7))
    session.rollback()
    assert _leaves(session, "list_decision") == []
