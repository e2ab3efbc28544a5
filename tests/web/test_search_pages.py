"""Search pages on an empty register say so plainly; bad filters say what is wrong."""

from __future__ import annotations


def test_empty_states(client):
    assert "输入名称或代码开始搜索" in client.get("/search").text
    none = client.get("/search", params={"q": "金鼎盛"})
    assert none.status_code == 200 and "没有找到符合条件的企业" in none.text
    assert client.get("/search/suggest", params={"q": ""}).text.strip() == ""
    assert "没有找到" in client.get("/search/suggest", params={"q": "金鼎盛"}).text


def test_a_bad_division_filter_is_named(client):
    response = client.get("/search", params={"q": "金鼎盛", "division": "haizhou"})
    assert response.status_code == 422
    assert "行政区划代码“haizhou”无效" in response.text and "GB/T 2260" in response.text


def test_filters_nothing_could_match_are_refused_alike_by_the_page_and_the_api(client):
    for asked, field, accepted in (
        ({"status": "bogus"}, "status", "存续、在业、吊销、注销、迁出"),
        ({"division": "999999"}, "division", "GB/T 2260"),
    ):
        api = client.get("/api/v1/enterprises", params={"q": "金鼎", **asked})
        assert api.status_code == 422 and api.json()["field"] == field
        assert accepted in api.json()["detail_zh"]
        page = client.get("/search", params={"q": "金鼎", **asked})
        assert page.status_code == 422 and api.json()["detail_zh"] in page.text
        # Before any words are typed too.
        assert client.get("/search", params=asked).status_code == 422
    known = client.get("/api/v1/enterprises", params={"q": "金鼎", "division": "320771"})
    assert known.status_code == 200  # the city's development zone, beside GB/T 2260


def test_the_templates_page_offers_every_model_document(client):
    page = client.get("/templates").text
    assert "/api/v1/documents/templates/entrustment_agreement?format=docx" in page
    assert "/api/v1/documents/templates/pi_authorization?format=pdf" in page


def test_a_result_found_by_something_else_than_its_name_says_what_in_words(
    engine, client, tmp_path
):
    from tests.support.registry_files import enterprise_row, write_enterprises
    from xinyong.sources.config import get_source
    from xinyong.sources.scheduler import run_syncs

    row = enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司", 法定代表人="王建国")
    write_enterprises(tmp_path / "drop" / "enterprises.csv", [row])
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path / "drop"})])

    assert "命中拼音首字母：" in client.get("/search", params={"q": "jdsm"}).text
    assert "命中法定代表人：" in client.get("/search", params={"q": "王建国"}).text
    english = client.get("/search", params={"q": "jdsm", "lang": "en"}).text
    assert "Matched pinyin initials：" in english
    # The registry's words for status and industry are in the visitor's language too (the
    # record keeps 存续 and 批发和零售业).
    chinese = client.get("/search", params={"q": "jdsm"}).text
    assert ">存续</span>" in chinese and " · 批发和零售业" in chinese
    assert ">active</span>" in english and ">存续</span>" not in english
    assert " · wholesale and retail trade" in english and " · 批发和零售业" not in english

    # Its page names where the record came from as people call it, in the visitor's language.
    from tests.support.registry_files import credit_code

    page = client.get(f"/e/{credit_code(1)}").text
    assert "来源 Source：国家企业信用信息公示系统（企业登记）" in page
    english = client.get(f"/e/{credit_code(1)}", params={"lang": "en"}).text
    assert "National Enterprise Credit Information Publicity System (registry)" in english
    assert "Status：active" in english and "登记状态：存续" in page
    assert "<td>wholesale and retail trade</td>" in english and "<td>批发和零售业</td>" in page
    assert (
        "<td>limited liability company (invested or controlled by natural persons)</td>" in english
    )
    assert "<td>有限责任公司(自然人投资或控股)</td>" in page


def test_a_creditor_sees_each_results_risks_and_they_follow_the_court_and_the_lists(
    tmp_path, engine, session, clock
):
    """Three firms called 金鼎: the results page says which one the court lists as a dishonest
    debtor, and which one is on the black list, before anyone opens a profile. The page is kept
    while the court writes about other firms, and made anew when it writes about a shown one."""
    from fastapi.testclient import TestClient

    from tests.lists.story import at, proposal
    from tests.support.judicial_files import debtor_row, dishonest_row, penalty_row, write_drop
    from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
    from xinyong.api.app import create_app
    from xinyong.lists import service as lists
    from xinyong.sources.config import SourceConfig, get_source
    from xinyong.sources.layouts_judicial import (
        ENFORCEMENT_DEBTORS,
        ENFORCEMENT_DISHONEST,
        PENALTY_DECISIONS,
    )
    from xinyong.sources.scheduler import run_syncs

    rows = [
        enterprise_row(n, 企业名称=f"连云港市海州区金鼎{word}有限公司")
        for n, word in ((1, "商贸"), (2, "物流"), (3, "建材"))
    ]
    rows.append(enterprise_row(4, 企业名称="连云港市海州区宏远商贸有限公司"))
    rows.append(enterprise_row(5, 企业名称="连云港市海州区银河商贸有限公司"))
    drop = tmp_path / "drop"
    write_enterprises(drop / "enterprises.csv", rows)
    write_drop(drop / "penalties.csv", PENALTY_DECISIONS, [penalty_row(3)])
    files = SourceConfig(name="all", title_zh="全部", title_en="all", transport="files", path=drop)
    assert all(r.ok for r in run_syncs(engine, [files]))

    # The court's files as zxgk delivers them each day: everything in force, the new at the end.
    dishonest = [dishonest_row(1)]
    debtors = [debtor_row(1), debtor_row(2, 案号="（2026）苏0706执99号")]

    def court(day: str, *new: dict) -> None:
        dishonest.extend(new)
        write_drop(tmp_path / day / "dishonest.csv", ENFORCEMENT_DISHONEST, dishonest)
        write_drop(tmp_path / day / "debtors.csv", ENFORCEMENT_DEBTORS, debtors)
        [result] = run_syncs(
            engine, [get_source("zxgk").model_copy(update={"path": tmp_path / day})]
        )
        assert result.ok, result

    court("zxgk-0")

    with TestClient(create_app(engine)) as client:
        carrier = client.app.state.read_cache.carrier
        page = client.get("/search", params={"q": "金鼎"})
        results = page.text.split('class="result"')[1:]
        assert len(results) == 3 and "每条结果下标出" in page.text
        by_firm = {n: next(r for r in results if credit_code(n) in r) for n in (1, 2, 3)}
        assert "失信被执行人 1" in by_firm[1] and "被执行人 1" in by_firm[1]
        assert f'href="/e/{credit_code(1)}#dishonest"' in by_firm[1]
        assert "失信被执行人" not in by_firm[2] and "被执行人 1" in by_firm[2]
        assert "近3年行政处罚 1" in by_firm[3] and "被执行人" not in by_firm[3]
        assert all("无不良记录" not in r for r in by_firm.values())
        english = client.get("/search", params={"q": "金鼎", "lang": "en"}).text
        assert "Dishonest debtor 1" in english and "Penalties in 3 years 1" in english

        # The court lists firm 4, which the page does not show: the kept page still holds.
        court("zxgk-1", dishonest_row(4, 更新日期="2026-11-25"))
        kept = client.get("/search", params={"q": "金鼎"})
        assert kept.headers["x-cache"] == "carried" and carrier.carried == 1
        assert kept.text == page.text

        # The court lists firm 2: its result says so on the very next look.
        court("zxgk-2", dishonest_row(2, 更新日期="2026-11-26"))
        after = client.get("/search", params={"q": "金鼎"})
        assert after.headers["x-cache"] == "miss"
        second = next(r for r in after.text.split('class="result"') if credit_code(2) in r)
        assert "失信被执行人 1" in second

        # An operator publishes firm 3 on the black list: its result carries the tag.
        entry = lists.propose(session, proposal(3), "审核员", clock())
        lists.approve(session, entry.id, "审核员", None, clock())
        session.commit()
        clock.now = at(2026, 5, 20)
        lists.publish(session, entry.id, "审核员", clock())
        session.commit()
        listed = client.get("/search", params={"q": "金鼎"}).text
        third = next(r for r in listed.split('class="result"') if credit_code(3) in r)
        assert f'href="/e/{credit_code(3)}#lists">黑名单</a>' in third

        clean = client.get("/search", params={"q": "银河"}).text
        assert "无不良记录" in clean and "badge bad" not in clean.split('class="result"')[1]


def test_the_district_filter_offers_the_citys_counties_and_its_development_zone(
    engine, client, tmp_path
):
    from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
    from xinyong.sources.config import get_source
    from xinyong.sources.scheduler import run_syncs

    zone = credit_code(1, division="320771")
    rows = [
        enterprise_row(1, 统一社会信用代码=zone, 企业名称="连云港开发区金鼎商贸有限公司", 行政区划代码="320771"),
        enterprise_row(2, 企业名称="连云港市海州区金鼎物流有限公司"),
    ]  # fmt: skip
    write_enterprises(tmp_path / "drop" / "enterprises.csv", rows)
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path / "drop"})])

    page = client.get("/search", params={"q": "金鼎"}).text
    assert '<option value="320771" >连云港经济技术开发区</option>' in page
    assert '<option value="320724" >灌南县</option>' in page
    zone_result = next(r for r in page.split('class="result"') if zone in r)
    assert "· 连云港经济技术开发区</div>" in zone_result
    only_zone = client.get("/search", params={"q": "金鼎", "division": "320771"}).text
    assert zone in only_zone and credit_code(2) not in only_zone
    english = client.get("/search", params={"q": "金鼎", "lang": "en"}).text
    assert ">Haizhou</option>" in english
    assert "Lianyungang Economic and Technological Development Zone" in english
    # The agency directory and the fee calculator offer the same districts.
    assert '<option value="320771" >连云港经济技术开发区</option>' in client.get("/agencies").text


def test_a_firm_the_platform_flags_says_so_under_its_name_until_an_operator_dismisses_it(
    tmp_path, engine, session
):
    """A 要账 company has no court record, penalty or list entry, but the platform's own rule
    flags it: its result says so (not "no adverse record") and points at the flag, kept apart
    from the official lists on its page; an operator's dismissal takes the tag away."""
    from fastapi.testclient import TestClient
    from sqlalchemy import select

    from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
    from xinyong.alerts import service as alerts
    from xinyong.alerts.models import Alert
    from xinyong.api.app import create_app
    from xinyong.sources.config import get_source
    from xinyong.sources.scheduler import run_syncs

    rows = [
        enterprise_row(1, 企业名称="连云港市海州区金鼎要账服务有限公司"),
        enterprise_row(2, 企业名称="连云港市海州区金鼎商务咨询有限公司"),
    ]
    write_enterprises(tmp_path / "drop" / "enterprises.csv", rows)
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path / "drop"})])
    [flag] = session.scalars(select(Alert).where(Alert.credit_code == credit_code(1))).all()

    with TestClient(create_app(engine)) as client:
        page = client.get("/search", params={"q": "金鼎"}).text
        flagged, clean = (
            next(r for r in page.split('class="result"') if credit_code(n) in r) for n in (1, 2)
        )
        assert f'href="/e/{credit_code(1)}#flags"' in flagged and "平台风险提示 1" in flagged
        assert "无不良记录" not in flagged and "无不良记录" in clean
        assert "平台风险提示" in page.split('id="risk-legend"')[1].split("</p>")[0]
        assert 'id="flags"' in client.get(f"/e/{credit_code(1)}").text
        english = client.get("/search", params={"q": "金鼎", "lang": "en"}).text
        assert "Platform risk flags 1" in english

        alerts.decide(session, flag.id, "dismissed", "审核员", "名称中的“金鼎”不涉讨债")
        session.commit()
        after = client.get("/search", params={"q": "金鼎"}).text
        assert "#flags" not in after and after.count("无不良记录") == 2

        # The dismissal was wrong: restored, the flag is back in the (cached) results.
        alerts.restore(session, flag.id, "审核员", "复核后确认仍有风险")
        session.commit()
        again = client.get("/search", params={"q": "金鼎"}).text
        assert "平台风险提示 1" in again and again.count("无不良记录") == 1
