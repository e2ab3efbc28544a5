"""A peer node reads our records back in the official layouts (change feed): every stored value
reads back as itself, amounts included, and a person's ID only in its masked form."""

from __future__ import annotations

from sqlalchemy import select

from tests.support.judicial_files import (
    debtor_row,
    dishonest_row,
    penalty_row,
    person_dishonest_row,
    person_id,
    write_drop,
)
from xinyong.enforcement.importer import ENFORCEMENT_TARGETS
from xinyong.penalties.importer import PENALTY_TARGETS
from xinyong.sources.feed import record_fields
from xinyong.sources.files import import_file
from xinyong.sources.layouts_judicial import (
    ENFORCEMENT_DEBTORS,
    ENFORCEMENT_DISHONEST,
    PENALTY_DECISIONS,
)

DROPS = [
    (
        ENFORCEMENT_DEBTORS,
        ENFORCEMENT_TARGETS,
        [debtor_row(1), debtor_row(2, **{"执行标的（元）": "0.07"})],
    ),
    (ENFORCEMENT_DISHONEST, ENFORCEMENT_TARGETS, [dishonest_row(1), person_dishonest_row(2)]),
    (PENALTY_DECISIONS, PENALTY_TARGETS, [penalty_row(1, 处罚有效期="长期"), penalty_row(2)]),
]


def test_stored_records_read_back_as_themselves_in_the_official_layouts(tmp_path, engine, session):
    written = []
    for layout, targets, rows in DROPS:
        target = targets[layout.name]
        path = write_drop(tmp_path / f"{layout.name}.csv", layout, rows)
        import_file(engine, path, target, source="test")
        for row in session.execute(select(target.table)):
            text = record_fields(target, row)
            written.append(text)
            for fl in layout.fields:
                if fl.key not in row._mapping:
                    assert text[fl.header] == ""  # read on import, deliberately not stored
                    continue
                stored = row._mapping[fl.key]
                again = fl.parse(text[fl.header]) if text[fl.header] else None
                assert again == stored, (layout.name, fl.header, text[fl.header])
    masked = person_id(2)[:4] + "*" * 10 + person_id(2)[-4:]
    assert masked in str(written) and person_id(2) not in str(written)
