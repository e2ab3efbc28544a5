"""A creditor entrusts a case from its workspace, the agency posts progress and answers a complaint
from its own, edits its fees with live checking, and the creditor watches an enterprise — all through
the pages, on the real app and database."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.accounts.conftest import PASSWORD
from tests.cases.conftest import (  # noqa: F401 - fixtures used by name
    CREDITOR_CODE,
    CREDITOR_NAME,
    MEDIATOR,
    MEDIATOR_STAFF,
    T0,
    directory,
    ledger_settings,
)
from tests.support.judicial_files import register_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.accounts import service as accounts
from xinyong.accounts.models import Organisation
from xinyong.api.app import create_app
from xinyong.ledger.api import get_ledger_settings

JPEG = b"\xff\xd8\xff\xe0" + b"visit photo" * 20


@pytest.fixture
def app(engine, directory, ledger_settings, monkeypatch):  # noqa: F811
    monkeypatch.delenv("XINYONG_OPERATOR_TOKEN", raising=False)
    app = create_app(engine)
    app.dependency_overrides[get_ledger_settings] = lambda: ledger_settings
    app.state.clock = lambda: T0
    return app


def _browser(app, session, email, code, name, kind):
    """A person of an organisation, signed in with a password in their own browser."""
    user = accounts.create_user(session, email, password=PASSWORD, display_name=email.split("@")[0])
    org = session.scalar(select(Organisation).where(Organisation.credit_code == code))
    if org is None:
        org = accounts.create_organisation(session, code, name, kind)
        if kind == "agency":
            accounts.decide_organisation(session, org.id, True, "op")
    accounts.add_member(session, user, org)
    session.commit()
    client = TestClient(app, base_url="https://testserver")
    r = client.post("/login", data={"email": email, "password": PASSWORD})
    assert r.status_code in (200, 303), r.text
    return client


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


@pytest.fixture
def creditor(app, session):
    with _browser(app, session, "clerk@example.cn", CREDITOR_CODE, CREDITOR_NAME, "creditor") as c:
        yield c


@pytest.fixture
def agency(app, session):
    with _browser(app, session, "staff@example.cn", MEDIATOR, MEDIATOR_STAFF.name, "agency") as c:
        yield c


def _entrust(creditor) -> int:
    form = creditor.get(f"/workspace/entrust?agency={MEDIATOR}").text
    r = creditor.post(
        "/workspace/entrust",
        data={
            "csrf_token": _csrf(form),
            "agency_code": MEDIATOR,
            "schedule_version": "1",
            "accept": "1",
            "debtor_name": "连云港某某贸易有限公司",
            "amount": "80,000.00",
            "basis": "《买卖合同》GC-2025-031 货款",
            "due_date": "2025-12-31",
            "contract_number": "WT-2026-001",
        },
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return int(r.headers["location"].rsplit("/", 1)[1])


def test_the_workspaces_start_empty_and_say_so(creditor, agency):
    home = creditor.get("/workspace", follow_redirects=False)
    assert home.headers["location"] == "/workspace/creditor"
    page = creditor.get("/workspace/creditor").text
    assert "还没有案件" in page and "还没有关注任何企业" in page and "还没有投诉" in page
    assert "No cases yet" in creditor.get("/workspace/creditor?lang=en").text
    assert (
        agency.get("/workspace", follow_redirects=False).headers["location"] == "/workspace/agency"
    )
    inbox = agency.get("/workspace/agency").text
    assert "还没有案件" in inbox and "没有投诉" in inbox and "已列入名录" in inbox


def test_each_workspace_is_its_own_roles(creditor, agency, app):
    denied = creditor.get("/workspace/agency")
    assert denied.status_code == 403
    # Where the role comes from: registering one's organisation on the account page.
    assert "先在账户页登记机构" in denied.text and 'href="/account#register-org"' in denied.text
    assert (
        "register your organisation on your account page first"
        in creditor.get("/workspace/agency?lang=en").text
    )
    assert agency.get("/workspace/creditor").status_code == 403
    with TestClient(app, base_url="https://testserver") as anonymous:
        r = anonymous.get("/workspace/creditor", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].startswith("/login")


def test_entrusting_needs_the_fee_schedule_accepted(creditor):
    form = creditor.get(f"/workspace/entrust?agency={MEDIATOR}").text
    assert "收费标准 第 1 版" in form and "超额累进" in form
    r = creditor.post(
        "/workspace/entrust",
        data={
            "csrf_token": _csrf(form),
            "agency_code": MEDIATOR,
            "schedule_version": "1",
            "debtor_name": "连云港某某贸易有限公司",
            "amount": "80000",
            "basis": "货款",
            "due_date": "2025-12-31",
            "contract_number": "WT-1",
        },
    )
    assert r.status_code == 422
    assert "请阅读并接受该机构的收费标准" in r.text and 'value="连云港某某贸易有限公司"' in r.text
    stale = creditor.post(
        "/workspace/entrust",
        data={"csrf_token": _csrf(form), "agency_code": MEDIATOR, "schedule_version": "7",
              "accept": "1", "debtor_name": "甲", "amount": "1", "basis": "货款",
              "due_date": "2025-12-31", "contract_number": "WT-1"},
    )  # fmt: skip
    assert stale.status_code == 422 and "已更新为第 1 版（您接受的是第 7 版）" in stale.text
    bad_amount = creditor.post(
        "/workspace/entrust",
        data={"csrf_token": _csrf(form), "agency_code": MEDIATOR, "schedule_version": "1",
              "accept": "1", "debtor_name": "甲", "amount": "八万", "basis": "货款",
              "due_date": "2025-12-31", "contract_number": "WT-1"},
    )  # fmt: skip
    assert bad_amount.status_code == 422 and "债权金额：“八万”不是金额" in bad_amount.text
    # In English too the field goes by its label, not by its identifier.
    negative = creditor.post(
        "/workspace/entrust?lang=en",
        data={"csrf_token": _csrf(form), "agency_code": MEDIATOR, "schedule_version": "1",
              "accept": "1", "debtor_name": "甲", "amount": "-500", "basis": "货款",
              "due_date": "2025-12-31", "contract_number": "WT-1"},
    )  # fmt: skip
    assert (
        negative.status_code == 422 and "Amount: amount &#39;-500&#39; is invalid" in negative.text
    )
    assert "amount:" not in negative.text
    assert "还没有案件" in creditor.get("/workspace/creditor").text  # nothing half-registered


def test_a_case_from_entrustment_to_progress_with_its_proof_status(creditor, agency):
    case_id = _entrust(creditor)
    mine = creditor.get("/workspace/creditor").text
    assert "ZW-" in mine and MEDIATOR_STAFF.name in mine and "剩余" in mine
    theirs = agency.get("/workspace/agency").text
    assert f'href="/cases/{case_id}"' in theirs and CREDITOR_NAME in theirs

    page = agency.get(f"/cases/{case_id}").text
    progress_form = f'action="/cases/{case_id}/progress"'
    assert "发布进展" in page and progress_form in page  # the agency's form
    assert progress_form not in creditor.get(f"/cases/{case_id}").text  # the creditor has none
    last = int(re.search(r'data-last="(\d+)"', creditor.get(f"/cases/{case_id}").text).group(1))
    r = agency.post(
        f"/cases/{case_id}/progress",
        data={"csrf_token": _csrf(page), "text": "已走访债务人门店，债务人承认欠款", "report": "1"},
        files={"files": ("门店.jpg", JPEG, "image/jpeg")},
        follow_redirects=False,
    )
    assert r.status_code == 303

    # What the creditor's open page fetches when the live stream says something happened.
    new = creditor.get(f"/cases/{case_id}/timeline?after={last}").text
    assert "已走访债务人门店" in new and "调查报告" in new and "<img" in new
    assert 'data-status="pending"' in new and "等待下一个签名检查点" in new
    creditor.get("/api/v1/ledger/checkpoint")  # a signed checkpoint now covers the leaf
    signed = creditor.get(f"/cases/{case_id}/timeline?after={last}").text
    assert (
        'data-status="included"' in signed
        and "/api/v1/ledger/proofs/inclusion?leaf_hash=" in signed
    )
    proof = re.search(r'href="(/api/v1/ledger/proofs/inclusion[^"]+)"', signed).group(1)
    assert creditor.get(proof.replace("&amp;", "&")).status_code == 200
    # The first report came in time: the clock says so in both workspaces.
    assert "按时" in creditor.get("/workspace/creditor").text
    assert "按时" in agency.get("/workspace/agency").text
    # Someone else's case timeline is not found.
    assert agency.get("/cases/999/timeline").status_code == 404


def test_a_complaint_is_answered_in_the_agency_inbox(creditor, agency):
    case_id = _entrust(creditor)
    page = creditor.get("/workspace/creditor").text
    r = creditor.post(
        "/workspace/complaints",
        data={"csrf_token": _csrf(page), "case_id": str(case_id), "category": "service",
              "text": "委托三天没有任何进展报告"},
        follow_redirects=False,
    )  # fmt: skip
    assert r.status_code == 303
    mine = creditor.get("/workspace/creditor").text
    assert "委托三天没有任何进展报告" in mine and "待答复" in mine and "剩余" in mine
    inbox = agency.get("/workspace/agency").text
    complaint_id = int(re.search(r'id="complaint-(\d+)"', inbox).group(1))
    assert "委托三天没有任何进展报告" in inbox and "48 小时" in inbox
    empty = agency.post(
        f"/workspace/agency/complaints/{complaint_id}/answer",
        data={"csrf_token": _csrf(inbox), "text": " "},
    )
    assert empty.status_code == 422 and "答复内容为必填项" in empty.text
    r = agency.post(
        f"/workspace/agency/complaints/{complaint_id}/answer",
        data={"csrf_token": _csrf(inbox), "text": "已于今日提交首次调查报告，请查阅"},
        follow_redirects=False,
    )
    assert r.status_code == 303
    mine = creditor.get("/workspace/creditor").text
    assert "已于今日提交首次调查报告" in mine and "已答复" in mine


def test_the_fee_editor_checks_each_edit_and_publishes_a_version(agency):
    editor = agency.get("/workspace/agency/fees").text
    assert 'name="band_to" value="50000"' in editor and "符合收费规则" in editor
    # The agency is told which template is the platform's model, and what declaring it earns.
    assert "债务委托协议范本（平台范本）</option>" in editor and "可得星级认证的一星" in editor
    form = {
        "csrf_token": _csrf(editor),
        "method": "marginal",
        "basis": "recovered",
        "contingency": "1",
        "contract_template": "debt_entrustment",
        "band_from": ["0", "40000", "100000"],
        "band_to": ["50000", "100000", ""],
        "band_rate": ["30", "25", "20"],
        "expenses": "actual",
    }
    check = agency.post("/workspace/agency/fees/check", data=form).text
    assert "第 2 档" in check and "重叠" in check and "未通过校验" in check
    assert "<html" not in check  # a fragment for htmx
    typo = agency.post(
        "/workspace/agency/fees/check", data={**form, "band_rate": ["30", "二十五", "20"]}
    )
    assert "第 2 档 费率：“二十五”不是数字" in typo.text
    refused = agency.post("/workspace/agency/fees", data=form)
    assert refused.status_code == 422 and "第 2 档" in refused.text
    form["band_from"] = ["0", "50000", "100000"]
    assert "符合收费规则" in agency.post("/workspace/agency/fees/check", data=form).text
    r = agency.post("/workspace/agency/fees", data=form, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].endswith("published=2")
    public = agency.get(f"/agencies/{MEDIATOR}").text  # what creditors see
    assert "第 2 版" in public and "第 2 版自 2026-" in public.split("历史版本")[1]


def test_an_edit_keeps_the_title_the_published_version_carries(agency, directory):  # noqa: F811
    """Schedules from the directory's files carry their title on the version, not inside the
    schedule: the editor shows it, so publishing an edited rate does not leave it untitled."""
    from xinyong.agencies.service import get_agency, publish_schedule

    untitled = get_agency(directory, MEDIATOR).schedule.schedule.model_copy(
        update={"title_zh": None}
    )
    publish_schedule(directory, MEDIATOR, untitled, title="调解服务收费（2026）", now=T0)
    directory.commit()
    editor = agency.get("/workspace/agency/fees").text
    assert 'name="title_zh" value="调解服务收费（2026）"' in editor


def test_watching_from_the_enterprise_page(creditor, engine, tmp_path):
    register_enterprises(engine, tmp_path, [enterprise_row(21)])
    code = credit_code(21)
    profile = creditor.get(f"/e/{code}").text
    assert f'hx-get="/watch/{code}"' in profile
    button = creditor.get(f"/watch/{code}", headers={"HX-Request": "true"}).text
    assert "关注这家企业" in button and "<html" not in button
    added = creditor.post(
        f"/watch/{code}", data={"csrf_token": _csrf(button)}, headers={"HX-Request": "true"}
    ).text
    assert "已关注" in added and "取消关注" in added
    page = creditor.get("/workspace/creditor").text
    assert "连云港市海州区测试21商贸有限公司" in page and "关注以来没有变动" in page
    assert "无不良记录" in page  # nothing stands against it now
    api = creditor.get("/api/v1/watchlist").json()
    assert [w["credit_code"] for w in api] == [code]
    assert api[0]["records"]["records"] == {
        "dishonest": 0, "enforcement": 0, "penalties": 0, "abnormal": 0
    } and api[0]["records"]["lists"] == []  # fmt: skip
    creditor.post(f"/watch/{code}/remove", data={"csrf_token": _csrf(button)})
    assert creditor.get("/api/v1/watchlist").json() == []
    unknown = creditor.post(
        f"/watch/{credit_code(99)}",
        data={"csrf_token": _csrf(button)},
        headers={"HX-Request": "true"},
    ).text
    assert "无法关注" in unknown


def test_complaint_files_reach_the_agency_and_the_creditor_who_rates_the_answer(
    app, session, creditor, agency
):
    case_id = _entrust(creditor)
    page = creditor.get("/workspace/creditor").text
    creditor.post(
        "/workspace/complaints",
        data={"csrf_token": _csrf(page), "case_id": str(case_id), "category": "harassment",
              "text": "催收员到我公司门口拍照"},
        files=[("files", ("门口照片.jpg", JPEG, "image/jpeg"))],
    )  # fmt: skip
    # The agency sees the photo in its inbox, with its type and size, and opens it.
    inbox = agency.get("/workspace/agency").text
    complaint_id = int(re.search(r'id="complaint-(\d+)"', inbox).group(1))
    assert "门口照片.jpg" in inbox and f"image/jpeg · {len(JPEG)} B" in inbox
    link = re.search(r'href="(/api/v1/complaints/\d+/evidence/\d+/file)"', inbox).group(1)
    assert agency.get(link).content == JPEG
    # Nobody else opens it without the query code.
    with TestClient(app, base_url="https://testserver") as stranger:
        assert stranger.get(link).status_code == 404
    agency.post(
        f"/workspace/agency/complaints/{complaint_id}/answer",
        data={"csrf_token": _csrf(inbox), "text": "已核实，涉事人员停岗"},
        files=[("files", ("处理决定.pdf", b"%PDF-1.4 decision", "application/pdf"))],
    )
    assert "处理决定.pdf" in agency.get("/workspace/agency").text

    # The creditor sees both files in its workspace and opens the complaint without a code.
    mine = creditor.get("/workspace/creditor").text
    assert "门口照片.jpg" in mine and "处理决定.pdf" in mine
    status = creditor.get(f"/complaints/{complaint_id}")
    assert status.status_code == 200 and "已核实，涉事人员停岗" in status.text
    pdf = re.search(r'href="(/api/v1/complaints/\d+/evidence/\d+/file)">处理决定.pdf', status.text)
    assert creditor.get(pdf.group(1)).content == b"%PDF-1.4 decision"
    # It rates the answer there: satisfied.
    rated = creditor.post(
        f"/complaints/{complaint_id}/rating",
        data={"csrf_token": _csrf(status.text), "satisfaction": "4"},
        follow_redirects=False,
    )
    assert rated.status_code == 303
    assert 'id="satisfaction">4 / 5' in creditor.get(rated.headers["location"]).text
    assert "您的评价 4 / 5" in creditor.get("/workspace/creditor").text
