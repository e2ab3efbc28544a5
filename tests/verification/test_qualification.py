"""Step 2: an auction house's scope names 拍卖业务 as a 许可项目; without the licence on record it is a warning."""

from __future__ import annotations

from tests.support.judicial_files import register_enterprises
from tests.support.registry_files import credit_code, enterprise_row

AUCTION_SCOPE = (
    "许可项目：拍卖业务（依法须经批准的项目，经相关部门批准后方可开展经营活动）"
    "一般项目：资产评估；信息咨询服务（不含许可类信息咨询服务）"
)


def test_every_demo_auction_house_with_its_licence_passes(demo, client):
    houses = [m for m in demo.manifest["sector"] if m["role"] == "auction"]
    assert len(houses) >= 5
    for house in houses:
        body = client.post("/api/v1/verifications", json={"code": house["credit_code"]}).json()
        assert body["verdict"] == "通过", body["steps"]


def test_a_licensed_scope_item_without_a_licence_on_record_warns(engine, tmp_path, client):
    register_enterprises(
        engine,
        tmp_path / "drop",
        [enterprise_row(1, 企业名称="连云港新开拍卖有限公司", 经营范围=AUCTION_SCOPE)],
    )
    body = client.post(
        "/api/v1/verifications", json={"code": credit_code(1), "service": "auction"}
    ).json()
    assert body["verdict"] == "警示"
    rules = [(r["rule_id"], r["outcome"]) for r in body["steps"][1]["reasons"]]
    assert ("qualification.covered", "info") in rules
    assert ("qualification.licence_missing", "warn") in rules
