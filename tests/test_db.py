"""Looking a list of keys up: the same rows whatever the list, in one statement text."""

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
    # One text for every length: PostgreSQL prepares it once and stops planning it; SQLite
    # keeps it in its statement cache.
    assert len(set(statements)) == 1
    if engine.dialect.name == "postgresql":
        assert "= ANY (" in statements[0]
    else:
        # …that SQLite answers from the credit-code index, not by reading every enterprise.
        statement, parameters = ran[-1]
        with engine.connect() as conn:
            plan = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters).all()
        assert [row[-1].split()[0] for row in plan if "enterprise" in row[-1]] == ["SEARCH"], plan


def test_a_list_given_with_the_statement_is_the_one_it_looks_up(engine):
    # Statements built alike share one compiled form: each must still look up its own list.
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(n) for n in range(1, 6)])
    codes = [_enterprise(n)["credit_code"] for n in range(1, 6)]

    def names(*ns: int) -> list[str]:
        query = select(_E.c.name).where(
            among(_E.c.credit_code, "codes", [codes[n - 1] for n in ns])
        )
        with engine.connect() as conn:
            return list(conn.execute(query.order_by(_E.c.name)).scalars())

    assert names(1, 2) == ["连云港第1商贸有限公司", "连云港第2商贸有限公司"]
    assert names(4) == ["连云港第4商贸有限公司"]
    assert names() == []


def test_a_key_longer_than_the_column_finds_nothing(engine):
    # A credit code with a character too many is another key, not the code it starts with.
    with engine.begin() as conn:
        conn.execute(insert(_E), [_enterprise(1)])
    code = _enterprise(1)["credit_code"]
    with engine.connect() as conn:
        assert list(conn.execute(_BY_CODES, {"codes": [code + "X"]}).scalars()) == []
        assert list(conn.execute(_BY_CODES, {"codes": [code]}).scalars()) == [
            "连云港第1商贸有限公司"
        ]
