"""Someone browsing the demo sees a believable Lianyungang: statuses, types, places and lists."""

from __future__ import annotations

from collections import Counter

from tests.demo.conftest import DemoSet


def _shares(values: list[str]) -> dict[str, float]:
    counts = Counter(values)
    return {k: v / len(values) for k, v in counts.items()}


def test_most_enterprises_are_active_and_some_revoked_cancelled_or_moved(demo: DemoSet) -> None:
    rows = demo.rows("enterprises.csv")
    shares = _shares([r["登记状态"] for r in rows])
    assert 0.75 < shares["存续"] + shares["在业"] < 0.86
    assert 0.05 < shares["吊销"] < 0.11
    assert 0.07 < shares["注销"] < 0.13
    assert 0.005 < shares["迁出"] < 0.03
    for r in rows:
        if r["登记状态"] in ("存续", "在业"):
            assert r["状态日期"] == "" and r["状态原因"] == ""
        else:
            assert r["成立日期"] < r["状态日期"] <= r["更新日期"] and r["状态原因"]


def test_entity_types_and_code_types_agree(demo: DemoSet) -> None:
    expected = {
        "个体工商户": "92",
        "农民专业合作社": "93",
        "民办非企业单位": "52",
        "社会团体": "51",
    }
    rows = demo.rows("enterprises.csv")
    for r in rows:
        kind = expected.get(r["企业类型"], "31" if r["企业类型"].startswith("律师事务所") else "91")
        assert r["统一社会信用代码"][:2] == kind, r
    shares = _shares([r["企业类型"] for r in rows])
    assert 0.2 < shares["个体工商户"] < 0.4
    assert shares["有限责任公司(自然人投资或控股)"] > 0.25


def test_foreign_investment_is_often_in_us_dollars(demo: DemoSet) -> None:
    foreign = [
        r
        for r in demo.rows("enterprises.csv")
        if "外" in r["企业类型"] or "台港澳" in r["企业类型"]
    ]
    assert foreign and Counter(r["注册资本币种"] for r in foreign)["美元"] > len(foreign) / 3


def test_places_match_their_division(demo: DemoSet) -> None:
    names = {
        "320703": "连云区",
        "320706": ("海州区", "新浦区"),
        "320707": ("赣榆区", "赣榆县"),
        "320722": "东海县",
        "320723": "灌云县",
        "320724": "灌南县",
        "320771": "开发区",
    }
    for r in demo.rows("enterprises.csv"):
        expected = names[r["行政区划代码"]]
        assert any(
            n in r["住所"] for n in ((expected,) if isinstance(expected, str) else expected)
        ), r


def test_about_one_in_twenty_is_on_the_abnormal_list_and_half_get_off_it(demo: DemoSet) -> None:
    rows = demo.rows("enterprises.csv")
    established = {r["统一社会信用代码"]: r["成立日期"] for r in rows}
    entries = demo.rows("abnormal.csv")
    listed = {e["统一社会信用代码"] for e in entries}
    assert 0.03 < len(listed) / len(rows) < 0.08
    removed = [e for e in entries if e["移出日期"]]
    assert 0.3 < len(removed) / len(entries) < 0.7
    for e in entries:
        assert e["列入日期"] > established[e["统一社会信用代码"]]
        assert e["列入经营异常名录原因"] and e["作出决定机关（列入）"].endswith("局")
        if e["移出日期"]:
            assert e["移出日期"] > e["列入日期"] and e["移出经营异常名录原因"]


def test_licences_belong_to_the_trades_that_need_them(demo: DemoSet) -> None:
    industry = {r["统一社会信用代码"]: r["所属行业"] for r in demo.rows("enterprises.csv")}
    by_title = Counter()
    for lic in demo.rows("licences.csv"):
        by_title[lic["许可文件名称"]] += 1
        if lic["许可文件名称"] == "道路运输经营许可证":
            assert industry[lic["统一社会信用代码"]] == "交通运输、仓储和邮政业"
        if lic["有效期至"]:
            assert lic["有效期自"] < lic["有效期至"]
        if lic["状态"] == "有效" and lic["有效期至"]:
            assert lic["有效期至"] >= lic["更新日期"]
    assert by_title["食品经营许可证"] > by_title["危险化学品经营许可证"] > 0


def test_the_same_people_turn_up_in_several_enterprises(demo: DemoSet) -> None:
    names = Counter(r["法定代表人"] for r in demo.rows("enterprises.csv"))
    holders = Counter(
        h["股东名称"] for h in demo.rows("shareholders.csv") if h["股东类型"] == "自然人股东"
    )
    assert sum(1 for n in names.values() if n > 1) > 100
    assert max(holders.values()) >= 3


def test_lianyungang_industries_cluster_where_they_really_are(demo: DemoSet) -> None:
    rows = demo.rows("enterprises.csv")
    crystal = [r for r in rows if "水晶" in r["企业名称"]]
    chemicals = [r for r in rows if "化工" in r["企业名称"] and r["所属行业"] == "制造业"]
    assert crystal and sum(r["行政区划代码"] == "320722" for r in crystal) > len(crystal) / 2
    assert (
        chemicals
        and sum(r["行政区划代码"] in ("320723", "320724") for r in chemicals) > len(chemicals) / 3
    )
