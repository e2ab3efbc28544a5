"""A party objects to its entry: one objection is upheld and corrects (or revokes) the entry, another is
rejected with reasons; both applicants are told, within the deadline, and the history shows it all."""

from __future__ import annotations

from datetime import date

import pytest

from tests.lists.story import OPERATOR, at, materials, notices, proposal
from tests.support.registry_files import credit_code
from xinyong.errors import InvalidInput
from xinyong.lists import lookups, objections, service
from xinyong.lists.schemas import ObjectionDecisionIn, ObjectionIn
from xinyong.lists.workflow import MaterialsMissing

APPLICANT = "连云港市海州区测试1商贸有限公司（经办人 周文）"


def _published(session, n: int = 1, **overrides):
    entry = service.propose(session, proposal(n, **overrides), OPERATOR, at(2026, 5, 4))
    service.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
    service.publish(session, entry.id, OPERATOR, at(2026, 5, 11))
    session.commit()
    return entry


def _objection(entry_id: int, case_type: str = "wrong_facts", kinds=None) -> ObjectionIn:
    return ObjectionIn(
        entry_id=entry_id,
        case_type=case_type,
        applicant_name=APPLICANT,
        applicant_contact="0518-85551234",
        statement="处罚决定已于2026年6月被复议机关变更为一般情节，公示期应相应缩短",
        materials=materials(*(kinds or ("application_form", "identity", "evidence"))),
    )


def test_an_upheld_objection_corrects_the_period_and_the_entry_ends_earlier(session):
    entry = _published(session, publicity_class="serious", publicity_end="2029-05-04")
    filed = objections.submit(session, _objection(entry.id), at(2026, 6, 1))  # a Monday
    session.commit()
    # Ten working days to answer, counted from the day after receipt.
    assert filed.due_on == date(2026, 6, 15)
    assert not objections.to_out(filed, at(2026, 6, 15)).overdue
    assert objections.to_out(filed, at(2026, 6, 16)).overdue

    decided = objections.decide(
        session,
        filed.id,
        ObjectionDecisionIn(
            upheld=True,
            reason="复议决定变更为一般失信，公示期按一般失信确定",
            outcome="correct",
            corrections={"publicity_class": "general", "publicity_end": "2027-05-04"},
        ),
        OPERATOR,
        at(2026, 6, 10),
    )
    session.commit()
    assert (decided.state, decided.outcome) == ("upheld", "correct")
    assert decided.corrections == {
        "publicity_class": {"old": "serious", "new": "general"},
        "publicity_end": {"old": "2029-05-04", "new": "2027-05-04"},
    }
    kept = service.get_entry(session, entry.id)
    assert (kept.state, kept.publicity_class, kept.publicity_end) == (
        "published",
        "general",
        date(2027, 5, 4),
    )
    assert service.expire_due(session, at(2027, 5, 4)) == [entry.id]

    actions = [e.action for e in lookups.history(session, entry.id)]
    assert actions[-4:] == ["objection_submitted", "corrected", "objection_upheld", "expired"]
    told = [n for n in notices(session, entry.id) if n.objection_id == filed.id]
    assert [n.kind for n in told] == ["objection_received", "objection_decided"]
    assert told[0].recipient_contact == "0518-85551234" and "2026-06-15" in told[0].body_zh
    assert "异议成立" in told[1].body_zh and "复议决定变更" in told[1].body_zh


def test_an_objection_upheld_before_publication_revokes_the_entry_for_good(session):
    entry = service.propose(session, proposal(), OPERATOR, at(2026, 5, 4))
    service.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
    filed = objections.submit(session, _objection(entry.id, "wrong_subject"), at(2026, 5, 6))
    # While the objection is open the entry is not published.
    with pytest.raises(service.WrongState) as waiting:
        service.publish(session, entry.id, OPERATOR, at(2026, 5, 11))
    assert "异议" in waiting.value.message_zh
    objections.decide(
        session,
        filed.id,
        ObjectionDecisionIn(upheld=True, reason="被处罚主体为同名另一企业", outcome="revoke"),
        OPERATOR,
        at(2026, 5, 8),
    )
    session.commit()
    assert service.get_entry(session, entry.id).state == "revoked"
    assert not lookups.is_black_listed(session, credit_code(1), at(2026, 6, 1))
    with pytest.raises(service.WrongState):
        service.publish(session, entry.id, OPERATOR, at(2026, 6, 1))


def test_a_rejected_objection_leaves_the_entry_published_and_tells_the_applicant_why(session):
    entry = _published(session)
    filed = objections.submit(session, _objection(entry.id), at(2026, 6, 1))
    decided = objections.decide(
        session,
        filed.id,
        ObjectionDecisionIn(upheld=False, reason="复议机关维持原处罚决定，原认定无误"),
        OPERATOR,
        at(2026, 6, 5),
    )
    session.commit()
    assert (decided.state, decided.outcome) == ("rejected", None)
    assert lookups.is_black_listed(session, credit_code(1), at(2026, 6, 5))
    [answer] = [n for n in notices(session, entry.id) if n.kind == "objection_decided"]
    assert "异议不成立" in answer.body_zh and "维持原认定" in answer.body_zh
    assert "the entry stands" in answer.body_en
    with pytest.raises(service.WrongState):  # decided once
        objections.decide(
            session,
            filed.id,
            ObjectionDecisionIn(upheld=True, reason="x", outcome="revoke"),
            OPERATOR,
        )


def test_an_objection_without_the_required_materials_is_refused_saying_what_is_missing(session):
    entry = _published(session)
    with pytest.raises(MaterialsMissing) as refused:
        objections.submit(
            session, _objection(entry.id, kinds=("application_form",)), at(2026, 6, 1)
        )
    assert "缺少：主体身份证明、证明材料" in refused.value.message_zh
    assert "missing: proof of identity, supporting evidence" in refused.value.message_en
    assert refused.value.detail["missing"] == ["identity", "evidence"]
    with pytest.raises(Exception) as unknown:
        objections.submit(session, _objection(entry.id, case_type="grudge"), at(2026, 6, 1))
    assert "wrong_facts" in str(unknown.value)


def test_a_correction_that_is_not_a_date_is_refused_naming_the_field(session):
    entry = _published(session)
    filed = objections.submit(session, _objection(entry.id), at(2026, 6, 1))
    with pytest.raises(InvalidInput) as refused:
        objections.decide(
            session,
            filed.id,
            ObjectionDecisionIn(
                upheld=True,
                reason="期限有误",
                outcome="correct",
                corrections={"publicity_end": "明年"},
            ),
            OPERATOR,
            at(2026, 6, 2),
        )
    assert (
        "corrections.publicity_end" in refused.value.message_zh
        and "明年" in refused.value.message_en
    )
    with pytest.raises(InvalidInput) as not_correctable:
        objections.decide(
            session,
            filed.id,
            ObjectionDecisionIn(
                upheld=True, reason="x", outcome="correct", corrections={"list_type": "red"}
            ),
            OPERATOR,
            at(2026, 6, 2),
        )
    assert "list_type" in not_correctable.value.message_en
    session.rollback()
    assert service.get_entry(session, entry.id).publicity_end == date(2027, 5, 4)
