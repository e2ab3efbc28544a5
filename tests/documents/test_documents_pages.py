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
