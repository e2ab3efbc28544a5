"""Step 3 also checks the people behind an agency: its legal representative and natural-person shareholders."""

from __future__ import annotations

from sqlalchemy import event

from tests.support.judicial_files import (
    debtor_row,
    penalty_row,
    person_dishonest_row,
    person_id,
    write_drop,
)
from tests.support.registry_files import credit_code, enterprise_row, write_csv, write_enterprises
from xinyong.sources.config import SourceConfig
from xinyong.sources.layouts import REGISTRY_SHAREHOLDERS
from xinyong.sources.layouts_judicial import (
    ENFORCEMENT_DEBTORS,
    ENFORCEMENT_DISHONEST,
    PENALTY_DECISIONS,
)
from xinyong.sources.scheduler import run_syncs

FIRM = credit_code(1, prefix="31")


def _holder(n: int, name: str, id_number: str) -> dict[str, str]:
    return {
        "记录编号": f"S{n}", "统一社会信用代码": FIRM, "股东名称": name, "股东类型": "自然人股东",
        "证照类型": "居民身份证", "证照号码": id_number, "认缴出资额（万元）": "10",
    }  # fmt: skip


def _load(tmp_path, engine, *, judicial: bool = True) -> None:
    drop = tmp_path / "drop"
    write_enterprises(
        drop / "enterprises.csv",
        [
            enterprise_row(
                1,
                统一社会信用代码=FIRM,
                企业名称="江苏测试律师事务所",
                企业类型="律师事务所(合伙)",
                法定代表人="李四明",
                经营范围="业务范围：民事诉讼代理；法律事务代理；法律咨询",
            )
        ],
    )
    write_csv(
        drop / "shareholders.csv",
        REGISTRY_SHAREHOLDERS,
        [
            _holder(1, "李四明", person_id(10)),
            _holder(2, "王建国", person_id(11)),
            _holder(3, "赵敏", person_id(12)),
        ],
    )
    if judicial:
        write_drop(
            drop / "dishonest.csv",
            ENFORCEMENT_DISHONEST,
            [
                # The shareholder 王建国, by name and ID number.
                person_dishonest_row(1, "王建国", person_id(11)),
                # Another 赵敏: same name, another ID number; not our shareholder.
                person_dishonest_row(2, "赵敏", person_id(99)),
            ],
        )
        write_drop(
            drop / "debtors.csv",
            ENFORCEMENT_DEBTORS,
            [
                # A case against a 李四明 whose ID the court did not publish: a name match only.
                debtor_row(3, **{"被执行人姓名/名称": "李四明", "身份证号码/组织机构代码": ""}),
                # A closed case of 王建国 is history, not a finding.
                debtor_row(4, **{"被执行人姓名/名称": "王建国", "身份证号码/组织机构代码": person_id(11),
                                 "案件状态": "已结案", "结案日期": "2026-05-01"}),
            ],
        )  # fmt: skip
        write_drop(
            drop / "penalties.csv",
            PENALTY_DECISIONS,
            [
                penalty_row(
                    5,
                    **{
                        "行政相对人名称": "赵敏",
                        "行政相对人类别": "自然人",
                        "统一社会信用代码": "",
                        "法定代表人": "",
                        "证件类型": "身份证",
                        "证件号码": person_id(12),
                    },
                )
            ],
        )
    config = SourceConfig(name="all", title_zh="全部", title_en="all", transport="files", path=drop)
    [result] = run_syncs(engine, [config])
    assert result.ok, result


def test_a_shareholders_dishonesty_fails_and_a_namesake_of_the_legal_rep_warns(
    tmp_path, engine, client
):
    _load(tmp_path, engine)
    response = client.post("/api/v1/verifications", json={"code": FIRM})
    body = response.json()
    assert body["verdict"] == "不通过"
    records = {(r["rule_id"], r["subject"]["name"]): r for r in body["steps"][2]["reasons"]}
    assert set(records) == {
        ("records.person_dishonest", "王*国"),
        ("records.person_open_enforcement", "李*明"),
        ("records.person_penalty", "赵*"),
    }
    dishonest = records["records.person_dishonest", "王*国"]
    assert dishonest["outcome"] == "fail" and dishonest["subject"]["role"] == "shareholder"
    assert dishonest["subject"]["id_number"] == "3207**********" + person_id(11)[-4:]
    assert "证件号码" in dishonest["subject"]["match_basis"]

    namesake = records["records.person_open_enforcement", "李*明"]
    assert namesake["outcome"] == "warn" and "仅姓名相同" in namesake["message_zh"]
    assert "法定代表人、股东李*明" in namesake["message_zh"]  # the same person holds both roles

    # People are shown masked everywhere: in the answer and on the shareable page.
    page = client.get(f"/verifications/{body['id']}").text
    for text in (response.text, page):
        assert "王建国" not in text and "李四明" not in text and person_id(11) not in text


def test_the_entitys_and_its_peoples_record_checks_are_asked_in_one_probe(tmp_path, engine, client):
    """On PostgreSQL every statement is a round trip: which of the entity's and the people's
    eleven record checks find anything is asked once, and only those are run."""
    _load(tmp_path, engine)
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        body = client.post("/api/v1/verifications", json={"code": FIRM}).json()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    assert len(body["steps"][2]["reasons"]) == 3  # the people's three records, as above
    probes = [s for s in statements if s.startswith("SELECT EXISTS")]
    assert len(probes) == 1
    assert "dishonest_record.linked_credit_code" in probes[0]  # the entity's own
    assert "dishonest_record.party_name" in probes[0]  # its people's
    # The list providers' look-up is asked in the probe too: on no list, it is never sent.
    assert "list_entry.credit_code" in probes[0]
    assert not [s for s in statements if s.startswith("SELECT list_entry")]
    # So are its licences, which step 2 reads: the firm holds none, and none are read.
    assert "licence.credit_code" in probes[0]
    assert not [s for s in statements if s.startswith("SELECT licence")]
    # The registry's change feed position, which tells the kept collector firms whether they
    # are current, is read with the court and penalty tables' latest arrivals: one statement.
    assert not [s for s in statements if "max(enterprise.change_seq)" in s]
    assert len([s for s in statements if "ORDER BY enterprise.change_seq DESC" in s]) == 1


def test_without_records_the_people_are_clean(tmp_path, engine, client):
    _load(tmp_path, engine, judicial=False)
    body = client.post("/api/v1/verifications", json={"code": FIRM, "service": "litigation"}).json()
    assert body["verdict"] == "通过"
    assert [r["rule_id"] for r in body["steps"][2]["reasons"]] == ["records.clean"]


def test_the_owner_of_a_revoked_collector_behind_a_new_consulting_firm_shows(demo, client):
    successor = next(m for m in demo.manifest["sector"] if m.get("successor_of"))
    revoked = next(
        m for m in demo.manifest["sector"] if m["credit_code"] == successor["successor_of"]
    )
    body = client.post("/api/v1/verifications", json={"code": successor["credit_code"]}).json()
    [link] = [
        r
        for r in body["steps"][2]["reasons"]
        if r["rule_id"] == "records.person_unlawful_collector"
    ]
    assert revoked["name"] in link["message_zh"] and "吊销" in link["message_zh"]
    assert link["outcome"] == "warn" and link["subject"]["role"] == "legal_rep"
    assert link["evidence"][0]["record_type"] == "enterprise"
    assert link["evidence"][0]["summary"].startswith(revoked["name"])
