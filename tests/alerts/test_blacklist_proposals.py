"""An operator's daily registry sync: two collectors revoked for violent collection are proposed
for the blacklist, with evidence; a revocation for a missed inspection is not; nothing twice."""

from __future__ import annotations

from sqlalchemy import select

from tests.alerts.drive import (
    NO_INSPECTION,
    VIOLENT,
    alerts,
    collector,
    revoked,
    sync_enterprises,
)
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.alerts.engine import make_hook
from xinyong.alerts.models import Alert
from xinyong.alerts.rules import load_rules
from xinyong.sources.ingest import Change

XINCHENG = "连云港市海州区鑫诚商务信息咨询有限公司"
HENGXIN = "连云港市连云区恒信企业管理咨询有限公司"


def _registry() -> list[dict[str, str]]:
    return [collector(1, XINCHENG), collector(2, HENGXIN), enterprise_row(3)]


def test_two_collectors_revoked_for_violent_collection_are_proposed_for_the_blacklist(
    tmp_path, engine, session
):
    rules = load_rules()
    first = sync_enterprises(engine, tmp_path / "day1", _registry(), rules)
    assert first.inserted == 3
    assert alerts(session) == []  # active consultancies that exclude 讨债 are not red flags

    one, two, other = _registry()
    day2 = [revoked(one, VIOLENT), revoked(two, VIOLENT), revoked(other, NO_INSPECTION)]
    assert sync_enterprises(engine, tmp_path / "day2", day2, rules).updated == 3

    raised = alerts(session)
    assert [(a.rule_id, a.kind, a.severity) for a in raised] == [
        ("revoked-violent-collection", "propose_blacklist", "high")
    ] * 2
    assert {a.credit_code for a in raised} == {credit_code(1), credit_code(2)}
    by_code = {a.credit_code: a for a in raised}
    xincheng = by_code[credit_code(1)]
    assert xincheng.message_zh.startswith(
        f"建议列入严重失信主体名单（黑名单）：{XINCHENG}（{credit_code(1)}）"
    )
    assert "因暴力催收被吊销营业执照" in xincheng.message_zh and VIOLENT in xincheng.message_zh
    assert "blacklist" in xincheng.message_en and credit_code(1) in xincheng.message_en
    assert xincheng.evidence["op"] == "update"
    assert xincheng.evidence["changes"]["status"] == {"old": "存续", "new": "吊销"}
    assert xincheng.evidence["changes"]["status_reason"] == {"old": None, "new": VIOLENT}
    assert (xincheng.status, xincheng.layout, xincheng.source) == (
        "open",
        "registry.enterprises",
        "gsxt",
    )
    assert xincheng.created_at.tzinfo is not None

    # The same drop again: nothing changed upstream, so nothing new is raised.
    again = sync_enterprises(engine, tmp_path / "day2-again", day2, rules)
    assert (again.updated, again.unchanged) == (0, 3)
    assert len(alerts(session)) == 2


def test_the_same_facts_arriving_again_do_not_alert_twice(tmp_path, engine, session):
    """Reinstated, then revoked again for the same reason; or a batch replayed: still one alert."""
    rules = load_rules()
    row = collector(1, XINCHENG)
    sync_enterprises(engine, tmp_path / "a", [row], rules)
    sync_enterprises(engine, tmp_path / "b", [revoked(row, VIOLENT)], rules)
    sync_enterprises(engine, tmp_path / "c", [row], rules)  # 撤销吊销: reinstated
    sync_enterprises(engine, tmp_path / "d", [revoked(row, VIOLENT)], rules)
    assert len(alerts(session, "revoked-violent-collection")) == 1

    [alert] = alerts(session)
    new = {"credit_code": credit_code(1), "name": XINCHENG}
    replay = Change(
        "update", "registry.enterprises", "gsxt", credit_code(1),
        {**new, "status": "存续", "status_reason": None},
        {**new, "status": "吊销", "status_reason": VIOLENT},
    )  # fmt: skip
    with engine.begin() as conn:
        make_hook(rules)(conn, [replay, replay])
    assert session.scalar(select(Alert.id).where(Alert.id != alert.id)) is None

    # A different reason is a different fact: a second proposal, for the operator to weigh.
    sync_enterprises(engine, tmp_path / "e", [row], rules)
    sync_enterprises(engine, tmp_path / "f", [revoked(row, "以恐吓方式讨要债务")], rules)
    assert len(alerts(session, "revoked-violent-collection")) == 2


def test_an_enterprise_first_seen_already_revoked_for_violence_is_proposed_too(
    tmp_path, engine, session
):
    rules = load_rules()
    sync_enterprises(engine, tmp_path, [revoked(collector(7, HENGXIN), VIOLENT)], rules)
    [alert] = alerts(session)
    assert (alert.kind, alert.credit_code, alert.evidence["op"]) == (
        "propose_blacklist",
        credit_code(7),
        "insert",
    )
    assert alert.evidence["changes"]["name"] == {"old": None, "new": HENGXIN}
