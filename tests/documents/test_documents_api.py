"""Through the API: download templates, fill forms, upload a contract for review."""

import pytest
from fastapi.testclient import TestClient

from tests.documents.support import docx_text, pdf_text
from tests.documents.test_templates import agreement_input
from xinyong.api.app import create_app


@pytest.fixture
def client(engine):
    with TestClient(create_app(engine)) as c:
        yield c


def test_blank_templates_download_as_pdf_and_docx(client):
    listed = {t["id"]: t for t in client.get("/api/v1/documents/templates").json()}
    assert listed["entrustment_agreement"]["version"] == "2026.1"
    pdf = client.get("/api/v1/documents/templates/entrustment_agreement")
    assert pdf.headers["content-type"] == "application/pdf"
    assert "filename*=UTF-8''" in pdf.headers["content-disposition"]
    assert "四十八小时内作出书面答复" in pdf_text(pdf.content)
    docx = client.get("/api/v1/documents/templates/pi_authorization", params={"format": "docx"})
    assert "个人信息处理授权书" in docx_text(docx.content)
    missing = client.get("/api/v1/documents/templates/pi_authorization", params={"version": "0.1"})
    assert missing.status_code == 404 and "没有 0.1 版" in missing.json()["detail"]


def test_a_filled_agreement_comes_back_as_docx(client):
    body = agreement_input().model_dump(mode="json")
    r = client.post("/api/v1/documents/entrustment-agreement?format=docx", json=body)
    assert r.status_code == 200 and "连云港恒丰商贸有限公司" in docx_text(r.content)


def test_an_uploaded_contract_is_reviewed_as_json_and_pdf(client):
    contract = (
        "委托合同\n甲方应于签约当日预付服务费5000元。\n乙方可以联系债务人的亲属催收。\n".encode()
    )
    r = client.post("/api/v1/contracts/review", files={"file": ("合同.txt", contract)})
    body = r.json()
    assert r.status_code == 200 and body["verdict"] == "unlawful_terms"
    assert {f["key"] for f in body["flags"]} == {"upfront_fee", "contact_relatives"}
    assert len(body["missing"]) == 7
    r = client.post("/api/v1/contracts/review?format=pdf", data={"text": contract.decode()})
    assert "合同审查报告" in pdf_text(r.content)


def test_a_review_without_a_contract_says_what_is_missing(client):
    r = client.post("/api/v1/contracts/review", data={})
    assert r.status_code == 422 and "file" in r.json()["detail"]
    r = client.post("/api/v1/contracts/review", files={"file": ("x.zip", b"PK\x03\x04junk")})
    assert r.status_code == 422 and "DOCX" in r.json()["detail"]
