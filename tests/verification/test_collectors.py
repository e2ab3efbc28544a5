"""A verification sees the collectors its people run as the registry has them now: new ones join, renamed ones leave."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import event

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.api.app import create_app
from xinyong.sources.config import SourceConfig
from xinyong.sources.scheduler import run_syncs
from xinyong.verification.collectors import collector_firms
from xinyong.verification.rules import default_rules

FIRM = credit_code(1, prefix="31")
OTHER = credit_code(2)


def _registry(tmp_path, engine, other_name: str, other_scope: str) -> None:
    """The registry's next sync: the checked firm, and another firm of its legal representative."""
    drop = tmp_path / "drop"
    write_enterprises(
        drop / "enterprises.csv",
        [
            enterprise_row(1, 统一社会信用代码=FIRM, 企业名称="连云港市海州区明达律师事务所",
                           企业类型="律师事务所(合伙)", 法定代表人="张三丰",
                           经营范围="业务范围：民事诉讼代理；法律咨询"),
            enterprise_row(2, 统一社会信用代码=OTHER, 企业名称=other_name, 法定代表人="张三丰",
                           经营范围=other_scope),
        ],
    )  # fmt: skip
    config = SourceConfig(name="all", title_zh="全部", title_en="all", transport="files", path=drop)
    [result] = run_syncs(engine, [config])
    assert result.ok, result


def _collector_links(client) -> list[dict]:
    body = client.post("/api/v1/verifications", json={"code": FIRM}).json()
    return [
        r
        for r in body["steps"][2]["reasons"]
        if r["rule_id"] == "records.person_unlawful_collector"
    ]


def _kept_collectors(engine) -> frozenset[str]:
    """What this process holds as the registry's collectors (kept between verifications)."""
    with engine.connect() as conn:
        return collector_firms(conn, default_rules())


def test_the_collector_links_follow_each_registry_sync(tmp_path, engine, client):
    _registry(tmp_path, engine, "连云港市海州区顺达贸易有限公司", "一般项目：日用百货销售")
    assert _collector_links(client) == []

    # The next sync brings the same person's firm renamed as a debt collector.
    _registry(tmp_path, engine, "连云港市海州区顺达讨债服务有限公司", "一般项目：日用百货销售")
    [link] = _collector_links(client)
    assert "顺达讨债服务" in link["message_zh"] and link["subject"]["role"] == "legal_rep"
    assert _kept_collectors(engine) == {OTHER}

    # Renamed again and its scope excludes collection in so many words: no longer a collector.
    _registry(
        tmp_path, engine, "连云港市海州区顺达商务咨询有限公司", "商务信息咨询（不含讨债、追债业务）"
    )
    assert _collector_links(client) == []
    assert _kept_collectors(engine) == set()

    # A collector by its scope alone is found as well.
    _registry(tmp_path, engine, "连云港市海州区顺达商务咨询有限公司", "商务信息咨询；债务追讨")
    [link] = _collector_links(client)
    assert "债务追讨" in link["message_zh"]


def test_a_starting_server_finds_the_collectors_before_its_first_verification(tmp_path, engine):
    _registry(tmp_path, engine, "连云港市海州区顺达讨债服务有限公司", "一般项目：日用百货销售")
    scans: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        if "business_scope LIKE" in statement:
            scans.append(statement)

    with TestClient(create_app(engine)) as client:
        client.app.state.starting["collector_firms"].join(10)
        event.listen(engine, "before_cursor_execute", seen)
        try:
            [link] = _collector_links(client)
        finally:
            event.remove(engine, "before_cursor_execute", seen)
    assert "顺达讨债服务" in link["message_zh"]
    # The scan of names and scopes ran as the server started, not in the visitor's request.
    assert scans == []
