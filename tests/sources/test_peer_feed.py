"""Two city nodes on loopback: B follows A's change feed (省级信用信息共享) and never echoes it back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.support.node_process import running_node
from tests.support.registry_files import credit_code, enterprise_row, write_csv, write_enterprises
from xinyong.db import make_engine, upgrade
from xinyong.registry.models import Enterprise, Shareholder
from xinyong.sources.config import SourceConfig
from xinyong.sources.feed import changes_since
from xinyong.sources.ingest import Ended, Ingest
from xinyong.sources.layouts import REGISTRY_SHAREHOLDERS
from xinyong.sources.scheduler import run_syncs
from xinyong.sources.targets import all_targets


def _files(folder) -> SourceConfig:
    return SourceConfig(
        name="gsxt", title_zh="登记", title_en="registry", transport="files", path=folder
    )


def _peer(url: str) -> SourceConfig:
    return SourceConfig(
        name="node-a",
        title_zh="甲市节点",
        title_en="node A",
        transport="peer",
        url=url,
        page_size=2,
    )


def test_node_b_follows_node_a_updates_and_removals(tmp_path, engine, session):
    a_url = f"sqlite:///{tmp_path / 'a.db'}"
    upgrade(a_url)
    a = make_engine(a_url)
    drop = tmp_path / "a-drop"
    code = credit_code(1)
    write_enterprises(drop / "enterprises.csv", [enterprise_row(n) for n in (1, 2, 3)])
    write_csv(drop / "shareholders.csv", REGISTRY_SHAREHOLDERS, [
        {"记录编号": "S1", "统一社会信用代码": code, "股东名称": "王建国", "股东类型": "自然人股东", "出资比例": "100"},
    ])  # fmt: skip
    run_syncs(a, [_files(drop)])

    with running_node(a_url) as a_base:
        [first] = run_syncs(engine, [_peer(a_base)])
        assert first.ok
        ents = session.scalars(select(Enterprise).order_by(Enterprise.name)).all()
        assert [e.source for e in ents] == ["peer:node-a"] * 3
        assert (
            ents[0].registered_capital_fen == 100_000_000
            and str(ents[0].established_on) == "2018-05-20"
        )

        # A day later on node A: one revocation, one new company, one shareholder removed.
        revoked = enterprise_row(
            2, 登记状态="吊销", 状态日期="2026-11-20", 状态原因="以暴力手段催收债务"
        )
        write_enterprises(
            drop / "enterprises.csv",
            [enterprise_row(1), revoked, enterprise_row(3), enterprise_row(4)],
        )
        run_syncs(a, [_files(drop)])
        ingest = Ingest(
            a, all_targets()[REGISTRY_SHAREHOLDERS.name], source="gsxt", location="removal"
        )
        ingest.begin(REGISTRY_SHAREHOLDERS.headers)
        ingest.add(
            2,
            ["S1"] + [""] * (len(REGISTRY_SHAREHOLDERS.headers) - 1),
            Ended(date(2026, 11, 21), "退出"),
        )
        ingest.end()

        [second] = run_syncs(engine, [_peer(a_base)])
        counts = {r.layout: r.counts for r in second.runs}
        assert counts["registry.enterprises"].rows_read == 2  # resumed from the cursor
        assert (
            counts["registry.enterprises"].inserted,
            counts["registry.enterprises"].updated,
        ) == (1, 1)
        assert counts["registry.shareholders"].closed == 1

    session.expire_all()
    assert (
        session.scalars(
            select(Enterprise.status).where(Enterprise.credit_code == credit_code(2))
        ).one()
        == "吊销"
    )
    assert session.scalars(select(Shareholder.ended_on)).one() == date(2026, 11, 21)
    with engine.connect() as conn:
        assert changes_since(conn, 0)["changes"] == []  # B does not republish what it got from A
    a.dispose()
