"""A creditor checks a new "consulting" firm and finds its owner ran a collector revoked for violence."""

import pytest
from sqlalchemy import event
from sqlalchemy.orm import Session

from tests.support.judicial_files import dishonest_row, write_drop
from tests.support.registry_files import credit_code, enterprise_row, write_csv, write_enterprises
from xinyong.profile.related import related_enterprises
from xinyong.profile.service import enterprise_profile
from xinyong.sources.config import SourceConfig
from xinyong.sources.layouts import REGISTRY_SHAREHOLDERS
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST
from xinyong.sources.scheduler import run_syncs

CONSULTING = credit_code(1)  # the new firm, clean on its own
COLLECTOR = credit_code(2)  # revoked for violent collection; its owner now runs CONSULTING
PARTNER = credit_code(3)  # a co-owner of the collector: two links from CONSULTING
SUBSIDIARY = credit_code(4)  # owned by CONSULTING
STRANGER = credit_code(5)  # no link at all
COMMON = 20  # enterprises 100..119 share a very common legal representative's name
VIOLENCE = "以暴力、威胁等非法手段催收债务，被依法吊销营业执照"


def _shareholder(n: int, code: str, name: str, kind: str = "自然人股东", id_number: str = ""):
    return {
        "记录编号": f"{code}-GD{n:02d}",
        "统一社会信用代码": code,
        "股东名称": name,
        "股东类型": kind,
        "证照类型": "统一社会信用代码" if id_number else "",
        "证照号码": id_number,
        "认缴出资额（万元）": "50",
        "出资比例": "50",
        "认缴出资日期": "2030-12-31",
        "更新日期": "2026-11-01",
    }


def _load(tmp_path, engine):
    drop = tmp_path / "drop"
    rows = [
        enterprise_row(1, **{"企业名称": "连云港德信企业管理咨询有限公司", "法定代表人": "刘娟英"}),
        enterprise_row(
            2,
            **{
                "企业名称": "连云港德律讨债服务有限公司",
                "法定代表人": "刘娟英",
                "登记状态": "吊销",
                "状态日期": "2025-03-12",
                "状态原因": VIOLENCE,
            },
        ),
        enterprise_row(3, **{"企业名称": "连云港合力商贸有限公司", "法定代表人": "侯珍雯"}),
        enterprise_row(4, **{"企业名称": "连云港德信物流有限公司", "法定代表人": "韩婷"}),
        enterprise_row(5, **{"企业名称": "连云港无关科技有限公司", "法定代表人": "钱多多"}),
    ]
    rows += [enterprise_row(100 + i, **{"法定代表人": "王伟"}) for i in range(COMMON)]
    write_enterprises(drop / "enterprises.csv", rows)
    shareholders = [
        _shareholder(1, CONSULTING, "刘娟英"),
        _shareholder(2, CONSULTING, "王伟"),
        _shareholder(1, COLLECTOR, "刘娟英"),
        _shareholder(2, COLLECTOR, "侯珍雯"),
        _shareholder(1, PARTNER, "侯珍雯"),
        _shareholder(1, SUBSIDIARY, "连云港德信企业管理咨询有限公司", "企业法人", CONSULTING),
    ]
    write_csv(drop / "shareholders.csv", REGISTRY_SHAREHOLDERS, shareholders)
    write_drop(drop / "dishonest.csv", ENFORCEMENT_DISHONEST, [dishonest_row(2)])
    cfg = SourceConfig(name="all", title_zh="全部", title_en="all", transport="files", path=drop)
    [result] = run_syncs(engine, [cfg])
    assert result.ok, result


def test_the_owner_of_a_revoked_collector_shows_behind_a_new_consulting_firm(
    tmp_path, engine, client
):
    _load(tmp_path, engine)
    body = client.get(f"/api/v1/enterprises/{CONSULTING}/related").json()
    found = {i["credit_code"]: i for i in body["items"]}

    collector = found[COLLECTOR]
    assert collector["hops"] == 1 and collector["status"] == "吊销"
    assert collector["status_reason"] == VIOLENCE
    assert collector["records"]["dishonest"] == 1
    [link] = collector["via"]
    assert link["person"] == "刘娟英" and link["role_related"] == "法定代表人、股东"
    # The gravest direct link is listed first.
    assert body["items"][0]["credit_code"] == COLLECTOR

    assert found[PARTNER]["hops"] == 2
    assert found[PARTNER]["via"][0]["through_code"] == COLLECTOR
    assert found[SUBSIDIARY]["hops"] == 1
    assert found[SUBSIDIARY]["via"][0]["kind"] == "ownership"
    assert STRANGER not in found

    # 王伟 heads twenty other firms: a name that common is named, not followed.
    assert body["common_names"] == [{"name": "王伟", "enterprises": COMMON}]
    assert not any(credit_code(100 + i) in found for i in range(COMMON))


def test_the_profile_and_its_page_carry_the_related_section(tmp_path, engine, client):
    _load(tmp_path, engine)
    profile = client.get(f"/api/v1/enterprises/{CONSULTING}").json()
    assert COLLECTOR in [i["credit_code"] for i in profile["related"]["items"]]
    one_hop = client.get(f"/api/v1/enterprises/{CONSULTING}/related?hops=1").json()
    assert PARTNER not in [i["credit_code"] for i in one_hop["items"]]

    page = client.get(f"/e/{CONSULTING}").text
    assert "周边风险" in page and "连云港德律讨债服务有限公司" in page and VIOLENCE in page


def test_the_walk_asks_the_database_a_few_times_however_far_it_goes(tmp_path, engine):
    """On PostgreSQL each statement is a round trip; a profile at a million enterprises used to
    cost 32 of them, the walk 21, then 11 (bench/RESULTS.md, load). On SQLite each is a wait
    for the GIL beside a busy event loop: statements asked together are one."""
    _load(tmp_path, engine)
    statements: list[str] = []

    def count(conn, cursor, statement, *args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", count)
    try:
        with Session(engine) as session:
            walk = related_enterprises(session, CONSULTING)
            # The enterprise, then per hop: its people and shareholdings; the people's names
            # counted; the uncommon ones' other roles; the enterprises reached. Then everyone's
            # record counts. SQLite is asked for the enterprises reached together with the next
            # hop's people and shareholdings, or with the record counts after the last hop.
            together = engine.dialect.name == "sqlite"
            assert len(statements) == (1 + 1 + 2 * 3 if together else 1 + 2 * 4 + 1)
            assert PARTNER in [i.credit_code for i in walk.items]
            statements.clear()
            enterprise_profile(session, CONSULTING)
    finally:
        event.remove(engine, "before_cursor_execute", count)
    # The profile hands the enterprise it read to the walk rather than having it read again.
    whole_record = "SELECT enterprise.id, enterprise.credit_code, enterprise.reg_no"
    assert sum(s.startswith(whole_record) for s in statements) == 1


def test_where_a_person_holds_roles_is_read_from_the_indexes_alone(tmp_path, engine):
    """The walk asks, for every name it follows, where that person is legal representative and
    where a natural-person shareholder now. At a million enterprises each match read from the
    table was a page seldom in SQLite's cache (bench/RESULTS.md, load): the indexes hold all
    the walk reads of a match."""
    if engine.dialect.name != "sqlite":
        pytest.skip("PostgreSQL's index-only scans depend on its visibility map, not the index")
    _load(tmp_path, engine)
    ran: list[tuple[str, object]] = []

    def record(conn, cursor, statement, parameters, *args):
        ran.append((statement, parameters))

    event.listen(engine, "before_cursor_execute", record)
    try:
        with Session(engine) as session:
            related_enterprises(session, CONSULTING)
    finally:
        event.remove(engine, "before_cursor_execute", record)
    roles = [(s, p) for s, p in ran if "'legal_rep' AS tag" in s]
    assert roles, "the walk asked where its people hold roles"
    with engine.connect() as conn:
        for statement, parameters in roles:
            plan = [
                r[-1] for r in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + statement, parameters)
            ]
            reads = [step for step in plan if step.startswith(("SEARCH", "SCAN"))]
            reads = [
                step for step in reads if " enterprise " in f"{step} " or "shareholder" in step
            ]
            assert len(reads) == 2 and all("USING COVERING INDEX" in s for s in reads), plan
