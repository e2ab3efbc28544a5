"""Anyone searches the published red and black lists; unpublished entries stay hidden."""

from __future__ import annotations

from tests.lists.story import at, proposal
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
