"""An auditor reaches the oldest entries of a long audit log a page at a time, the filters kept
in every link, in the console and through the API; the risk-flag queue pages the same way."""

from __future__ import annotations

import html
import re
from datetime import UTC, datetime, timedelta

import pytest

from xinyong.accounts import service as accounts
from xinyong.accounts.models import AccessAudit
from xinyong.alerts.models import Alert

START = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)  # 09:00 in Beijing


@pytest.fixture
def long_log(session):
    """130 lines over 130 minutes: 王 unmasked 70 records, 李 exported 60, interleaved."""
    for i in range(130):
        wang = i % 13 < 7
        session.add(
            AccessAudit(
                at=START + timedelta(minutes=i),
                actor="user:1 wang@example.cn" if wang else "user:2 li@example.cn",
                role="operator",
                action="unmask" if wang else "export",
                record=f"dishonest_record:{i}",
                fields=["party_name"],
                purpose="enforcement",
            )
        )
    session.commit()


def _link(page: str, rel: str) -> str | None:
    found = re.search(rf'<a rel="{rel}" href="([^"]+)"', page)
    return html.unescape(found.group(1)) if found else None


def _records(page: str) -> list[int]:
    return [int(n) for n in re.findall(r"<td>dishonest_record:(\d+)", page)]


def test_an_auditor_walks_the_filtered_log_to_its_oldest_entry_and_back(operator, long_log):
    first = operator.get("/operator/audit", params={"user": "wang", "since": "2026-05-04"}).text
    assert "第 1–50 条，共 70 条" in first and _link(first, "prev") is None
    seen = _records(first)
    assert seen == sorted(seen, reverse=True) and seen[0] == 123  # newest first (王's last)

    nxt = _link(first, "next")
    assert "user=wang" in nxt and "since=2026-05-04" in nxt and "before=" in nxt
    last = operator.get(nxt).text
    assert "第 51–70 条，共 70 条" in last and _link(last, "next") is None
    seen += _records(last)
    wangs = [i for i in range(130) if i % 13 < 7]
    assert sorted(seen) == wangs  # every entry once, none of 李's, the oldest reached

    back = _link(last, "prev")
    assert "user=wang" in back and "after=" in back
    assert _records(operator.get(back).text) == _records(first)


def test_a_stale_cursor_says_so_and_offers_the_first_page(operator, long_log):
    past = operator.get("/operator/audit", params={"action": "export", "before": 1}).text
    assert "这一页没有条目（共 60 条）" in past
    assert _link(past, "first") == "/operator/audit?action=export"


def test_the_audit_api_pages_the_same_way_with_link_headers(client, session, long_log):
    user = accounts.create_user(session, "audit@example.cn", roles=["auditor"])
    key = accounts.issue_api_key(session, user, "log", scopes=["read"]).headers
    session.commit()
    url, got = "/api/v1/access-log?action=unmask&limit=40", []
    while url:
        answer = client.get(url, headers=key)
        assert answer.status_code == 200 and answer.headers["x-total-count"] == "70"
        got += [e["record"] for e in answer.json()]
        found = re.search(r'<([^>]+)>; rel="next"', answer.headers.get("link", ""))
        url = found.group(1) if found else None
        if url:
            assert "action=unmask" in url and "limit=40" in url
    assert len(got) == len(set(got)) == 70
    assert 'rel="prev"' in answer.headers["link"]  # the last page links back
    stale = client.get("/api/v1/access-log?offset=40", headers=key)
    assert stale.status_code == 422  # offsets shift as entries arrive: use ?before=


def test_the_risk_flag_queue_pages_and_keeps_its_tab(operator, session):
    for i in range(55):
        session.add(
            Alert(
                rule_id="name_says_collection",
                rule_version=1,
                kind="warning",
                severity="medium",
                layout="registry.enterprises",
                source="gsxt",
                source_record_id=str(i),
                digest=f"{i:032d}",
                message_zh=f"第 {i} 条预警",
                message_en=f"alert {i}",
                evidence={},
                status="acknowledged",
            )
        )
    session.commit()
    first = operator.get("/operator/alerts", params={"status": "acknowledged"}).text
    assert "第 1–50 条，共 55 条" in first
    last = operator.get(_link(first, "next")).text
    assert "第 51–55 条，共 55 条" in last and "第 0 条预警" in last
    assert "status=acknowledged" in _link(last, "prev")


def _cases(page: str, kind: str) -> list[int]:
    return [int(n) for n in re.findall(rf'id="{kind}-(\d+)"', page)]


@pytest.fixture
def open_cases(session):
    """A published entry with 210 open objections and 60 open repair requests, filed over months
    whose deadlines do not follow their filing order (a longer one for some case types), and a
    few already decided, which the queue does not show. Returns each kind's open (due, id)."""
    from datetime import date

    from tests.lists.story import proposal
    from xinyong.lists import service
    from xinyong.lists.models import Objection, RepairRequest

    entry = service.propose(session, proposal(1), "规则", START)
    service.approve(session, entry.id, "审核员李娜", None, START)
    service.publish(session, entry.id, "审核员李娜", START + timedelta(days=8))
    due: dict[str, list[tuple[date, int]]] = {"objection": [], "repair": []}
    for kind, model, count in (("objection", Objection, 210), ("repair", RepairRequest, 60)):
        for i in range(count):
            decided = i % 50 == 7
            row = model(
                entry_id=entry.id,
                applicant_name=f"申请人{i}",
                applicant_contact="0518-85557777",
                statement=f"第 {i} 件",
                query_code=f"{i:032d}",
                materials=[],
                state="rejected" if decided else "submitted",
                submitted_at=START + timedelta(hours=i),
                due_on=date(2026, 6, 1) + timedelta(days=(i * 7) % 40),
            )
            if kind == "objection":
                row.case_type = "wrong_facts"
            session.add(row)
            session.flush()
            if not decided:
                due[kind].append((row.due_on, row.id))
    session.commit()
    return {kind: [i for _, i in sorted(found)] for kind, found in due.items()}


def test_the_cases_queue_reaches_every_open_objection_and_repair_oldest_deadline_first(
    operator, open_cases
):
    """Past the 200 the page used to show: the operator pages the objections to the last one,
    in deadline order, while the repairs keep their own page — and the headings count them all."""
    objections, repairs = open_cases["objection"], open_cases["repair"]
    assert len(objections) == 205 and len(repairs) == 58
    first = operator.get("/operator/cases").text
    assert "（205）" in first.split('id="repairs"')[0]
    assert "（58）" in first.split('id="repairs"')[1]
    assert "第 1–50 条，共 205 条" in first and "第 1–50 条，共 58 条" in first

    # Walk the objections, with the repairs on their second page: that page stays put.
    repair_next = [
        link for link in re.findall(r'<a rel="next" href="([^"]+)"', first) if "repair." in link
    ][0]
    page = operator.get(html.unescape(repair_next)).text
    seen, repairs_seen = [], _cases(page, "repair")
    assert repairs_seen == repairs[50:]
    while True:
        seen += _cases(page, "objection")
        assert _cases(page, "repair") == repairs[50:]
        nxt = [
            html.unescape(link)
            for link in re.findall(r'<a rel="next" href="([^"]+)"', page)
            if "objection." in link
        ]
        if not nxt:
            break
        assert "repair.before" in nxt[0] or "repair.after" in nxt[0]
        page = operator.get(nxt[0]).text
    assert seen == objections  # every open one once, the one due first first
    assert "第 201–205 条，共 205 条" in page

    back = [
        link for link in re.findall(r'<a rel="prev" href="([^"]+)"', page) if "objection." in link
    ]
    assert _cases(operator.get(html.unescape(back[0])).text, "objection") == objections[150:200]


def test_a_decision_returns_the_operator_to_the_page_they_decided_on(operator, open_cases):
    """Deciding a repair on the second page of repairs (objections on their second page too)
    brings the operator back to both pages, not to the first ones."""
    objections, repairs = open_cases["objection"], open_cases["repair"]
    first = operator.get("/operator/cases").text
    to_second = {
        kind: html.unescape(
            [link for link in re.findall(r'<a rel="next" href="([^"]+)"', first) if kind in link][0]
        )
        for kind in ("objection.", "repair.")
    }
    query = "&".join(link.split("?", 1)[1].split("#")[0] for link in to_second.values())
    page = operator.get(f"/operator/cases?{query}").text
    assert _cases(page, "objection") == objections[50:100]
    target = repairs[50]
    form = re.search(rf'<form method="post" action="(/operator/repairs/{target}[^"]*)"', page)
    decided = operator.post(
        html.unescape(form.group(1)),
        data={"approved": "no", "reason": "材料不全"},
        follow_redirects=False,
    )
    assert decided.status_code == 303
    where = decided.headers["location"]
    assert "objection.after=" in where and "repair.after=" in where and where.endswith("#repairs")
    back = operator.get(where).text
    assert f"信用修复 {target} 已决定" in back
    assert _cases(back, "objection") == objections[50:100]
    assert _cases(back, "repair") == repairs[51:]
