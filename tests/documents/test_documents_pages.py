"""On the site: the documents page offers downloads and a review form that answers in the page."""

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from xinyong.api.app import create_app

DATA = Path(__file__).resolve().parents[1] / "data" / "contracts"


@pytest.fixture
def client(engine):
    with TestClient(create_app(engine)) as c:
        yield c


def test_the_documents_page_links_every_template(client):
    page = client.get("/documents").text
    assert "债务委托协议（2026.1 版）" in page and "个人信息处理授权书" in page
    assert "/api/v1/documents/templates/entrustment_agreement?format=docx" in page


def test_a_contract_uploaded_on_the_page_is_reviewed_there(client):
    contract = (DATA / "h02.txt").read_bytes()
    page = client.post("/documents/review", files={"file": ("h02.txt", contract)})
    assert page.status_code == 200
    assert "合同审查报告" in page.text and "预收费用" in page.text and "服务启动费" in page.text
    empty = client.post("/documents/review", data={"text": ""})
    assert empty.status_code == 422 and "合同内容为空" in empty.text
    assert client.get("/reports/XY20260101-AAAAAAAA").status_code == 404


def _wizard_form(**changes) -> dict:
    form = {
        "creditor_name": "王建国",
        "debtor_name": "连云港恒丰商贸有限公司",
        "debtor_division_code": "320722",
        "claim_kind": "money",
        "amount_yuan": "80000",
        "due_date": "2020-06-30",
        "interest_yuan": "0",
        "amount_fixed": "on",
        "debtor_in_china": "on",
        "debtor_reachable": "on",
        "facts": "尚欠货款80000元。",
        "evidence": "买卖合同\n对账单",
    }
    form.update(changes)
    return {k: v for k, v in form.items() if v is not None}


def test_the_payment_order_wizard_assesses_and_hands_out_the_application(client):
    assert "支付令向导" in client.get("/documents/payment-order").text
    page = client.post("/documents/payment-order", data=_wizard_form())
    assert page.status_code == 200
    assert "符合申请支付令的条件" in page.text and "东海县人民法院" in page.text
    assert "600.00" in page.text
    pdf = client.post("/documents/payment-order", data=_wizard_form(format="pdf"))
    assert pdf.headers["content-type"] == "application/pdf"


def test_the_wizard_says_plainly_when_it_is_the_wrong_route(client):
    page = client.post("/documents/payment-order", data=_wizard_form(debtor_reachable=None))
    assert "不宜申请支付令" in page.text and "不适用公告送达" in page.text
    assert "下载支付令申请书" not in page.text
    bad = client.post("/documents/payment-order", data=_wizard_form(amount_yuan="八万"))
    assert bad.status_code == 422 and "amount_yuan" in bad.text
