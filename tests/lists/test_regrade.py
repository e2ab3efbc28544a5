"""A firm on the black list carries a lowered grade; the moment an operator approves its credit
repair (or revokes the entry, upholds an objection against it, or its period runs out), its rating
and its public profile show the grade without the penalty — no rating pass in between — and the
grade's history says which decision moved it, and when. Other firms' kept profiles stay kept."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from tests.lists.story import OPERATOR, at, proposal
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong import wiring
from xinyong.db import session_factory
from xinyong.lists import service as lists
from xinyong.rating import service as rating
from xinyong.rating.models import RatingState
from xinyong.sources.config import get_source
from xinyong.sources.scheduler import run_syncs

FIRM, OTHER = credit_code(1), credit_code(2)
PROPOSAL = {
    "list_type": "black",
    "publicity_class": "general",
    "credit_code": FIRM,
    "subject_name": "连云港市海州区测试1商贸有限公司",
    "reason_zh": "以虚构债务为由向他人催收，扰乱经营秩序",
    "reason_en": "Collected fictitious debts, disturbing business order",
    "legal_basis_zh": "《中华人民共和国反不正当竞争法》第二十条；《信用修复管理办法》",
    "legal_basis_en": "Anti-Unfair Competition Law, article 20; NDRC Measures for Credit Repair",
    "source_records": [{"source": "decision", "source_record_id": "连海市监罚〔2026〕1号"}],
    "authority": "连云港市海州区市场监督管理局",
    "decision_date": "2026-05-04",
}


def _registered_and_graded(engine, folder) -> str:
    """Two unrelated firms in the registry, graded by the nightly pass; firm 1's grade."""
    write_enterprises(
        folder / "enterprises.csv",
        [enterprise_row(1), enterprise_row(2, 法定代表人="陈雅琴")],
    )
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": folder})])
    assert rating.recompute_all(engine, at(2026, 5, 1)).rated == 2
    with _session(engine) as s:
        return rating.view(s, FIRM).grade


def _session(engine):
    return session_factory(engine)()


def _publish(client, clock, headers) -> int:
    clock.now = at(2026, 5, 4)
    entry_id = client.post("/api/v1/operator/lists", json=PROPOSAL, headers=headers).json()["id"]
    client.post(f"/api/v1/operator/lists/{entry_id}/approve", json={}, headers=headers)
    clock.now = at(2026, 5, 11)  # the party's five working days to state its case are over
    published = client.post(f"/api/v1/operator/lists/{entry_id}/publish", headers=headers)
    assert published.status_code == 200, published.text
    return entry_id


def _black_listed(grade_json: dict) -> list[dict]:
    return [
        f for d in grade_json["explanation"] for f in d["factors"] if f["factor"] == "black_listed"
    ]


def _passes(engine) -> list[tuple]:
    """The rating passes' own records: a pass that ran would have moved them."""
    with _session(engine) as s:
        return list(s.execute(select(RatingState.name, RatingState.seq, RatingState.at)))


def test_an_approved_repair_lifts_the_penalty_from_the_grade_at_once(
    client, clock, operator_headers, engine, tmp_path
):
    graded = _registered_and_graded(engine, tmp_path / "gsxt")
    passes = _passes(engine)

    entry_id = _publish(client, clock, operator_headers)
    # Published: the grade counts the entry straight away, and says which decision moved it.
    listed = client.get(f"/api/v1/ratings/{FIRM}").json()
    assert listed["grade"] != graded and listed["score"] < 100
    assert [r["id"] for f in _black_listed(listed) for r in f["records"]] == [entry_id]
    [cause] = listed["history"][0]["cause"]
    assert (cause["record"], cause["id"], cause["action"]) == ("list_entry", entry_id, "published")

    # A creditor checks both firms; the answers are kept.
    profile, other = f"/api/v1/enterprises/{FIRM}", f"/api/v1/enterprises/{OTHER}"
    assert client.get(profile).json()["rating"]["grade"] == listed["grade"]
    kept_other = client.get(other)
    assert client.get(profile).headers["x-cache"] == "hit"

    # Three months on the firm has corrected its conduct and applies for credit repair.
    clock.now = at(2026, 8, 10)
    repair = client.post(
        "/api/v1/repairs",
        json={
            "entry_id": entry_id,
            "applicant_name": "连云港市海州区测试1商贸有限公司",
            "applicant_contact": "repair@example.cn",
            "statement": "已缴清罚款并整改，作出信用承诺",
            "materials": [
                {"kind": k, "name": f"{k}.pdf"}
                for k in ("application_form", "commitment", "rectification")
            ],
        },
    )
    assert repair.status_code == 201, repair.text
    decided_at = at(2026, 8, 20, 15)
    clock.now = decided_at
    approved = client.post(
        f"/api/v1/operator/repairs/{repair.json()['id']}/decision",
        json={"approved": True, "reason": "已纠正失信行为并履行义务"},
        headers=operator_headers,
    )
    assert approved.json()["state"] == "repaired"

    # Straight away, with no rating pass run: the grade without the black-list penalty, in the
    # rating API, in the kept profile (made anew) and on the profile page.
    assert _passes(engine) == passes
    repaired = client.get(f"/api/v1/ratings/{FIRM}").json()
    assert repaired["grade"] == graded and not _black_listed(repaired)
    fresh = client.get(profile)
    assert fresh.headers["x-cache"] == "miss"
    assert fresh.json()["rating"]["grade"] == graded
    assert fresh.json()["rating"]["history"][0] == repaired["history"][0]
    page = client.get(f"/e/{FIRM}").text
    assert f"黑名单信息 {entry_id} 信用修复" in page

    # The history: graded, lowered when published, restored by the repair — when and why.
    history = repaired["history"]
    assert [h["grade"] for h in history] == [graded, listed["grade"], graded]
    assert history[0]["computed_at"].startswith("2026-08-20T07:00")  # 15:00 in Lianyungang
    [cause] = history[0]["cause"]
    assert (cause["id"], cause["action"]) == (entry_id, "repaired")
    assert "信用修复" in cause["zh"] and "repaired" in cause["en"]
    assert history[2]["cause"] is None  # the nightly pass's grade

    # The other firm's kept profile was not thrown away: the decision named only firm 1.
    again = client.get(other)
    assert again.headers["x-cache"] == "carried" and again.content == kept_other.content


def _revoke(client, clock, headers, entry_id: int) -> None:
    clock.now = at(2026, 6, 1)
    revoked = client.post(
        f"/api/v1/operator/lists/{entry_id}/revoke",
        json={"reason": "认定机关已撤销原处罚决定"},
        headers=headers,
    )
    assert revoked.json()["state"] == "revoked"


def _uphold_objection(client, clock, headers, entry_id: int) -> None:
    clock.now = at(2026, 5, 20)
    objection = client.post(
        "/api/v1/objections",
        json={
            "entry_id": entry_id,
            "case_type": "wrong_subject",
            "applicant_name": "周文",
            "applicant_contact": "13800000000",
            "statement": "催收者并非我司",
            "materials": [
                {"kind": k, "name": f"{k}.pdf"}
                for k in ("application_form", "identity", "evidence")
            ],
        },
    )
    assert objection.status_code == 201, objection.text
    clock.now = at(2026, 6, 1)
    decided = client.post(
        f"/api/v1/operator/objections/{objection.json()['id']}/decision",
        json={"upheld": True, "outcome": "revoke", "reason": "处罚决定书所列主体为他人"},
        headers=headers,
    )
    assert decided.json()["state"] == "upheld", decided.text


def _expire(client, clock, headers, entry_id: int) -> None:
    clock.now = at(2027, 5, 4, 0)  # a general entry is published for one year
    expired = client.post("/api/v1/operator/lists/expire", headers=headers)
    assert expired.json() == {"expired": [entry_id]}


@pytest.mark.parametrize(
    "end, action",
    [(_revoke, "revoked"), (_uphold_objection, "revoked"), (_expire, "expired")],
    ids=["revoked", "objection-upheld", "expiry-sweep"],
)
def test_an_entry_removed_otherwise_lifts_the_penalty_at_once(
    client, clock, operator_headers, engine, tmp_path, end, action
):
    graded = _registered_and_graded(engine, tmp_path / "gsxt")
    entry_id = _publish(client, clock, operator_headers)
    profile = f"/api/v1/enterprises/{FIRM}"
    lowered = client.get(profile).json()["rating"]["grade"]
    assert lowered != graded

    end(client, clock, operator_headers, entry_id)

    shown = client.get(profile).json()["rating"]
    assert shown["grade"] == graded
    assert not _black_listed(shown)
    [cause] = shown["history"][0]["cause"]
    assert (cause["id"], cause["action"]) == (entry_id, action)
    assert [h["grade"] for h in shown["history"]] == [graded, lowered, graded]


def test_a_correction_upheld_on_objection_reaches_the_grade_at_once(
    client, clock, operator_headers, engine, tmp_path
):
    """The entry stays published, but what the grade shows of it (the decision it rests on) is
    the corrected one at once: a correction moves no entry's state, and no pass looked for it."""
    _registered_and_graded(engine, tmp_path / "gsxt")
    entry_id = _publish(client, clock, operator_headers)
    clock.now = at(2026, 5, 20)
    objection = client.post(
        "/api/v1/objections",
        json={
            "entry_id": entry_id,
            "case_type": "wrong_facts",
            "applicant_name": "周文",
            "applicant_contact": "13800000000",
            "statement": "处罚决定作出于5月6日",
            "materials": [
                {"kind": k, "name": f"{k}.pdf"}
                for k in ("application_form", "identity", "evidence")
            ],
        },
    ).json()
    clock.now = at(2026, 6, 1)
    decided = client.post(
        f"/api/v1/operator/objections/{objection['id']}/decision",
        json={
            "upheld": True,
            "outcome": "correct",
            "corrections": {"decision_date": "2026-05-06"},
            "reason": "决定书落款日期为5月6日",
        },
        headers=operator_headers,
    )
    assert decided.json()["corrections"] == {
        "decision_date": {"old": "2026-05-04", "new": "2026-05-06"}
    }, decided.text

    shown = client.get(f"/api/v1/enterprises/{FIRM}").json()["rating"]
    [black] = _black_listed(shown)
    assert [r["as_of"] for r in black["records"]] == ["2026-05-06"]
    assert shown["as_of"] >= "2026-05-06"


def test_the_regrade_is_part_of_the_decision_and_undone_with_it(engine, session, tmp_path):
    """The grade is written in the decision's transaction: a decision rolled back (the operator's
    request failed after it) leaves the grade and its history as they were."""
    wiring.connect()  # as the server and the CLI wire the domains
    graded = _registered_and_graded(engine, tmp_path / "gsxt")
    entry = lists.propose(session, proposal(1), OPERATOR, at(2026, 5, 4))
    lists.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
    session.commit()

    lists.publish(session, entry.id, OPERATOR, at(2026, 5, 11))
    inside = rating.view(session, FIRM)  # in the decision's transaction, not committed yet
    assert inside.grade != graded and inside.history[0].cause[0].action == "published"
    session.rollback()

    after = rating.view(session, FIRM)
    assert after.grade == graded and len(after.history) == 1
    assert lists.get_entry(session, entry.id).state == "approved"
