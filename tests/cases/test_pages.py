"""The creditor's case page with its clock and live stream, and the public complaint form."""

from __future__ import annotations

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.accounts.conftest import PASSWORD
from tests.cases.conftest import CREDITOR, MEDIATOR, MEDIATOR_STAFF, T0
from xinyong.accounts import service as accounts
from xinyong.accounts.models import Organisation
from xinyong.api.app import create_app
from xinyong.cases import complaints, service
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
    # The link shown after filing carries the code, written out to be copied.
    link = re.search(r'id="status-link" href="([^"]+)">([^<]+)</a>', r.text)
    assert link.group(1) == f"/complaints/1?code={code}" and link.group(2).endswith(link.group(1))
    status = client.get(f"/complaints/1?code={code}")
    assert status.status_code == 200 and "债务人亲友" in status.text
    assert 'data-state="filed">待答复</span>' in status.text  # its state in words
    assert "通话.png" in status.text  # the photo sent with it


def test_a_complaint_without_its_code_asks_for_it_and_gives_nothing_away(client):
    r = client.post(
        "/complaints/new",
        data={"agency_code": MEDIATOR, "complainant_kind": "debtor", "complainant_name": "王某",
              "category": "harassment", "text": "深夜打电话"},
    )  # fmt: skip
    code = re.search(r'<b id="code">([^<]+)</b>', r.text).group(1)
    # The bare address (as copied from the page) asks for the query code.
    asked = client.get("/complaints/1")
    assert asked.status_code == 200 and "<title>投诉 1" in asked.text
    assert 'name="code"' in asked.text and "深夜打电话" not in asked.text
    # Typing it in opens the complaint.
    opened = client.get("/complaints/1", params={"code": f" {code} "})
    assert opened.status_code == 200 and "深夜打电话" in opened.text
    # A wrong code is said on the same form; a complaint that does not exist reads the same.
    wrong = client.get("/complaints/1", params={"code": "nope"})
    missing = client.get("/complaints/2", params={"code": "nope"})
    assert wrong.status_code == missing.status_code == 404
    assert 'name="code"' in wrong.text and "查询码不符" in wrong.text
    assert "深夜打电话" not in wrong.text and "案件无法打开" not in wrong.text
    assert wrong.text.replace("投诉 1", "投诉 2").replace("/complaints/1", "/complaints/2") == (
        missing.text
    )
    api_wrong = client.get("/api/v1/complaints/1?code=nope").json()
    api_missing = client.get("/api/v1/complaints/2?code=nope").json()
    assert api_wrong["detail"].replace("1", "2") == api_missing["detail"]
    english = client.get("/complaints/1?lang=en")
    assert "<title>Complaint 1" in english.text and "Query code" in english.text


def test_the_complainant_sees_the_answer_with_its_files_and_rates_it(
    client, directory, ledger_settings
):
    r = client.post(
        "/complaints/new",
        data={"agency_code": MEDIATOR, "complainant_kind": "relative", "complainant_name": "李某",
              "category": "harassment", "text": "上门堵我家门"},
        files=[("files", ("门口.jpg", PHOTO.content, "image/jpeg"))],
    )  # fmt: skip
    code = re.search(r'<b id="code">([^<]+)</b>', r.text).group(1)
    page = client.get(f"/complaints/1?code={code}").text
    assert "satisfaction" not in page  # nothing to rate before an answer
    letter = Upload("致歉函.pdf", b"%PDF-1.4 apology", "application/pdf")
    complaints.respond(
        directory, 1, MEDIATOR_STAFF, "已停止上门并书面致歉", [letter],
        now=T0 + timedelta(hours=2), settings=ledger_settings,
    )  # fmt: skip
    directory.commit()

    page = client.get(f"/complaints/1?code={code}").text
    assert "已停止上门并书面致歉" in page
    # Both files are listed with their type and size and open with the code.
    assert "门口.jpg" in page and "image/jpeg" in page and "致歉函.pdf" in page
    assert f"{len(letter.content)} B" in page
    links = dict.fromkeys(
        re.findall(r'href="(/api/v1/complaints/1/evidence/\d+/file\?code=[^"]+)"', page)
    )
    photo, pdf = (client.get(link.replace("&amp;", "&")) for link in links)
    assert photo.content == PHOTO.content and photo.headers["content-type"] == "image/jpeg"
    assert pdf.content == letter.content and pdf.headers["content-type"] == "application/pdf"
    # Without the code the files are not there for anyone.
    assert client.get(next(iter(links)).split("?")[0]).status_code == 404
    # The API says the same.
    files = client.get(f"/api/v1/complaints/1?code={code}").json()["evidence"]
    assert [(f["role"], f["file_name"], f["media_type"]) for f in files] == [
        ("complaint", "门口.jpg", "image/jpeg"),
        ("response", "致歉函.pdf", "application/pdf"),
    ]

    # 不满意: the complainant rates the answer on the same page.
    assert "很不满意" in page and 'name="satisfaction"' in page
    rated = client.post(
        "/complaints/1/rating",
        data={"code": code, "satisfaction": "2", "note": "仍有陌生电话"},
        follow_redirects=False,
    )
    assert rated.status_code == 303
    page = client.get(rated.headers["location"]).text
    assert "感谢您的评价" in page and 'id="satisfaction">2 / 5' in page
    assert 'name="satisfaction"' not in page
    assert complaints.get_complaint(directory, 1).satisfaction_note == "仍有陌生电话"
    refused = client.post("/complaints/1/rating", data={"code": "nope", "satisfaction": "5"})
    assert refused.status_code == 404 and "查询码不符" in refused.text


def test_a_relative_names_the_agency_instead_of_its_code(client):
    # From the agency's page, the form opens with the agency filled in and named.
    agency_page = client.get(f"/agencies/{MEDIATOR}").text
    assert f'href="/complaints/new?agency={MEDIATOR}">投诉该机构</a>' in agency_page
    form = client.get(f"/complaints/new?agency={MEDIATOR}").text
    assert f'value="{MEDIATOR}"' in form and "连云港海州民商事调解中心" in form
    data = {"complainant_kind": "relative", "complainant_name": "李某", "text": "骚扰电话"}
    # A name the directory does not know is said plainly, with what to do instead.
    r = client.post("/complaints/new", data={**data, "agency_code": "江苏田湾律师事务所"})
    assert r.status_code == 422
    assert "机构名录中没有名为“江苏田湾律师事务所”的机构" in r.text and 'href="/agencies"' in r.text
    # The directory's exact name is enough.
    r = client.post("/complaints/new", data={**data, "agency_code": " 连云港海州民商事调解中心 "})
    assert r.status_code == 201 and "连云港海州民商事调解中心" in r.text


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


def test_the_complainant_escalates_over_the_api_and_the_operators_see_it(
    client, directory, parties, ledger_settings
):
    filed = client.post(
        "/api/v1/complaints",
        data={"agency_code": MEDIATOR, "complainant_kind": "debtor", "complainant_name": "王某",
              "category": "fees", "text": "多收了服务费"},
    ).json()  # fmt: skip
    cid, code = filed["complaint"]["id"], filed["query_code"]
    url = f"/api/v1/complaints/{cid}/escalation"
    early = client.post(url, json={"code": code, "reason": "没人答复"})
    assert early.status_code == 409 and "自动移交平台" in early.json()["detail"]
    answer = client.post(
        f"/api/v1/complaints/{cid}/response", data={"text": "按合同收取"}, headers=parties.mediator
    )
    assert answer.status_code == 200, answer.text
    assert client.post(url, json={"code": "guess", "reason": "x"}).status_code == 404
    blank = client.post(url, json={"code": code, "reason": " "})
    assert blank.status_code == 422 and blank.json()["field"] == "reason"
    done = client.post(url, json={"code": code, "reason": "合同约定 20%，实收 30%"})
    assert done.status_code == 200, done.text
    view = done.json()
    assert view["state"] == "escalated" and view["escalated_by"] == "complainant"
    assert view["escalation_reason"] == "合同约定 20%，实收 30%"
    assert client.post(url, json={"code": code, "reason": "再来"}).status_code == 409
    # The agency reads who escalated it and why; the operators find it in their queue.
    seen = client.get(f"/api/v1/complaints/{cid}", headers=parties.mediator).json()
    assert seen["escalation_reason"] == "合同约定 20%，实收 30%"
    queue = client.get("/api/v1/operator/complaints?state=escalated", headers=parties.operator)
    assert [c["id"] for c in queue.json()] == [cid]
    resolved = client.post(
        f"/api/v1/operator/complaints/{cid}/resolve",
        json={"resolution": "已责令机构按合同退还多收部分"},
        headers=parties.operator,
    )
    assert resolved.json()["state"] == "resolved"


def test_an_escalation_without_a_reason_says_so_by_the_form(client, directory, ledger_settings):
    c, code = complaints.file_complaint(
        directory, agency_code=MEDIATOR, complainant_kind="debtor", complainant_name="王某",
        text="半夜打电话", now=T0, settings=ledger_settings,
    )  # fmt: skip
    complaints.respond(directory, c.id, MEDIATOR_STAFF, "已处理", now=T0, settings=ledger_settings)
    directory.commit()
    r = client.post(f"/complaints/{c.id}/escalation", data={"code": code, "reason": "  "})
    assert r.status_code == 422
    assert 'id="escalate-error"' in r.text and "申请平台介入的理由：请说明" in r.text
    en = client.post(
        f"/complaints/{c.id}/escalation?lang=en", data={"code": code, "reason": ""}
    ).text
    assert "Why the platform should step in: say why" in en
    wrong = client.post(f"/complaints/{c.id}/escalation", data={"code": "x", "reason": "不满意"})
    assert wrong.status_code == 404 and "查询码不符" in wrong.text
    assert complaints.get_complaint(directory, c.id).state == "answered"
