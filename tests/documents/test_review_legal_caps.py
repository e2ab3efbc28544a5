"""A creditor offered a law firm's contract learns when its contingency fee breaks the legal cap."""

from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from tests.agencies.conftest import code_of, sources
from xinyong.api.app import create_app
from xinyong.demo import generate
from xinyong.documents.review.extract import from_text
from xinyong.documents.review.service import review_contract
from xinyong.errors import InvalidInput
from xinyong.sources.scheduler import run_syncs

FLAT_25 = "风险代理费按实际回收金额的25%收取。"


def test_a_law_firm_charging_a_quarter_breaks_the_2021_cap_a_mediator_does_not():
    [flag] = review_contract(from_text(FLAT_25), agency_kind="law_firm").flags
    assert flag.key == "fee_above_cap"
    assert "法定上限 18%" in flag.detail_zh and "司发通〔2021〕87号" in flag.detail_zh
    assert "legal cap of 18%" in flag.detail_en
    # 25% is within the platform's 30% for a mediation organisation, which the opinion does not bind.
    assert review_contract(from_text(FLAT_25), agency_kind="mediation").flags == []
    assert review_contract(from_text(FLAT_25)).flags == []


def test_the_cap_is_exact_for_the_claim_the_contract_states():
    text = "委托追收的债权金额为人民币2,000,000元。风险代理费按实际回收金额的17%收取。"
    report = review_contract(from_text(text), agency_kind="law_firm")
    # 18% of the first million and 15% of the second: 330,000 yuan, 16.5% of the claim.
    assert report.claim_amount == Decimal("2000000")
    assert report.legal_cap_percent == Decimal("16.50")
    [flag] = report.flags
    assert "330,000" in flag.detail_zh and "16.5%" in flag.detail_zh
    # The same rate on half a million stays under 18%.
    small = review_contract(from_text(text), agency_kind="law_firm", claim=Decimal("500000"))
    assert small.legal_cap_percent == Decimal("18.00") and small.flags == []


def test_a_claim_in_wan_yuan_is_read_and_fee_amounts_are_not_taken_for_the_claim():
    text = "甲方委托乙方追收拖欠货款120万元。服务启动费人民币3000元。风险代理费为回收金额的16%。"
    report = review_contract(from_text(text), agency_kind="law_firm")
    assert report.claim_amount == Decimal("1200000")
    # 180,000 + 15% of 200,000 = 210,000 yuan: 17.5% allowed, 16% charged.
    assert report.legal_cap_percent == Decimal("17.50")
    assert not [f for f in report.flags if f.key == "fee_above_cap"]


def test_an_unknown_agency_kind_is_refused_with_the_allowed_values():
    with pytest.raises(InvalidInput) as exc:
        review_contract(from_text(FLAT_25), agency_kind="lawyer")
    assert "law_firm" in exc.value.message_en and exc.value.detail["field"] == "agency_kind"


@pytest.fixture(scope="module")
def drop(tmp_path_factory):
    """The demo's debt-service sector, whose lawful law firm publishes a 15% top rate."""
    out = tmp_path_factory.mktemp("review-agencies")
    return out, generate(out, enterprises=200, seed=7)


@pytest.fixture
def client(engine, drop):
    run_syncs(engine, sources(drop[0]))
    with TestClient(create_app(engine)) as c:
        yield c


def test_naming_a_directory_law_firm_brings_its_kind_and_published_schedule(client, drop):
    code = code_of(drop[1], "江苏田湾律师事务所")
    r = client.post("/api/v1/contracts/review", data={"text": FLAT_25, "agency_code": code})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["agency_kind"] == "law_firm" and Decimal(body["schedule_max_percent"]) == 15
    [flag] = body["flags"]
    assert "法定上限 18%" in flag["detail_zh"]
    # Within the law but above the firm's own published 15%.
    r = client.post(
        "/api/v1/contracts/review",
        data={"text": "风险代理费按实际回收金额的16%收取。", "agency_code": code},
    )
    [flag] = r.json()["flags"]
    assert "公示的最高比例 15" in flag["detail_zh"]


def test_the_review_page_says_which_field_is_wrong(client):
    r = client.post("/documents/review", data={"text": FLAT_25, "claim_amount": "两百万"})
    assert r.status_code == 422 and "标的额“两百万”" in r.text
    r = client.post("/documents/review", data={"text": FLAT_25, "agency_kind": "law_firm"})
    assert r.status_code == 200 and "法定上限 18%" in r.text
