"""A creditor entrusts a case on a thin contract: the case is taken, and both parties read on the
case page which of the model agreement's mandatory clauses it lacks."""

from __future__ import annotations

from decimal import Decimal

from tests.cases.conftest import CREDITOR, MEDIATOR, T0
from tests.cases.test_pages import _sign_in, client  # noqa: F401 - fixture
from xinyong.cases import service
from xinyong.cases.actors import Upload

THIN = Upload("委托书.txt", "债务委托协议\n甲方委托乙方催收货款。\n".encode(), "text/plain")


def test_the_case_page_names_the_clauses_the_contract_lacks(
    client,  # noqa: F811 - the fixture imported above
    directory,
    parties,
    ledger_settings,
):
    case = service.register_debt(
        directory, CREDITOR, debtor_name="连云港某某贸易有限公司", amount=Decimal("80000"),
        basis="货款", due_date=T0.date(), now=T0, settings=ledger_settings,
    )  # fmt: skip
    service.entrust(
        directory, case.id, CREDITOR, agency_code=MEDIATOR, contract_number="WT-9",
        contract=THIN, now=T0,
    )  # fmt: skip
    directory.commit()
    _sign_in(client, directory)

    page = client.get(f"/cases/{case.id}").text
    review = page.split('id="contract-review"')[1].split("</tr>")[0]
    assert "建议补充后再签署" in review and "缺少的必备条款" in review
    missing = case.contract_review["missing_titles"]
    assert missing and all(m["zh"] in review for m in missing)
    english = client.get(f"/cases/{case.id}", params={"lang": "en"}).text
    review = english.split('id="contract-review"')[1].split("</tr>")[0]
    assert "Mandatory clauses missing" in review and missing[0]["en"] in review
