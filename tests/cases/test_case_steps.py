"""The steps after the investigation, taken on the case page: the agency moves the case to
mediation and records money recovered, the creditor sees the fee worked out under the agreed
schedule and closes the case; the creditor's open page refreshes its clock and counts live."""

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
from xinyong.cases import service
from xinyong.cases.actors import Upload
from xinyong.ledger.api import get_ledger_settings

PHOTO = Upload("门店.jpg", b"\xff\xd8\xff\xe0 shop front", "image/jpeg")


@pytest.fixture
def app(engine, directory, ledger_settings, monkeypatch):
    monkeypatch.delenv("XINYONG_OPERATOR_TOKEN", raising=False)
    app = create_app(engine)
    app.dependency_overrides[get_ledger_settings] = lambda: ledger_settings
    app.state.clock = lambda: T0 + timedelta(days=1)
    return app


def _browser(app, session, email: str, org_code: str, name: str) -> TestClient:
    """A person of the organisation signs in with a password, in a browser of their own."""
    user = accounts.create_user(session, email, password=PASSWORD, display_name=name)
    org = session.scalar(select(Organisation).where(Organisation.credit_code == org_code))
    accounts.add_member(session, user, org)
    session.commit()
    browser = TestClient(app, base_url="https://testserver")
    r = browser.post("/login", data={"email": email, "password": PASSWORD})
    assert r.status_code in (200, 303), r.text
    return browser


@pytest.fixture
def creditor(app, directory, parties):
    with _browser(app, directory, "clerk@example.cn", CREDITOR.id, "张会计") as browser:
        yield browser


@pytest.fixture
def agency(app, directory, parties):
    with _browser(app, directory, "staff@example.cn", MEDIATOR, "李调解员") as browser:
        yield browser


@pytest.fixture
def case_id(directory, ledger_settings) -> int:
    """80,000 yuan owed, entrusted to the mediation centre (30 % of the first 50,000)."""
    case = service.register_debt(
        directory, CREDITOR, debtor_name="连云港某某贸易有限公司", amount=Decimal("80000"),
        basis="货款", due_date=T0.date(), now=T0, settings=ledger_settings,
    )  # fmt: skip
    service.entrust(
        directory, case.id, CREDITOR, agency_code=MEDIATOR, contract_number="WT-9", now=T0
    )
    directory.commit()
    return case.id


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _report(session, case_id, settings) -> None:
    service.post_progress(
        session, case_id, MEDIATOR_STAFF, "走访门店，债务人同意协商", [PHOTO], report=True,
        now=T0 + timedelta(hours=20), settings=settings,
    )  # fmt: skip
    session.commit()


def test_the_agency_mediates_records_a_recovery_and_the_creditor_sees_the_fee_and_closes(
    creditor, agency, case_id, directory, ledger_settings
):
    _report(directory, case_id, ledger_settings)
    page = agency.get(f"/cases/{case_id}").text
    # From 调查中 the agency may go on to 协商 / 调解 / 诉讼 or close, and record money recovered.
    move_to = re.search(r'<select id="move-to".*?</select>', page, re.S).group(0)
    options = re.findall(r'<option value="(\w+)"', move_to)
    assert options == ["negotiating", "mediating", "litigating", "closed"]
    assert f'action="/cases/{case_id}/recoveries"' in page

    moved = agency.post(
        f"/cases/{case_id}/state",
        data={"csrf_token": _csrf(page), "to_state": "mediating", "note": "双方同意到调解中心调解"},
        follow_redirects=False,
    )
    assert moved.status_code == 303
    page = agency.get(moved.headers["location"]).text
    assert "案件已推进" in page and '<span id="state">调解中</span>' in page
    assert "双方同意到调解中心调解" in page  # on the timeline

    # Too much first: the form says which field, by its label, and keeps what was typed.
    # The date defaults to today in Beijing, and may be neither later nor before the entrustment.
    assert 'name="received_on" type="date" required value="2026-03-03" max="2026-03-03"' in page
    assert 'min="2026-03-02"' in page
    paid = {"csrf_token": _csrf(page), "note": "经调解付至债权人账户"}
    too_much = agency.post(
        f"/cases/{case_id}/recoveries",
        data={**paid, "amount": "90000", "method": "bank_transfer", "received_on": "2026-03-03"},
    )
    assert too_much.status_code == 422
    assert "回款金额：回款 90,000 元超过尚未回收的 80,000 元" in too_much.text
    assert 'value="90000"' in too_much.text and "经调解付至债权人账户</textarea>" in too_much.text
    assert "amount：" not in too_much.text
    assert '<option value="bank_transfer" selected>' in too_much.text
    ahead = agency.post(
        f"/cases/{case_id}/recoveries",
        data={**paid, "amount": "20000", "method": "bank_transfer", "received_on": "2026-03-04"},
    )
    assert ahead.status_code == 422
    assert "回款日期：回款日期 2026-03-04 晚于今天（2026-03-03，北京时间）" in ahead.text
    assert 'value="2026-03-04"' in ahead.text  # what was typed comes back
    before = agency.post(
        f"/cases/{case_id}/recoveries?lang=en",
        data={**paid, "amount": "20000", "method": "cash", "received_on": "2026-03-01"},
    )
    assert before.status_code == 422
    assert "Date received: 2026-03-01 is before the case was entrusted on 2026-03-02" in before.text
    unsaid = agency.post(
        f"/cases/{case_id}/recoveries",
        data={**paid, "amount": "20000", "method": "", "received_on": "2026-03-03"},
    )
    assert unsaid.status_code == 422 and "回款方式：回款方式“”无效" in unsaid.text
    garbled = agency.post(
        f"/cases/{case_id}/recoveries",
        data={**paid, "amount": "20000", "method": "cash", "received_on": "3月3日"},
    )
    assert (
        garbled.status_code == 422
        and "回款日期：日期“3月3日”无效，应写作 2026-03-05" in garbled.text
    )

    recorded = agency.post(
        f"/cases/{case_id}/recoveries",
        data={
            **paid,
            "amount": "20000",
            "method": "court_enforcement",
            "received_on": "2026-03-02",
        },
        follow_redirects=False,
    )
    assert recorded.status_code == 303

    # The creditor's page: the money, the fee under the agreed schedule, line by line.
    mine = creditor.get(f"/cases/{case_id}").text
    assert '<span id="state">部分回收</span>' in mine
    assert "20,000.00 元" in mine and "25.0%" in mine
    fee = re.search(r'<td id="fee">(.*?)</td>', mine, re.S).group(1)
    assert "6,000.00 元" in fee and "前 50,000 元按 30%" not in fee  # only 20,000 came back
    assert "按 30% 计 6,000 元" in fee
    assert "回款" in mine and "经调解付至债权人账户" in mine
    # The recoveries are listed with the day the money came in and how.
    row = re.search(r'<tr id="recovery-\d+">(.*?)</tr>', mine, re.S).group(1)
    assert "2026-03-02" in row and "法院执行款划付" in row and "20,000" in row
    assert "（2026-03-02 到账，法院执行款划付）" in mine  # on the timeline too
    # The creditor neither moves the case on nor records money; it may close it.
    assert f'action="/cases/{case_id}/recoveries"' not in mine
    assert 'name="to_state" required' not in mine and "结案 / 撤回委托" in mine

    refused = creditor.post(
        f"/cases/{case_id}/state",
        data={"csrf_token": _csrf(mine), "to_state": "litigating", "note": "起诉吧"},
    )
    assert refused.status_code == 403 and "只有受托机构可以进行此操作" in refused.text

    closed = creditor.post(
        f"/cases/{case_id}/state",
        data={
            "csrf_token": _csrf(mine),
            "to_state": "closed",
            "note": "债务人已分期付款，撤回委托",
        },
        follow_redirects=False,
    )
    assert closed.status_code == 303
    mine = creditor.get(closed.headers["location"]).text
    assert "案件已结案" in mine and '<span id="state">已结案</span>' in mine
    assert "债务人已分期付款，撤回委托" in mine
    assert "结案 / 撤回委托" not in mine  # nothing left to do
    # The agency's page has no forms left either; the fee stays.
    theirs = agency.get(f"/cases/{case_id}").text
    assert 'action="/cases/' not in theirs and "6,000.00 元" in theirs


def test_the_creditors_open_page_learns_the_report_came_in_time(
    creditor, case_id, directory, ledger_settings
):
    page = creditor.get(f"/cases/{case_id}").text
    assert "剩余" in page and '<span id="evidence-count">证据：0 项</span>' in page
    last = re.search(r'data-last="(\d+)"', page).group(1)

    _report(directory, case_id, ledger_settings)

    # What the open page fetches when the live stream says something happened: the new items and
    # the header's parts as they are now, which its script puts in place of its own.
    fresh = creditor.get(f"/cases/{case_id}/timeline?after={last}").text
    assert "走访门店，债务人同意协商" in fresh
    part = dict(re.findall(r'<template data-part="([\w-]+)">(.*?)</template>', fresh, re.S))
    assert "调查中" in part["state"]
    assert "按时" in part["first-report"] and "剩余" not in part["first-report"]
    assert "证据：1 项" in part["evidence-count"]  # the report's photo
    assert "0.00 元" in part["recovered"]


def test_the_english_view_keeps_to_english(creditor, case_id, directory, ledger_settings):
    _report(directory, case_id, ledger_settings)
    page = creditor.get(f"/cases/{case_id}?lang=en").text
    clock = " ".join(re.search(r'<span class="clock".*?</td>', page, re.S).group(0).split())
    assert '3-day clock: <b class="ok">on time</b> (deadline' in clock
    assert not re.search(r"[\u4e00-\u9fff]", clock)  # no Chinese left in the clock
    assert "entrusted →" not in page
    assert "ledger entry no." in page and 'title="Ledger entry no.:' in page
    assert "leaf #" not in page


def test_the_case_page_lists_the_complaints_about_the_case_its_viewer_may_read(
    creditor, agency, case_id, directory, ledger_settings
):
    from xinyong.cases import complaints

    mine, _ = complaints.file_complaint(
        directory, agency_code=MEDIATOR, complainant_kind="creditor", complainant_name="张会计",
        text="三天没有进展", category="service", case_id=case_id, creditor=CREDITOR,
        now=T0, settings=ledger_settings,
    )  # fmt: skip
    debtors, _ = complaints.file_complaint(
        directory, agency_code=MEDIATOR, complainant_kind="debtor", complainant_name="赵某",
        text="深夜来电", category="harassment", case_id=case_id, now=T0, settings=ledger_settings,
    )  # fmt: skip
    directory.commit()
    page = creditor.get(f"/cases/{case_id}").text
    listed = re.search(r'<div class="card" id="case-complaints">(.*?)</div>', page, re.S).group(1)
    assert f'href="/complaints/{mine.id}"' in listed and "服务质量" in listed
    assert f'href="/complaints/{debtors.id}"' not in listed  # a debtor's complaint names people
    theirs = agency.get(f"/cases/{case_id}").text
    assert (
        f'href="/complaints/{debtors.id}"' in theirs and f'href="/complaints/{mine.id}"' in theirs
    )
    # From the complaint, the creditor finds its way back to the case.
    back = creditor.get(f"/complaints/{mine.id}").text
    assert f'href="/cases/{case_id}"' in back
