"""An operator works the complaints queue in the console: the complaint its complainant escalated
on top with the reason, taken, resolved with a resolution the complainant then reads; a
colleague's complaint is taken over only on purpose; nobody else gets in."""

from __future__ import annotations

import hashlib
import html
import json
import re
from datetime import timedelta
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from tests.cases.conftest import MEDIATOR, MEDIATOR_STAFF, T0
from xinyong.accounts import service as accounts
from xinyong.accounts.models import AccessAudit, User
from xinyong.api.app import create_app
from xinyong.cases import complaints
from xinyong.cases.actors import Upload
from xinyong.ledger.api import get_ledger_settings
from xinyong.ledger.models import LedgerLeaf

TOKEN = "cases-console-token"
REASON = "昨晚十一点仍接到催收电话"
RECORDING = Upload("录音.m4a", b"\x00\x00\x00\x20ftypM4A the call at 23:00", "audio/mp4")


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self):
        return self.now


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def client(engine, directory, ledger_settings, clock, monkeypatch):
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", TOKEN)
    app = create_app(engine)
    app.dependency_overrides[get_ledger_settings] = lambda: ledger_settings
    app.state.clock = clock
    with TestClient(app) as c:
        yield c


def sign_in(client: TestClient, name: str = "审核员李娜") -> TestClient:
    """The console's own sign-in with the operator token, as the operator `name`."""
    answer = client.post(
        "/operator/login", data={"name": name, "token": TOKEN, "next": "/operator"}
    )
    assert answer.status_code == 200 and name in answer.text
    return client


def file(session, settings, at, text="晚上十点后仍打电话催收", who="debtor", files=None):
    c, code = complaints.file_complaint(
        session,
        agency_code=MEDIATOR,
        complainant_kind=who,
        complainant_name="张某",
        complainant_contact="13900000000",
        category="harassment",
        text=text,
        now=at,
        settings=settings,
        files=files,
    )
    session.commit()
    return c, code


def rows(page: str) -> list[int]:
    """The complaint ids of the queue's rows, top to bottom."""
    return [int(n) for n in re.findall(r'<tr class="complaint-row" id="complaint-(\d+)"', page)]


def row(page: str, complaint_id: int) -> str:
    return page.split(f'id="complaint-{complaint_id}"')[1].split("</tr>")[0]


@pytest.fixture
def desk(directory, ledger_settings, clock):
    """Three complaints against the mediation centre, two days on: one its complainant escalated
    after the answer, one the 48-hour clock escalated later, one still within its 48 hours."""
    session = directory
    mine, code = file(session, ledger_settings, T0, "催收员深夜打电话", files=[RECORDING])
    complaints.respond(
        session, mine.id, MEDIATOR_STAFF, "已提醒催收员", now=T0 + timedelta(hours=2)
    )
    complaints.escalate(session, mine.id, code, REASON, now=T0 + timedelta(hours=3))
    breached, _ = file(session, ledger_settings, T0 + timedelta(hours=1), "一直没人答复")
    fresh, _ = file(session, ledger_settings, T0 + timedelta(hours=49), "今天又来电话")
    clock.now = T0 + timedelta(hours=50)
    assert complaints.sweep(session, clock.now)["escalated"] == [breached.id]
    session.commit()
    return {"escalated": mine.id, "code": code, "breached": breached.id, "fresh": fresh.id}


def test_an_operator_takes_and_resolves_the_complaint_its_complainant_escalated(
    client, directory, desk
):
    session, mine = directory, desk["escalated"]
    sign_in(client)
    queue = client.get("/operator/complaints").text
    assert 'href="/operator/complaints" aria-current="page"' in queue  # the console's tab
    # The oldest escalation on top, the clock's breach next, then the one still within its time.
    assert rows(queue) == [mine, desk["breached"], desk["fresh"]]
    top = row(queue, mine)
    assert "投诉人申请平台介入" in top and REASON in top and "未认领" in top
    assert "提交 2026-03-02 09:30" in top  # Beijing time (01:30 UTC)
    assert "超过 48 小时未答复" in row(queue, desk["breached"])
    assert "剩余" in row(queue, desk["fresh"])
    assert rows(client.get("/operator/complaints?state=filed").text) == [desk["fresh"]]

    page = client.get(f"/operator/complaints/{mine}").text
    assert "已提醒催收员" in page and REASON in page and "尚无操作员认领" in page
    # The complainant's recording opens for the token operator, whom the API's route would not know.
    href = re.search(r'<a href="(/operator/complaints/\d+/files/\d+)">录音.m4a</a>', page).group(1)
    recording = client.get(href)
    assert recording.status_code == 200 and recording.content == RECORDING.content
    assert client.get(f"/operator/complaints/{desk['breached']}/files/1").status_code == 404
    taken = client.post(f"/operator/complaints/{mine}/take")
    assert f"已认领投诉 {mine}" in taken.text and "由您处理" in taken.text
    assert "认领</b> · 审核员李娜" in taken.text
    assert "审核员李娜" in row(client.get("/operator/complaints").text, mine)

    # A resolution of blanks is refused, says what is missing in both languages, keeps the form.
    blank = client.post(f"/operator/complaints/{mine}/resolve", data={"resolution": "   "})
    assert blank.status_code == 422
    assert "办结意见为必填项" in blank.text and "the resolution is required" in blank.text
    assert 'id="resolution"' in blank.text and 'aria-invalid="true"' in blank.text
    session.expire_all()
    assert complaints.get_complaint(session, mine).state == "escalated"

    done = client.post(
        f"/operator/complaints/{mine}/resolve", data={"resolution": "已约谈机构，责令整改"}
    )
    assert f"投诉 {mine} 已办结" in done.text and "已约谈机构，责令整改" in done.text
    assert 'id="handling"' not in done.text  # nothing left to take or resolve

    # The complainant reads it with the query code.
    client.cookies.clear()
    theirs = client.get(f"/complaints/{mine}", params={"code": desk["code"]}).text
    assert 'data-state="resolved"' in theirs and "已约谈机构，责令整改" in theirs

    # The escalation and the resolution are ledger leaves; the words stay out, by their hash.
    found = [
        (r.leaf_index, json.loads(r.data)["payload"])
        for r in session.scalars(
            select(LedgerLeaf).where(LedgerLeaf.kind == "complaint_step").order_by("leaf_index")
        )
    ]
    leaves = [(i, leaf) for i, leaf in found if leaf["complaint"] == mine]
    assert [(leaf["step"], leaf["by"]) for _, leaf in leaves] == [
        ("escalated", "complainant"),
        ("resolved", "operator"),  # a role: the log is public
    ]
    assert (
        leaves[1][1]["text_sha256"] == hashlib.sha256("已约谈机构，责令整改".encode()).hexdigest()
    )
    assert REASON not in json.dumps([leaf for _, leaf in leaves], ensure_ascii=False)
    # The complaint's history names each step's leaf (the console links it).
    session.expire_all()
    history = complaints.get_complaint(session, mine).history
    assert [h["leaf"] for h in history if "leaf" in h] == [i for i, _ in leaves]
    assert f"/api/v1/ledger/leaves/{leaves[1][0]}" in done.text


def test_a_complaint_a_colleague_holds_is_taken_over_only_on_purpose(
    client, directory, desk, parties
):
    session, breached = directory, desk["breached"]
    api = client.post(f"/api/v1/operator/complaints/{breached}/take", headers=parties.operator)
    colleague = "王敏 (ops) <op@example.cn>"  # the key's account, as the API names operators
    assert api.status_code == 200 and api.json()["operator"] == colleague

    sign_in(client)
    page = client.get(f"/operator/complaints/{breached}").text
    assert html.escape(f"已由 {colleague} 认领") in page
    assert f'name="take_over_from" value="{html.escape(colleague)}"' in page
    # A take without saying whom it is taken from is refused, naming the holder.
    bare = client.post(f"/operator/complaints/{breached}/take")
    assert bare.status_code == 409 and html.escape(f"已由 {colleague} 认领") in bare.text
    # One the holder changed since the page was drawn: reload and decide again.
    stale = client.post(f"/operator/complaints/{breached}/take", data={"take_over_from": "赵刚"})
    assert stale.status_code == 409 and "不是您看到的 赵刚" in stale.text
    over = client.post(f"/operator/complaints/{breached}/take", data={"take_over_from": colleague})
    assert "由您处理" in over.text and html.escape(f"从 {colleague} 处接手") in over.text
    session.expire_all()
    assert complaints.get_complaint(session, breached).operator == "审核员李娜"

    # Through the API the same: refused without take_over_from, then handed back.
    refused = client.post(f"/api/v1/operator/complaints/{breached}/take", headers=parties.operator)
    assert refused.status_code == 409 and "审核员李娜" in refused.json()["detail"]
    back = client.post(
        f"/api/v1/operator/complaints/{breached}/take",
        headers=parties.operator,
        json={"take_over_from": "审核员李娜"},
    )
    assert back.status_code == 200
    assert back.json()["history"][-1] | {"at": None} == {
        "what": "taken",
        "who": colleague,
        "at": None,
        "from": "审核员李娜",
    }
    # Taking one's own complaint again changes nothing; a resolved one is not taken.
    again = client.post(f"/api/v1/operator/complaints/{breached}/take", headers=parties.operator)
    assert again.json()["history"] == back.json()["history"]
    client.post(
        f"/api/v1/operator/complaints/{breached}/resolve",
        headers=parties.operator,
        json={"resolution": "机构已补充答复"},
    )
    late = client.post(f"/operator/complaints/{breached}/take", data={"take_over_from": colleague})
    assert late.status_code == 409 and "已办结" in late.text


def test_nobody_but_an_operator_sees_the_queue_or_takes_a_complaint(
    client, directory, desk, parties
):
    session = directory
    answer = client.get("/operator/complaints", follow_redirects=False)
    assert answer.status_code == 303
    assert answer.headers["location"] == "/operator/login?next=/operator/complaints"
    user = session.scalars(select(User).where(User.email == "creditor@example.cn")).one()
    token, _ = accounts.start_session(session, user)
    session.commit()
    client.cookies.set("xy_session", token)
    for path in ("/operator/complaints", f"/operator/complaints/{desk['escalated']}"):
        assert client.get(path, follow_redirects=False).status_code == 303
    assert "催收员深夜打电话" not in client.get(f"/operator/complaints/{desk['escalated']}").text
    take = client.post(
        f"/api/v1/operator/complaints/{desk['escalated']}/take", headers=parties.creditor
    )
    assert take.status_code == 403
    session.expire_all()
    assert complaints.get_complaint(session, desk["escalated"]).operator is None


def test_a_long_queue_pages_by_keyset_with_ties_in_escalation_time(
    client, directory, ledger_settings, clock
):
    """Fifty-three breaches escalated by one sweep (one time) after one the complainant escalated:
    the complainant's first, then the sweep's by number, every complaint once across pages."""
    session = directory
    first, code = file(session, ledger_settings, T0)
    complaints.respond(session, first.id, MEDIATOR_STAFF, "已处理", now=T0 + timedelta(hours=1))
    complaints.escalate(session, first.id, code, REASON, now=T0 + timedelta(hours=2))
    swept = [file(session, ledger_settings, T0 + timedelta(minutes=i))[0].id for i in range(53)]
    clock.now = T0 + timedelta(hours=60)
    complaints.sweep(session, clock.now)
    session.commit()

    sign_in(client)
    one = client.get("/operator/complaints", params={"state": "escalated"}).text
    assert "第 1–50 条，共 54 条" in one
    assert rows(one) == [first.id, *swept[:49]]
    nxt = html.unescape(re.search(r'<a rel="next" href="([^"]+)"', one).group(1))
    assert "state=escalated" in nxt and "after=" in nxt
    two = client.get(nxt).text
    assert "第 51–54 条，共 54 条" in two and rows(two) == swept[49:]
    prev = html.unescape(re.search(r'<a rel="prev" href="([^"]+)"', two).group(1))
    assert rows(client.get(prev).text) == rows(one)
    # A cursor that does not read starts at the first page rather than failing.
    assert rows(client.get("/operator/complaints?state=escalated&after=nonsense").text) == rows(one)

    # Resolved complaints on their own: the latest first.
    for i, cid in enumerate(swept[:3]):
        clock.now += timedelta(minutes=1)
        complaints.resolve_complaint(session, cid, "王敏", f"办结 {i}", now=clock.now)
    session.commit()
    resolved = client.get("/operator/complaints", params={"state": "resolved"}).text
    assert rows(resolved) == list(reversed(swept[:3]))
    assert set(swept[:3]).isdisjoint(rows(client.get("/operator/complaints").text))


def test_an_operator_asks_to_see_who_complained_and_the_read_is_audited(
    client, directory, desk, parties
):
    """The operator page does not show the complainant's name or phone until the operator asks;
    asking shows them and writes a line of the access audit log, page or API alike. A creditor
    cannot ask."""
    session, mine = directory, desk["escalated"]
    sign_in(client)
    page = client.get(f"/operator/complaints/{mine}").text
    assert "13900000000" not in page and "张某" not in page
    assert "查看姓名与联系方式（记入审计日志）" in page

    shown = client.post(f"/operator/complaints/{mine}/complainant")
    assert shown.status_code == 200
    assert "张某" in shown.text and "13900000000" in shown.text and "已记入审计日志" in shown.text
    line = session.scalars(
        select(AccessAudit).where(AccessAudit.record == f"complaint:{mine}")
    ).one()
    assert (line.action, line.purpose, line.actor) == (
        "unmask",
        "supervision",
        "operator-token 审核员李娜",
    )
    assert line.fields == ["complainant_name", "complainant_contact"]
    assert "13900000000" not in client.get(f"/operator/complaints/{mine}").text  # not kept shown

    api = client.post(
        f"/api/v1/operator/complaints/{mine}/complainant",
        headers={"Authorization": f"Bearer {TOKEN}", "X-Operator": quote("值班员王敏")},
    )
    assert api.status_code == 200
    assert api.json()["contact"] == "13900000000" and api.json()["audit_id"] > line.id
    refused = client.post(
        f"/api/v1/operator/complaints/{mine}/complainant", headers=parties.creditor
    )
    assert refused.status_code == 403
    session.expire_all()
    assert (
        len(
            session.scalars(
                select(AccessAudit).where(AccessAudit.record == f"complaint:{mine}")
            ).all()
        )
        == 2
    )
