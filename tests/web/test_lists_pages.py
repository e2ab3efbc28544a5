"""Anyone searches the published red and black lists; unpublished entries stay hidden."""

from __future__ import annotations

import re

import pytest

from tests.lists.story import at, notices, proposal
from xinyong.lists import service


def _published(session, n, clock, **overrides):
    entry = service.propose(session, proposal(n, **overrides), "审核员", clock())
    service.approve(session, entry.id, "审核员", None, clock())
    return entry


def test_published_entries_are_found_by_name_part_and_by_code(client, session, clock):
    black = _published(session, 1, clock)
    red = _published(
        session,
        2,
        clock,
        list_type="red",
        publicity_class="recommended",
        subject_name="连云港市诚信示范商贸有限公司",
    )
    hidden = service.propose(session, proposal(3), "审核员", clock())
    session.commit()
    clock.now = at(2026, 5, 20)
    service.publish(session, black.id, "审核员", clock())
    service.publish(session, red.id, "审核员", clock())
    session.commit()

    everything = client.get("/lists").text
    assert everything.count('<tr class="entry') == 2
    assert "测试3" not in everything  # proposed, not published
    blacks = client.get("/lists", params={"type": "black"}).text
    assert "测试1商贸" in blacks and "诚信示范" not in blacks
    by_name = client.get("/lists", params={"q": "诚信示范"}).text
    assert by_name.count('<tr class="entry') == 1 and "诚信示范" in by_name
    by_code = client.get("/lists", params={"q": black.credit_code.lower()}).text
    assert by_code.count('<tr class="entry') == 1 and "测试1商贸" in by_code
    nothing = client.get("/lists", params={"q": "没有这家"}).text
    assert "没有符合条件的公示名单信息" in nothing

    detail = client.get(f"/lists/{black.id}")
    assert detail.status_code == 200 and "官方名单（依法认定并公示）" in detail.text
    assert client.get(f"/lists/{hidden.id}").status_code == 404


def test_the_party_objects_from_the_entry_page_and_gets_a_query_code(client, session, clock):
    entry = _published(session, 5, clock)
    session.commit()
    clock.now = at(2026, 5, 20)
    service.publish(session, entry.id, "审核员", clock())
    session.commit()
    form = {
        "case_type": "wrong_facts",
        "applicant_name": "连云港市海州区测试5商贸有限公司",
        "applicant_contact": "0518-85551234",
        "statement": "处罚决定已被复议撤销",
        "material_application_form": "异议申请书.pdf",
        "material_identity": "营业执照.pdf",
    }
    missing = client.post(f"/lists/{entry.id}/objection", data=form)
    assert missing.status_code == 422
    assert "缺少：证明材料" in missing.text
    assert "处罚决定已被复议撤销" in missing.text  # what was typed is kept
    received = client.post(
        f"/lists/{entry.id}/objection", data=form | {"material_evidence": "复议决定书.pdf"}
    )
    assert received.status_code == 201 and "异议已受理" in received.text
    assert "查询码" in received.text and "答复期限" in received.text


def _query_code(html: str) -> str:
    return re.search(r"<code>([\w-]+)</code>", html).group(1)


def _receipt_number(html: str) -> str:
    return re.search(r"编号 (\d+)</b>", html).group(1)


def test_the_notified_party_objects_by_the_link_in_its_notice_before_publication(
    client, session, clock
):
    """测试6商贸 is told it is to be blacklisted. Its notice carries a link; with it the firm
    reads the entry and objects on the site, while nobody else can see the unpublished entry.
    Later it follows its objection with the receipt's query code."""
    entry = _published(session, 6, clock)  # approved and notified, not yet published
    session.commit()
    [notice] = [n for n in notices(session, entry.id) if n.kind == "pre_publication_notice"]
    link = re.search(r"/lists/\d+\?code=[\w-]+", notice.body_zh).group(0)
    assert link in notice.body_en

    hidden = client.get(f"/lists/{entry.id}")
    guessed = client.get(f"/lists/{entry.id}", params={"code": "guess"})
    assert hidden.status_code == guessed.status_code == 404
    assert "测试6商贸" not in hidden.text + guessed.text
    assert "测试6商贸" not in client.get("/lists").text  # the public list: published only

    mine = client.get(link)
    assert mine.status_code == 200 and "测试6商贸" in mine.text
    assert "告知阶段：本信息尚未公示" in mine.text
    assert mine.headers["cache-control"] == "no-store"
    assert 'id="repair"' not in mine.text  # nothing to repair before publication
    code = link.split("code=")[1]
    form = {
        "code": code,
        "case_type": "wrong_subject",
        "applicant_name": "连云港市海州区测试6商贸有限公司",
        "applicant_contact": "0518-85556666",
        "statement": "被处罚的是同名的另一家公司",
        "material_application_form": "异议申请书.pdf",
        "material_identity": "营业执照.pdf",
        "material_evidence": "登记信息.pdf",
    }
    # Without the notice's code the form is answered like the page: no such published entry.
    assert client.post(f"/lists/{entry.id}/objection", data=form | {"code": ""}).status_code == 404
    received = client.post(f"/lists/{entry.id}/objection", data=form)
    assert received.status_code == 201 and "异议已受理" in received.text
    number, query_code = _receipt_number(received.text), _query_code(received.text)
    assert f'href="/lists/progress?kind=objection&amp;id={number}"' in received.text

    # The progress page: a wrong code and a number that does not exist read the same.
    assert (
        client.get("/lists/progress", params={"kind": "objection", "id": number}).status_code == 200
    )
    wrong = client.post(
        "/lists/progress", data={"kind": "objection", "id": number, "query_code": "guess"}
    )
    absent = client.post(
        "/lists/progress", data={"kind": "objection", "id": "999999", "query_code": query_code}
    )
    assert wrong.status_code == absent.status_code == 404
    assert "不存在或查询码不符" in wrong.text and "不存在或查询码不符" in absent.text
    assert "被处罚的是同名" not in wrong.text + absent.text
    found = client.post(
        "/lists/progress", data={"kind": "objection", "id": number, "query_code": query_code}
    )
    assert found.status_code == 200 and "处理中" in found.text
    assert "主体错误" in found.text  # the kind of objection, in words
    # Publication waits for the objection: the operator's attempt is refused.
    clock.now = at(2026, 5, 20)
    with pytest.raises(service.WrongState):
        service.publish(session, entry.id, "审核员", clock())


def test_the_party_applies_for_credit_repair_on_the_entry_page(client, session, clock):
    entry = _published(session, 7, clock)  # general dishonesty, decided 2026-05-04
    session.commit()
    clock.now = at(2026, 5, 20)
    service.publish(session, entry.id, "审核员", clock())
    session.commit()

    early = client.get(f"/lists/{entry.id}").text
    assert "2026-08-04 起" in early and 'action="/lists/' + str(entry.id) + '/repair"' not in early

    clock.now = at(2026, 8, 4)
    page = client.get(f"/lists/{entry.id}").text
    assert f'action="/lists/{entry.id}/repair"' in page
    for material in ("申请书", "信用承诺书", "已纠正失信行为的证明"):
        assert material in page
    form = {
        "applicant_name": "连云港市海州区测试7商贸有限公司",
        "applicant_contact": "repair@example.cn",
        "statement": "已缴清罚款并整改，作出信用承诺",
        "material_application_form": "修复申请书.pdf",
        "material_commitment": "信用承诺书.pdf",
    }
    incomplete = client.post(f"/lists/{entry.id}/repair", data=form)
    assert incomplete.status_code == 422 and "缺少：已纠正失信行为的证明" in incomplete.text
    assert "已缴清罚款并整改" in incomplete.text  # what was typed is kept
    received = client.post(
        f"/lists/{entry.id}/repair", data=form | {"material_rectification": "整改报告.pdf"}
    )
    assert received.status_code == 201 and "信用修复申请已受理" in received.text
    number, code = _receipt_number(received.text), _query_code(received.text)
    again = client.post(
        f"/lists/{entry.id}/repair", data=form | {"material_rectification": "整改报告.pdf"}
    )
    assert again.status_code == 409 and "已有审核中的修复申请" in again.text

    status = client.post(
        "/lists/progress", data={"kind": "repair", "id": number, "query_code": code}
    )
    assert status.status_code == 200 and "审核中" in status.text
    # The wrong kind with the right number is no way in either.
    other = client.post(
        "/lists/progress", data={"kind": "objection", "id": number, "query_code": code}
    )
    assert other.status_code == 404


def test_a_dishonest_debtor_entry_page_sends_repair_to_the_court(client, session, clock):
    entry = _published(session, 8, clock, publicity_class="dishonest_debtor")
    session.commit()
    clock.now = at(2026, 5, 20)
    service.publish(session, entry.id, "审核员", clock())
    session.commit()
    page = client.get(f"/lists/{entry.id}").text
    assert "不适用本平台信用修复" in page and "执行法院" in page
    assert f'action="/lists/{entry.id}/repair"' not in page
    assert "POST /api/v1/repairs" not in page
