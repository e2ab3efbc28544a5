"""Penalty look-ups for an enterprise profile: its 行政处罚 records, current and closed."""

from __future__ import annotations

from sqlalchemy.orm import Session

from xinyong.enforcement.service import histories, linked_rows, public_fields
from xinyong.money import fen_to_yuan
from xinyong.penalties.models import Penalty
from xinyong.penalties.schemas import PenaltyOut
from xinyong.sources.layouts_judicial import PERSON


def records_for(session: Session, credit_code: str) -> list[PenaltyOut]:
    """Penalties linked to the enterprise, newest decision first, with provenance and history.

    A natural person's ID number is not published under 双公示, so it is not shown even
    masked; the party's code shown is its credit code, else a legacy code.
    """
    table = Penalty.__table__
    rows = linked_rows(session, table, credit_code, "decided_on")
    history = histories(session, table, rows)
    result = []
    for r in rows:
        code = None
        if r["party_kind"] != PERSON:
            code = r["party_credit_code"] or r["party_reg_no"] or r["party_org_code"]
        fields = public_fields(dict(r, party_id=code), history[r["id"]])
        result.append(
            PenaltyOut(
                **fields,
                fine_yuan=fen_to_yuan(r["fine_fen"]),
                confiscated_yuan=fen_to_yuan(r["confiscated_fen"]),
            )
        )
    return result
