"""The creditor's case page with its clock and live stream, and the public complaint form."""

from __future__ import annotations

import re
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.accounts.conftest import PASSWORD
from tests.cases.conftest import CREDITOR, MEDIATOR, MEDIATOR_STAFF, T0
from xinyong.accounts import service as accounts
from xinyong.accounts.models import Organisation
from xinyong.api.app import create_app
from xinyong.cases import service
from xinyong.cases.actors import Upload
from xinyong.ledger.api import get_ledger_settings

PHOTO = Upload("门店.jpg", b"\xff\xd8\xff\xe0 shop front", "image/jpeg")
PAGE = Upload("note.html", b"<script>alert(1)</script>", "text/html")


@pytest.fixture
def client(engine, directory, ledger_settings, monkeypatch):
    monkeypatch.delenv("XINYONG_OPERATOR_TOKEN", raising=False)
    app = create_app(engine)
    app.dependency_overrides[get_ledger_settings] = lambda: ledger_settings
    app.state.clock = lambda: T0
    with TestClient(app, base_url="https://testserver") as c:
        yield c


def _case(session, settings):
    case = service.register_debt(
        session, CREDITOR, debtor_name="连云港某某贸易有限公司", amount=Decimal("80000"),
        basis="货款", due_date=T0.date(), now=T0, settings=settings,
    )  # fmt: skip
    service.entrust(
        session, case.id, CREDITOR, agency_code=MEDIATOR, contract_number="WT-9", now=T0
    )
    service.post_progress(
        session, case.id, MEDIATOR_STAFF, "走访门店", [PHOTO, PAGE], now=T0, settings=settings
    )
    session.commit()
    return case


def _sign_in(client, session, email="clerk@example.cn"):
    """The creditor's clerk signs in with a password; the browser keeps the session cookie."""
    user = accounts.create_user(session, email, password=PASSWORD, display_name="张会计")
    org = session.scalar(select(Organisation).where(Organisation.credit_code == CREDITOR.id))
    accounts.add_member(session, user, org)
    session.commit()
    r = client.post("/login", data={"email": email, "password": PASSWORD})
    assert r.status_code in (200, 303), r.text


def test_the_case_page_shows_the_clock_and_listens_live(
    client, directory, parties, ledger_settings
):
    case = _case(directory, ledger_settings)
    refused = client.get(f"/cases/{case.id}")
    assert refused.status_code == 401 and "须登录" in refused.text
    _sign_in(client, directory)
    page = client.get(f"/cases/{case.id}")
    assert page.status_code == 200
    assert '剩余 <span class="left">72 小时 0 分</span>' in page.text
    assert f"/api/v1/cases/{case.id}/events?after=" in page.text
    assert "走访门店" in page.text and "门店.jpg" in page.text


def test_an_image_opens_in_the_browser_but_uploaded_html_only_downloads(
    client, directory, parties, ledger_settings
):
    case = _case(directory, ledger_settings)
    _sign_in(client, directory)
    page = client.get(f"/cases/{case.id}").text
    # An image is linked twice (its thumbnail and its name): each file once.
    links = dict.fromkeys(re.findall(r'href="(/api/v1/cases/\d+/evidence/\d+/file)"', page))
    photo, html = (client.get(link) for link in links)
    assert photo.content == PHOTO.content and photo.headers["content-type"] == "image/jpeg"
    assert html.headers["content-type"] == "application/octet-stream"
    assert html.headers["content-disposition"].startswith("attachment")


def test_anyone_files_a_complaint_from_the_form_and_gets_a_query_code(client):
    r = client.post(
        "/complaints/new",
        data={
            "agency_code": MEDIATOR,
            "complainant_kind": "relative",
            "complainant_name": "李某",
            "category": "harassment",
            "text": "多次给我打电话要我替亲戚还钱",
        },
        files=[("files", ("通话.png", b"\x89PNG call log", "image/png"))],
    )
    assert r.status_code == 201
    assert "48 小时" in r.text and "剩余" in r.text
    code = re.search(r'<b id="code">([^<]+)</b>', r.text).group(1)
    status = client.get(f"/complaints/1?code={code}")
    assert status.status_code == 200 and "债务人亲友" in status.text
    assert 'data-state="filed">待答复</span>' in status.text  # its state in words
    assert client.get("/complaints/1?code=nope").status_code == 404


def test_a_form_with_a_mistake_says_which_and_keeps_what_was_typed(client):
    r = client.post(
        "/complaints/new",
        data={
            "agency_code": MEDIATOR,
            "complainant_kind": "relative",
            "complainant_name": "李某",
            "category": "harassment",
            "text": "  ",
        },
    )
    assert r.status_code == 422
    assert "投诉内容为必填项" in r.text and 'value="李某"' in r.text
