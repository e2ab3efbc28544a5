"""The upstream changes under a connector: corrections arrive after its cursor, removals as tombstones."""

from __future__ import annotations

from tests.support.registry_files import credit_code

ENTERPRISES = "registry.enterprises"
DISHONEST = "enforcement.dishonest"


def test_an_upsert_appears_after_the_cursor_a_client_already_holds(fake_upstream, drop):
    upstream = fake_upstream(drop)
    _, cursor = upstream.read_all(ENTERPRISES)

    answer = upstream.change(
        {
            "dataset": ENTERPRISES,
            "op": "upsert",
            "record": {"统一社会信用代码": credit_code(7), "住所": "江苏省连云港市海州区新浦路8号"},
        },
        {
            "dataset": ENTERPRISES,
            "op": "upsert",
            "record": {"统一社会信用代码": credit_code(8), "登记状态": "存续"},
        },
    )
    assert [c["result"] for c in answer["changes"]] == ["updated", "unchanged"]
    assert answer["applied"] == 1

    news, newer = upstream.read_all(ENTERPRISES, cursor)
    assert [r["统一社会信用代码"] for r in news] == [credit_code(7)]
    corrected = news[0]
    assert corrected["住所"] == "江苏省连云港市海州区新浦路8号"
    assert corrected["企业名称"] == "连云港市海州区测试7商贸有限公司"  # fields not sent are kept
    assert upstream.read_all(ENTERPRISES, newer)[0] == []

    # A record the upstream did not have before is inserted.
    added = upstream.change(
        {
            "dataset": ENTERPRISES,
            "record": {
                "统一社会信用代码": credit_code(99),
                "企业名称": "连云港市新设企业有限公司",
                "登记状态": "存续",
            },
        }
    )
    assert added["changes"][0]["result"] == "inserted"
    assert upstream.read_all(ENTERPRISES, newer)[0][0]["企业名称"] == "连云港市新设企业有限公司"


def test_a_deleted_record_comes_back_as_a_tombstone_with_its_end_date(fake_upstream, drop):
    upstream = fake_upstream(drop, today="2026-11-25")
    records, cursor = upstream.read_all(DISHONEST)
    gone = records[2]

    upstream.change(
        {
            "dataset": DISHONEST,
            "op": "delete",
            "record": {"案号": gone["案号"], "被执行人姓名/名称": gone["被执行人姓名/名称"]},
            "ended_on": "2026-11-20",
            "reason": "被执行人已履行全部义务",
        }
    )

    news, _ = upstream.read_all(DISHONEST, cursor)
    assert news == [
        {
            "_deleted": True,
            "_ended_on": "2026-11-20",
            "_end_reason": "被执行人已履行全部义务",
            "案号": gone["案号"],
            "被执行人姓名/名称": gone["被执行人姓名/名称"],
        }
    ]
    # A fresh reader also learns of the removal, in its place in the stream.
    everything, _ = upstream.read_all(DISHONEST)
    assert sum(r.get("_deleted", False) for r in everything) == 1 and len(everything) == 6
    assert upstream.admin_state()["datasets"][DISHONEST] == {
        "records": 5,
        "deleted": 1,
        "version": 33,
    }

    # Upstream publishes it again: it comes back whole, after the tombstone.
    key = {"案号": gone["案号"], "被执行人姓名/名称": gone["被执行人姓名/名称"]}
    back = upstream.change({"dataset": DISHONEST, "record": key})
    assert back["changes"][0]["result"] == "restored"
    assert upstream.read_all(DISHONEST, cursor)[0] == [gone]


def test_an_upsert_without_its_key_is_refused_and_nothing_is_applied(fake_upstream, drop):
    upstream = fake_upstream(drop)
    before = upstream.admin_state()["version"]

    response = upstream.http.post(
        "/_admin/changes",
        json=[
            {
                "dataset": ENTERPRISES,
                "record": {"统一社会信用代码": credit_code(1), "住所": "改了"},
            },
            {"dataset": DISHONEST, "record": {"案号": "（2026）苏0706执1号"}},
        ],
    )

    assert response.status_code == 422
    problem = response.json()
    assert "changes[1]" in problem["detail_zh"] and "被执行人姓名/名称" in problem["detail_zh"]
    assert "lacks its key" in problem["detail_en"]
    assert upstream.admin_state()["version"] == before  # all or nothing

    unknown = upstream.http.post(
        "/_admin/changes",
        json=[
            {"dataset": ENTERPRISES, "record": {"统一社会信用代码": credit_code(1), "颜色": "红"}}
        ],
    )
    assert unknown.status_code == 422 and "颜色" in unknown.json()["detail_zh"]

    nobody = upstream.http.post(
        "/_admin/changes",
        json=[
            {
                "dataset": DISHONEST,
                "op": "delete",
                "record": {"案号": "无", "被执行人姓名/名称": "无"},
            }
        ],
    )
    assert nobody.status_code == 404
