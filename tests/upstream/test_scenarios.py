"""Named scenarios: the article's violent collectors are revoked; a seeded day of upstream life."""

from __future__ import annotations

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from tests.upstream.conftest import COLLECTORS, TODAY, VIOLENT
from xinyong.sources.catalog import layout
from xinyong.sources.ingest import map_header, parse_row

ENTERPRISES = "registry.enterprises"
DATASETS = (
    "registry.enterprises",
    "registry.abnormal",
    "enforcement.debtors",
    "enforcement.dishonest",
    "penalties.decisions",
)


def test_violent_collection_revokes_the_two_debt_collectors(fake_upstream, drop):
    upstream = fake_upstream(drop, today=TODAY)
    _, cursor = upstream.read_all(ENTERPRISES)

    answer = upstream.scenario("violent-collection")

    # The collector revoked back in 2025 is left alone; the two still trading are revoked.
    assert sorted(c["record_id"] for c in answer["changes"]) == sorted(
        credit_code(n) for n in COLLECTORS
    )
    news, cursor = upstream.read_all(ENTERPRISES, cursor)
    assert sorted(r["企业名称"] for r in news) == sorted(COLLECTORS.values())
    for record in news:
        assert (record["登记状态"], record["状态日期"], record["状态原因"]) == (
            "吊销",
            TODAY,
            VIOLENT,
        )
    assert answer["changes"][0]["changed"]["登记状态"] == ["存续", "吊销"]

    # They are already revoked: a second run changes nothing.
    assert upstream.scenario("violent-collection")["changes"] == []
    assert upstream.read_all(ENTERPRISES, cursor)[0] == []


def test_violent_collection_picks_two_companies_when_no_name_gives_one_away(
    fake_upstream, tmp_path
):
    folder = tmp_path / "plain"
    write_enterprises(folder / "enterprises.csv", [enterprise_row(n) for n in range(1, 6)])
    upstream = fake_upstream(folder)

    answer = upstream.scenario("violent-collection", today="2026-12-01")

    assert len(answer["changes"]) == 2
    revoked = [r for r in upstream.read_all(ENTERPRISES)[0] if r["登记状态"] == "吊销"]
    assert [r["状态日期"] for r in revoked] == ["2026-12-01", "2026-12-01"]


def _day(upstream, seed):
    return [
        (c["dataset"], c["record_id"], c["result"], c.get("changed"), c.get("record"))
        for c in upstream.scenario("daily", seed=seed)["changes"]
    ]


def test_a_daily_run_is_the_same_for_the_same_seed(fake_upstream, drop):
    first, second, third = fake_upstream.many(3, drop, today=TODAY)

    day = _day(first, seed=11)
    assert _day(second, seed=11) == day
    assert _day(third, seed=12) != day
    for dataset in DATASETS:
        assert first.read_all(dataset) == second.read_all(dataset)


def test_a_day_brings_status_changes_corrections_new_and_ended_records(fake_upstream, drop):
    upstream = fake_upstream(drop, today=TODAY)
    cursors = {d: upstream.read_all(d)[1] for d in DATASETS}

    changes = upstream.scenario("daily", seed=5)["changes"]
    news = {d: upstream.read_all(d, cursors[d])[0] for d in DATASETS}

    enterprises = [c for c in changes if c["dataset"] == "registry.enterprises"]
    statuses = [c["changed"]["登记状态"][1] for c in enterprises if "登记状态" in c["changed"]]
    assert len(statuses) == 2 and set(statuses) <= {"注销", "吊销"}
    assert any("住所" in c["changed"] for c in enterprises)
    assert any("法定代表人" in c["changed"] for c in enterprises)

    abnormal = news["registry.abnormal"]
    assert any(r["移出日期"] == TODAY for r in abnormal)  # one removal from the list
    assert any(r["列入日期"] == TODAY for r in abnormal)  # one new entry

    dishonest = news["enforcement.dishonest"]
    ended = [r for r in dishonest if r.get("_deleted")]
    new = [r for r in dishonest if not r.get("_deleted")]
    assert len(ended) == 1 and ended[0]["_ended_on"] == TODAY and ended[0]["_end_reason"]
    assert len(new) == 2 and all(r["发布时间"] == TODAY for r in new)
    person = next(r for r in new if r["主体类型"] == "自然人")
    assert "*" in person["身份证号码/组织机构代码"]  # never a full personal ID number

    debtors = news["enforcement.debtors"]
    assert {r["案号"] for r in new} <= {r["案号"] for r in debtors}  # 失信 cases are 被执行人 too
    assert any(r["案件状态"] == "执行完毕" and r["结案日期"] == TODAY for r in debtors)
    assert [r["处罚决定日期"] for r in news["penalties.decisions"]] == [TODAY]

    # Whatever the day wrote reads cleanly in its official layout, as a connector will read it.
    for dataset, records in news.items():
        lay = layout(dataset)
        for record in (r for r in records if not r.get("_deleted")):
            header = list(record)
            cells = [record[h] for h in header]
            _, problems = parse_row(map_header(lay, header, dataset), cells, len(header), 1)
            assert problems == [], (dataset, record, problems)
