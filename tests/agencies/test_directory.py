"""A creditor browses the agency directory loaded from the demo drop through the connector."""

from __future__ import annotations

from decimal import Decimal

from xinyong.agencies.service import Case, get_agency, list_agencies, schedule_history
from xinyong.agencies.standing import STANDING_PROVIDERS

from .conftest import code_of


def test_the_connector_lands_good_schedules_and_refuses_malformed_ones_naming_the_band(synced):
    agencies = next(r for r in synced if r.source == "agencies")
    runs = {run.layout: run for run in agencies.runs}
    schedules = runs["agencies.fee_schedules"].counts
    assert runs["agencies.profiles"].counts.rejected == 0
    assert schedules.rejected == 3
    reasons = [p.reason_zh for p in schedules.problems]
    assert any("50,000–100,000 元未被任何一档覆盖" in r for r in reasons)  # the article's gap
    assert any("重叠" in r and "第 2 档" in r for r in reasons)
    assert any("费率 120% 超出" in r and "第 1 档" in r for r in reasons)
    assert all("收费标准" in p.field for p in schedules.problems)


def test_only_agencies_with_a_lawful_schedule_in_force_are_listed(session, synced, drop):
    _, manifest = drop
    listed = {v.name for v in list_agencies(session)}
    assert "江苏田湾律师事务所" in listed
    everyone = {v.name: v for v in list_agencies(session, include_unlisted=True)}
    # The law firm publishing the article's 30% tier breaks the 2021 cap: shown, not listed.
    breaker = everyone["江苏郁洲律师事务所"]
    assert not breaker.listed and breaker.schedule.problems[0].band == 1
    assert "司发通〔2021〕87号" in breaker.schedule.problems[0].message_zh
    # Whose only schedule was refused has none in force.
    assert everyone["江苏灌河律师事务所"].schedule is None
    assert "未公示现行收费标准" in everyone["江苏灌河律师事务所"].notices[0][0]
    # A debt-collection company is never listed, revoked or not.
    assert {"连云港金鼎盛国际要账有限公司", "连云港德律讨债服务有限公司"}.isdisjoint(listed)
    # An upfront fee under the debt-entrustment template keeps an account firm off the list.
    upfront = everyone["连云港恒诚商账管理有限公司"]
    assert [p.rule for p in upfront.schedule.problems] == ["upfront_fee"]


def test_a_corrected_schedule_supersedes_the_old_version_from_its_date(session, synced, drop):
    _, manifest = drop
    code = code_of(manifest, "江苏海宁律师事务所")
    versions = schedule_history(session, code)
    assert [v.version for v in versions] == [2, 1]
    assert not versions[1].compliant and versions[0].compliant
    from datetime import date

    assert get_agency(session, code, on=date(2025, 6, 1)).schedule.version == 1
    assert get_agency(session, code, on=date(2026, 6, 1)).schedule.version == 2


def test_a_consulting_firm_collecting_debts_is_kept_out_without_anyone_verifying_it_first(
    engine, session, drop
):
    """连云港信达商务咨询有限公司 publishes a schedule and nothing in the courts, but a consulting
    firm collecting debts works beyond its scope: the directory's own three-step check keeps it
    out and takes its stars, from the first page view. A visitor who verifies a law firm for a
    service it does not offer gets 不通过 for that question, and the directory does not follow."""
    from xinyong.lists.stars import certify
    from xinyong.sources.scheduler import run_syncs
    from xinyong.verification.schemas import VerificationRequest
    from xinyong.verification.service import verify
    from xinyong.wiring import connect

    from .conftest import sources

    connect()
    folder, manifest = drop
    assert all(r.ok for r in run_syncs(engine, sources(folder)))
    xinda = code_of(manifest, "连云港信达商务咨询有限公司")
    view = get_agency(session, xinda)
    assert not view.listed and view.standing.verdict.result == "fail"
    # Why, in the finding's own words: a consulting firm collecting debts is beyond its scope.
    [failed] = [zh for zh, _ in view.notices if zh.startswith("三步核验未通过，不予列入名录：")]
    assert "超范围经营" in failed
    [cert] = certify(session, [xinda])
    assert cert.stars == 0 and {m.key: m.met for m in cert.checks}["verified"] is False

    tianwan = code_of(manifest, "江苏田湾律师事务所")
    asked = verify(session, VerificationRequest(code=tianwan, service="auction"))
    session.commit()
    assert asked.verdict == "不通过"
    again = get_agency(session, tianwan)
    assert again.listed and again.standing.verdict.result == "pass"


def test_the_directory_is_in_pinyin_order_as_a_chinese_reader_looks_names_up(session, synced):
    from pypinyin import lazy_pinyin

    names = [v.name for v in list_agencies(session)]
    assert names != sorted(names)  # code-point order puts 江苏 (6C5F) before 灌云 (704C)…
    spelled = ["".join(lazy_pinyin(n)) for n in names]
    assert spelled == sorted(spelled)  # …a reader expects 灌云 (guan) before 江苏 (jiang)


def test_the_directory_filters_by_service_and_district_and_sorts_by_price(session, synced):
    case = Case(Decimal(200000), Decimal(200000))
    auctions = list_agencies(session, service="auction", case=case, sort="price")
    assert auctions and {v.kind for v in auctions} == {"auction"}
    litigation = list_agencies(
        session, service="litigation", district="320706", case=case, sort="price"
    )
    totals = [v.quote.total_high for v in litigation]
    assert totals == sorted(totals) and {v.kind for v in litigation} == {"law_firm"}
    dearest = list_agencies(session, case=case, sort="price", descending=True)
    assert dearest[0].quote.total_high == max(v.quote.total_high for v in dearest)
    cheap = list_agencies(session, case=case, max_fee=Decimal(20000))
    assert cheap and all(v.quote.total_high <= 20000 for v in cheap)


def test_verdict_rating_stars_and_performance_come_from_other_domains(session, synced, drop):
    # Only what this test plugs in: other tests may have wired the real domains.
    with STANDING_PROVIDERS.isolated():
        _, manifest = drop
        tianwan = code_of(manifest, "江苏田湾律师事务所")
        plain = get_agency(session, tianwan)
        assert plain.standing.stars is None and plain.standing.rating is None
        assert plain.standing.performance is None and plain.standing.verdict is None

        def stars(session, codes):  # what the lists domain will register
            return {tianwan: {"stars": 5}} if tianwan in codes else {}

        with STANDING_PROVIDERS.plugged("test-stars", stars):
            starred = list_agencies(session, min_stars=4)
            assert [v.name for v in starred] == ["江苏田湾律师事务所"]
            assert (
                list_agencies(session, sort="stars", descending=True)[0].name
                == "江苏田湾律师事务所"
            )


def test_a_city_wide_agency_serves_every_district_and_a_district_one_only_its_own():
    from xinyong.agencies.service import covers

    assert covers("320700", "320706") and covers("320000", "320706")
    assert covers("320706", "320706") and not covers("320706", "320707")
    assert not covers("", "320706")


def test_a_dishonest_agency_is_kept_out_of_the_directory_and_says_why(engine, session, drop):
    """江苏诚泰信用管理有限公司 publishes a lawful schedule, but the court lists it as a dishonest
    debtor: the directory verifies every agency itself (nobody has to ask first), leaves it
    out, and its page says why, with the records tagged as on the search page."""
    from fastapi.testclient import TestClient

    from xinyong.api.app import create_app
    from xinyong.sources.config import SourceConfig
    from xinyong.sources.scheduler import run_syncs
    from xinyong.wiring import connect

    from .conftest import sources

    connect()  # the domains' standing providers, as the app and the CLI wire them
    folder, manifest = drop
    court = SourceConfig(
        name="zxgk", title_zh="执行", title_en="courts", transport="files", path=folder,
        layouts=["enforcement.debtors", "enforcement.dishonest"],
    )  # fmt: skip
    assert all(r.ok for r in run_syncs(engine, [*sources(folder), court]))
    chengtai = code_of(manifest, "江苏诚泰信用管理有限公司")

    assert chengtai not in {v.credit_code for v in list_agencies(session)}
    view = get_agency(session, chengtai)
    assert view.schedule is not None and view.schedule.compliant  # its fees are not the problem
    assert not view.listed and view.standing.verdict.result == "fail"
    assert view.standing.verdict.record_url == f"/verifications?query={chengtai}"
    notices = [zh for zh, _ in view.notices]
    assert "有在效的失信被执行人记录 1 条，不予列入名录" in notices
    assert "有未结被执行案件 1 件，请先核验" in notices
    # A law firm the court has nothing on is listed as before.
    tianwan = get_agency(session, code_of(manifest, "江苏田湾律师事务所"))
    assert tianwan.listed and tianwan.standing.records.clean

    with TestClient(create_app(engine)) as client:
        page = client.get(f"/agencies/{chengtai}").text
        assert "未列入名录" in page and "有在效的失信被执行人记录 1 条" in page
        assert f'href="/e/{chengtai}#dishonest">失信被执行人 1</a>' in page
        directory = client.get("/agencies").text
        assert chengtai not in directory and "无在效失信被执行人记录的机构" in directory
        shown = client.get("/agencies", params={"unlisted": "true"}).text
        assert chengtai in shown
        api = client.get(f"/api/v1/agencies/{chengtai}").json()
        assert api["listed"] is False and api["standing"]["records"]["records"]["dishonest"] == 1
        assert "有在效的失信被执行人记录 1 条，不予列入名录" in [n["zh"] for n in api["notices"]]
