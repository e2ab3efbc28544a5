"""A creditor asks whether a payment order (支付令) fits, where to file, what it costs, and gets the application."""

from datetime import date
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from tests.documents.support import docx_text, pdf_text
from xinyong.api.app import create_app
from xinyong.documents.payment_order import (
    PaymentOrderInput,
    application,
    assess,
    competent_court,
    payment_order_fee,
    property_case_fee,
)
from xinyong.documents.render_pdf import render_pdf

TODAY = date(2026, 11, 28)


def claim(**changes) -> PaymentOrderInput:
    data = {
        "creditor": {"name": "王建国", "address": "连云港市海州区朝阳东路1号"},
        "debtor": {"name": "连云港恒丰商贸有限公司", "address": "连云港市赣榆区青口镇"},
        "debtor_division_code": "320707",
        "amount_yuan": "80000.00",
        "due_date": "2026-06-30",
        "facts": "被申请人于2025年3月1日向申请人购买钢材，尚欠货款80000元，有对账单为证。",
        "evidence": ["买卖合同", "对账单（被申请人盖章）"],
    }
    data.update(changes)
    return PaymentOrderInput.model_validate(data)


@pytest.mark.parametrize(
    ("amount", "ordinary"),
    [
        ("8000", "50.00"),
        ("10000", "50.00"),
        ("80000", "1800.00"),
        ("100000", "2300.00"),
        ("1000000", "13800.00"),
        ("30000000", "191800.00"),
    ],
)
def test_the_fee_follows_the_property_case_schedule(amount, ordinary):
    assert property_case_fee(Decimal(amount)) == Decimal(ordinary)
    expected = (Decimal(ordinary) / 3).quantize(Decimal("0.01"))
    assert payment_order_fee(Decimal(amount)) == expected


def test_an_eligible_claim_gets_court_fee_timeline_and_application():
    result = assess(claim(), TODAY)
    assert result.eligible and result.problems == []
    assert result.court.name == "连云港市赣榆区人民法院" and result.court.confirmed
    assert result.fee_yuan == Decimal("600.00") and result.ordinary_fee_yuan == Decimal("1800.00")
    assert result.timeline.acceptance_by == date(2026, 12, 3)
    assert result.timeline.order_by == date(2026, 12, 18)
    assert "三分之一" in result.fee_explanation_zh

    text = pdf_text(render_pdf(application(claim(), result))).replace(" ", "")
    assert "支付令申请书" in text and "此致" in text and "连云港市赣榆区人民法院" in text
    assert "捌万元整" in text and "第二百二十五条" in text and "对账单（被申请人盖章）" in text


def test_the_wrong_route_is_said_plainly_with_what_to_do_instead():
    result = assess(claim(debtor_reachable=False, creditor_owes_counter_performance=True), TODAY)
    assert not result.eligible
    assert {p.condition for p in result.problems} == {"debtor_reachable", "no_counter_performance"}
    assert "不宜申请支付令" in result.summary_zh
    reach = next(p for p in result.problems if p.condition == "debtor_reachable")
    assert "不适用公告送达" in reach.instead_zh and "提起民事诉讼" in reach.instead_zh

    assert assess(claim(due_date="2027-01-01"), TODAY).problems[0].condition == "due"
    goods = assess(claim(claim_kind="other"), TODAY)
    assert goods.problems[0].condition == "claim_kind"
    interest = assess(claim(interest_yuan="500", interest_agreed=False), TODAY)
    assert interest.problems[0].condition == "interest_agreed"


def test_courts_for_every_lianyungang_district_and_elsewhere():
    names = {
        code: competent_court(code).name
        for code in ("320703", "320706", "320722", "320723", "320724")
    }
    assert names["320706"] == "连云港市海州区人民法院" and names["320724"] == "灌南县人民法院"
    dev_zone = competent_court("320771")
    assert dev_zone.confirmed and dev_zone.name == "连云港经济技术开发区人民法院"
    assert "连中法〔2017〕142号" in dev_zone.note_zh
    zone = competent_court("320772")
    assert not zone.confirmed and "12368" in zone.note_zh
    elsewhere = competent_court("320102")
    assert "基层人民法院" in elsewhere.name and not elsewhere.confirmed
    assert competent_court("").name == "债务人住所地的基层人民法院"


def test_the_api_assesses_and_returns_the_application(engine):
    with TestClient(create_app(engine)) as client:
        body = claim(due_date="2020-01-01").model_dump(mode="json")
        r = client.post("/api/v1/payment-orders", json=body)
        assert r.status_code == 200 and r.json()["eligible"] is True
        r = client.post("/api/v1/payment-orders?format=docx", json=body)
        assert "支付令申请书" in docx_text(r.content)
        bad = {**body, "debtor_reachable": False}
        r = client.post("/api/v1/payment-orders?format=pdf", json=bad)
        assert r.status_code == 422 and "不宜申请支付令" in r.json()["detail"]
        assert r.json()["problems"][0]["condition"] == "debtor_reachable"
