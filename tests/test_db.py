"""Looking a list of keys up: the same rows whatever the list, and on PostgreSQL one statement."""

from __future__ import annotations

from sqlalchemy import event, insert, select

from xinyong.db import among
from xinyong.registry.models import Enterprise
from xinyong.types import utcnow

_E = Enterprise.__table__
_BY_CODES = select(_E.c.name).where(among(_E.c.credit_code, "codes")).order_by(_E.c.name)


def _enterprise(n: int) -> dict:
    return {
        "credit_code": f"91320700MA{n:07d}X",
        "name": f"连云港第{n}商贸有限公司",
        "status": "存续",
        "source": "test",
        "source_record_id": str(n),
        "fetched_at": utcnow(),
        "as_of": utcnow().date(),
        "known_from": utcnow(),
        "content_hash": str(n),
        "change_seq": n,
    }


def test_a_list_of_codes_finds_exactly_those_enterprises_however_long(engine):
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(n) for n in range(1, 6)])
    statements: list[str] = []
    ran: list[tuple] = []

    def record(conn, cursor, statement, parameters, *args):
        statements.append(statement)
        ran.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    with engine.connect() as conn:

        def names(*ns: int) -> list[str]:
            codes = [_enterprise(n)["credit_code"] for n in ns]
            return list(conn.execute(_BY_CODES, {"codes": codes}).scalars())

        assert names() == []
        assert names(2) == ["连云港第2商贸有限公司"]
        assert names(1, 3, 5, 9) == [f"连云港第{n}商贸有限公司" for n in (1, 3, 5)]
    if engine.dialect.name == "postgresql":
        # One text for every length: psycopg prepares it once and PostgreSQL stops planning it.
        assert len(set(statements)) == 1 and "= ANY (" in statements[0]
    else:
        assert len(set(statements)) == 3  # an expanding IN: one text per length
        # …that SQLite answers from the credit-code index, not by reading every enterprise.
        statement, parameters = ran[-1]
        with engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        assert [row[-1].split()[0] for row in plan if "enterprise" in row[-1]] == ["SEARCH"], plan
