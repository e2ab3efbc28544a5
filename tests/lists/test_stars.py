"""A creditor looks for a recommended agency: stars follow from published criteria (grade, black
list, SLA record, fee schedule, contract template), never typed in; the recommended list follows."""

from __future__ import annotations

import pytest

from tests.lists.story import OPERATOR, at, proposal
from tests.rating.conftest import RATED_AT, demo, demo_drop  # noqa: F401 - fixtures
from xinyong import wiring
from xinyong.lists import service as lists
from xinyong.lists import stars
from xinyong.rating import service as rating
from xinyong.rating.signals import SERVICE_RECORDS, ServiceRecord

GOOD = ServiceRecord(
    complaints=2, answered_in_time=2, first_reports_due=5, first_reports_on_time=5,
    evidence_items=9, cases=5, contract_template_adopted=True,
)  # fmt: skip


@pytest.fixture
def records():
    known: dict[str, ServiceRecord] = {}
    provider = lambda session, codes, now: {c: known[c] for c in codes if c in known}  # noqa: E731
    wiring.connect()  # the domains' own providers first: the test's answer is the later one
    with SERVICE_RECORDS.plugged("test", provider):
        yield known


def _checks(cert) -> dict[str, bool | None]:
    return {m.key: m.met for m in cert.checks}


def _detail(cert, key: str) -> str:
    return next(m.detail_zh for m in cert.checks if m.key == key)


def test_stars_follow_the_criteria_and_the_recommended_list_follows_the_stars(
    engine,
    session,
    demo,  # noqa: F811 - the fixture imported from tests.rating
    records,
    client,
    clock,  # noqa: F811 - fixture from tests.rating
):
    rating.recompute_all(engine, RATED_AT)
    firm = demo.code("江苏田湾律师事务所")
    dishonest = demo.code("江苏诚泰信用管理有限公司")
    no_fees = demo.code("江苏港信信用管理有限公司")

    other_contract = demo.code("江苏伊芦律师事务所")
    undeclared = demo.code("江苏港城律师事务所")

    # Before any case is handled here: eligible (1) + AA or better (1) + fee schedule (1), and
    # a fourth star for a schedule declaring the platform's model agreement — enough to be
    # recommended. A schedule on the lawyers' own engagement contract does not earn it; one
    # that names no contract leaves the criterion without a record.
    [cert] = stars.certify(session, [firm], RATED_AT)
    assert cert.stars == 4 and cert.recommended
    assert _checks(cert)["contract_template"] is True and _checks(cert)["sla_record"] is None
    assert _detail(cert, "contract_template") == "现行收费标准声明采用《债务委托协议范本》"
    [other] = stars.certify(session, [other_contract], RATED_AT)
    assert other.stars == 3 and _checks(other)["contract_template"] is False
    assert "委托代理合同（律师服务）" in _detail(other, "contract_template")
    [silent] = stars.certify(session, [undeclared], RATED_AT)
    assert silent.stars == 3 and _checks(silent)["contract_template"] is None
    recommended = [c.credit_code for c in stars.recommended(session, RATED_AT)]
    assert firm in recommended and other_contract not in recommended

    # The cases domain reports a clean record: template adopted, every deadline met.
    records[firm] = GOOD
    [cert] = stars.certify(session, [firm], RATED_AT)
    assert cert.stars == 5 and cert.recommended
    assert all(_checks(cert).values())
    assert [c.credit_code for c in stars.recommended(session, RATED_AT)][0] == firm

    # A 失信 agency gets no star whatever else it does; one without a fee schedule gets fewer.
    records[dishonest] = GOOD
    records[no_fees] = GOOD
    [bad] = stars.certify(session, [dishonest], RATED_AT)
    assert bad.stars == 0 and bad.grade == "CC" and _checks(bad)["eligible_grade"] is False
    [partial] = stars.certify(session, [no_fees], RATED_AT)
    assert _checks(partial)["fee_schedule"] is False and partial.stars == 4

    # The API shows the same computed stars, and so does what the directory's standing seam
    # is given (wiring registers the provider).
    clock.now = RATED_AT
    body = client.get("/api/v1/agencies/recommended").json()
    assert body["min_stars"] == 4 and body["criteria_version"] == 2
    items = [i["credit_code"] for i in body["items"]]
    assert items[0] == firm and no_fees in items and dishonest not in items
    # The directory's link to the recommended agencies is that list as a page.
    html = client.get("/agencies", params={"recommended": "true", "sort": "stars"}).text
    assert "<h1>推荐服务机构</h1>" in html
    assert "江苏田湾律师事务所" in html and "江苏伊芦律师事务所" not in html
    assert "江苏伊芦律师事务所" in client.get("/agencies").text
    # Each agency's page says criterion by criterion why it has the stars it has.
    other_page = client.get(f"/agencies/{other_contract}").text
    criteria = other_page.split('id="stars"')[1].split("</table>")[0]
    assert "现行收费标准声明采用《委托代理合同（律师服务）》" in criteria
    assert "前 4 项为取得星级的条件" in other_page
    assert criteria.count("✔ 符合") == 6 and criteria.count("✘ 不符合") == 1
    assert "— 暂无记录" in criteria  # the SLA record: no case handled here yet
    detail = client.get(f"/api/v1/agencies/{dishonest}/stars").json()
    assert detail["stars"] == 0 and detail["recommended"] is False
    assert stars.standing_provider(session, [firm, dishonest]) == {
        firm: {"stars": 5},
        dishonest: {"stars": None},
    }
    listed = {a["credit_code"]: a for a in client.get("/api/v1/agencies").json()}
    assert listed[firm]["standing"]["rating"] == "AAA"


def test_a_black_list_entry_takes_every_star_away(engine, session, demo, records):  # noqa: F811
    firm = demo.code("江苏港城律师事务所")
    records[firm] = GOOD
    rating.recompute_all(engine, RATED_AT)
    assert stars.certify(session, [firm], RATED_AT)[0].stars == 5

    entry = lists.propose(
        session,
        proposal(credit_code=firm, subject_name="江苏港城律师事务所", decision_date="2026-11-24"),
        OPERATOR,
        at(2026, 11, 24),
    )
    lists.approve(session, entry.id, OPERATOR, "事实清楚", at(2026, 11, 24, 11))
    lists.publish(session, entry.id, OPERATOR, at(2026, 12, 1))
    session.commit()
    rating.recompute_changed(engine, at(2026, 12, 1, 12))

    [cert] = stars.certify(session, [firm], at(2026, 12, 1, 12))
    assert cert.stars == 0 and not cert.recommended
    assert _checks(cert)["no_black_list"] is False


def test_bad_criteria_are_refused_with_the_reason(tmp_path):
    bad = tmp_path / "stars.yaml"
    bad.write_text("version: 1\ntitle_zh: x\ntitle_en: x\n", encoding="utf-8")
    with pytest.raises(stars.StarsConfigInvalid) as refused:
        stars.load_criteria(bad)
    assert "星级标准" in refused.value.message_zh and "star criteria" in refused.value.message_en


def test_complaints_not_yet_due_are_not_counted_as_late(engine, session, demo, records):  # noqa: F811
    rating.recompute_all(engine, RATED_AT)
    firm = demo.code("江苏田湾律师事务所")
    # Two complaints filed minutes ago, 47 hours left on each: neither in time nor late.
    records[firm] = ServiceRecord(complaints=2, cases=1, contract_template_adopted=True)
    [cert] = stars.certify(session, [firm], RATED_AT)
    assert _checks(cert)["sla_record"] is None
    assert "0%" not in _detail(cert, "sla_record") and "暂无到期" in _detail(cert, "sla_record")
    # One answered in time, the other still running: the share is of the one that fell due.
    records[firm] = ServiceRecord(
        complaints=2, answered_in_time=1, cases=1, contract_template_adopted=True
    )
    [cert] = stars.certify(session, [firm], RATED_AT)
    assert _checks(cert)["sla_record"] is True
    assert _detail(cert, "sla_record").startswith("投诉按时答复 100%")
    # Its 48 hours ran out with no answer: now half were answered in time.
    records[firm] = ServiceRecord(
        complaints=2, answered_in_time=1, breached=1, cases=1, contract_template_adopted=True
    )
    [cert] = stars.certify(session, [firm], RATED_AT)
    assert _checks(cert)["sla_record"] is False
    assert _detail(cert, "sla_record").startswith("投诉按时答复 50%")
