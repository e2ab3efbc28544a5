"""A creditor must never be sent to a 讨债公司: an active enterprise whose name or scope says
讨债/追债/要账 is flagged as a possible unlawful collector — once, until its name or scope changes."""

from __future__ import annotations

from tests.alerts.drive import alerts, sync_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.alerts.rules import load_rules

COLLECTOR = "连云港市海州区速达讨债服务有限公司"


def test_an_unlawful_collector_name_is_a_red_flag(tmp_path, engine, session):
    rules = load_rules()
    rows = [
        enterprise_row(1, 企业名称=COLLECTOR),
        enterprise_row(2, 经营范围="债务咨询；追债、要账服务"),
        enterprise_row(3, 经营范围="商务信息咨询（不含讨债、追债、要账业务）"),
        enterprise_row(4, 企业名称="连云港市海州区老追债商贸有限公司", 登记状态="注销"),
    ]
    sync_enterprises(engine, tmp_path / "day1", rows, rules)

    flagged = alerts(session, "unlawful-collector-name")
    assert {a.credit_code for a in flagged} == {credit_code(1), credit_code(2)}
    assert all((a.kind, a.severity) == ("warning", "high") for a in flagged)
    by_code = {a.credit_code: a for a in flagged}
    assert by_code[credit_code(1)].message_zh.startswith(f"疑似非法讨债机构：{COLLECTOR}")
    assert "banned in China" in by_code[credit_code(1)].message_en

    # It moves house: the same red flag, not a new one. It renames itself: a new one.
    moved = dict(rows[0], 住所="江苏省连云港市海州区新浦路8号")
    sync_enterprises(engine, tmp_path / "day2", [moved], rules)
    assert len(alerts(session, "unlawful-collector-name")) == 2
    renamed = dict(moved, 企业名称="连云港市海州区速达追债服务有限公司")
    sync_enterprises(engine, tmp_path / "day3", [renamed], rules)
    latest = alerts(session, "unlawful-collector-name")[-1]
    assert len(alerts(session, "unlawful-collector-name")) == 3
    assert latest.evidence["changes"]["name"] == {"old": COLLECTOR, "new": renamed["企业名称"]}
