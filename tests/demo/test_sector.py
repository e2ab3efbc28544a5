"""A creditor looks for a debt-service agency: lawful ones, suspicious consultants and banned collectors."""

from __future__ import annotations

from pathlib import Path

from tests.demo.conftest import DemoSet, read_rows
from xinyong.demo import SECTOR_SIZE, describe_sector, generate
from xinyong.demo.sector import VIOLENT_REVOCATION


def _by_role(sector: list[dict]) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for member in sector:
        out.setdefault(member["role"], []).append(member)
    return out


def test_the_sector_heads_the_file_with_37_lawful_agencies(demo: DemoSet) -> None:
    sector = describe_sector(demo.out)
    assert len(sector) == SECTOR_SIZE
    first_rows = read_rows(demo.out / "enterprises.csv")[:SECTOR_SIZE]
    assert [r["统一社会信用代码"] for r in first_rows] == [m["credit_code"] for m in sector]
    roles = _by_role(sector)
    lawful = sum(len(roles[r]) for r in ("law_firm", "mediation", "auction", "account_management"))
    assert lawful == 37
    assert len(roles["consulting"]) == 30
    assert len(roles["unlawful_collector"]) >= 3


def test_lawful_agencies_carry_the_right_code_type_scope_and_licence(demo: DemoSet) -> None:
    rows = {r["统一社会信用代码"]: r for r in demo.rows("enterprises.csv")}
    licences: dict[str, set[str]] = {}
    for lic in demo.rows("licences.csv"):
        licences.setdefault(lic["统一社会信用代码"], set()).add(lic["许可文件名称"])
    roles = _by_role(describe_sector(demo.out))
    for firm in roles["law_firm"]:
        row = rows[firm["credit_code"]]
        assert firm["credit_code"][:2] == "31" and "法律事务代理" in row["经营范围"]
        assert "律师事务所执业许可证" in licences[firm["credit_code"]]
        assert row["登记状态"] == "存续"
    assert "江苏田湾律师事务所" in {f["name"] for f in roles["law_firm"]}
    for body in roles["mediation"]:
        assert (
            body["credit_code"][:2] in ("51", "52")
            and "调解" in rows[body["credit_code"]]["经营范围"]
        )
    for house in roles["auction"]:
        assert "拍卖业务" in rows[house["credit_code"]]["经营范围"]
        assert "拍卖经营批准证书" in licences[house["credit_code"]]
    for firm in roles["account_management"]:
        assert (
            firm["credit_code"][:2] == "91" and "商账管理" in rows[firm["credit_code"]]["经营范围"]
        )


def test_unlawful_collectors_say_so_and_exactly_two_were_revoked_for_violence(
    demo: DemoSet,
) -> None:
    rows = {r["统一社会信用代码"]: r for r in demo.rows("enterprises.csv")}
    collectors = _by_role(describe_sector(demo.out))["unlawful_collector"]
    for c in collectors:
        text = c["name"] + rows[c["credit_code"]]["经营范围"]
        assert any(word in text for word in ("讨债", "追债", "要账")), c
    revoked = [
        rows[c["credit_code"]] for c in collectors if rows[c["credit_code"]]["登记状态"] == "吊销"
    ]
    assert len(revoked) == 2
    assert all(
        r["状态原因"] == VIOLENT_REVOCATION and r["状态日期"].startswith("2025-03") for r in revoked
    )
    assert {"连云港金鼎盛国际要账有限公司", "连云港德律讨债服务有限公司"} <= {
        c["name"] for c in collectors
    }


def test_people_behind_revoked_collectors_now_run_consulting_firms(demo: DemoSet) -> None:
    rows = {r["统一社会信用代码"]: r for r in demo.rows("enterprises.csv")}
    people: dict[str, set[str]] = {}
    for h in demo.rows("shareholders.csv"):
        people.setdefault(h["统一社会信用代码"], set()).add(h["股东名称"])
    successors = [m for m in describe_sector(demo.out) if m.get("successor_of")]
    assert len(successors) == 2
    for firm in successors:
        old, new = rows[firm["successor_of"]], rows[firm["credit_code"]]
        assert firm["role"] == "consulting" and old["登记状态"] == "吊销"
        assert new["成立日期"] > old["状态日期"]
        assert new["法定代表人"] in people[old["统一社会信用代码"]] | {old["法定代表人"]}
        assert not any(word in new["经营范围"] for word in ("讨债", "追债", "要账"))


def test_ordinary_enterprises_never_look_like_debt_collectors(demo: DemoSet) -> None:
    sector = {m["credit_code"] for m in describe_sector(demo.out)}
    for row in demo.rows("enterprises.csv"):
        if row["统一社会信用代码"] not in sector:
            text = row["企业名称"] + row["经营范围"]
            assert not any(w in text for w in ("讨债", "追债", "要账", "商账", "律师", "拍卖")), row


def test_the_sector_is_the_same_whatever_the_size(tmp_path: Path, demo: DemoSet) -> None:
    small = generate(tmp_path, enterprises=100, seed=7)
    assert small["sector"] == demo.manifest["sector"]
    assert small["files"]["enterprises.csv"] == 100
