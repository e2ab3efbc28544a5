"""A company corrects its conduct and applies for credit repair: once the minimum period has passed
and its materials are complete, approval ends publicity early, and the repair is itself recorded."""

from __future__ import annotations

import pytest

from tests.lists.story import OPERATOR, at, materials, notices, proposal
from tests.support.registry_files import credit_code
from xinyong.lists import lookups, repairs, service
from xinyong.lists.repairs import NotRepairable
from xinyong.lists.schemas import RepairDecisionIn, RepairIn
from xinyong.lists.workflow import MaterialsMissing

GENERAL = ("application_form", "commitment", "rectification")


def _published(session, **overrides):
    entry = service.propose(session, proposal(**overrides), OPERATOR, at(2026, 5, 4))
    service.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
    service.publish(session, entry.id, OPERATOR, at(2026, 5, 11))
    session.commit()
    return entry


def _apply(entry_id: int, kinds=GENERAL) -> RepairIn:
    return RepairIn(
        entry_id=entry_id,
        applicant_name="连云港市海州区测试1商贸有限公司",
        applicant_contact="repair@example.cn",
        statement="已缴清罚款并整改，作出信用承诺",
        materials=materials(*kinds),
    )


def test_a_successful_repair_ends_publicity_early_and_is_recorded(session):
    entry = _published(session)  # general: published until 2027-05-04
    # General dishonesty can be repaired once its three-month minimum has passed.
    with pytest.raises(NotRepairable) as too_early:
        repairs.submit(session, _apply(entry.id), at(2026, 8, 3))
    assert "2026-08-04" in too_early.value.message_zh and "3个月" in too_early.value.message_zh
    with pytest.raises(MaterialsMissing) as incomplete:
        repairs.submit(session, _apply(entry.id, GENERAL[:2]), at(2026, 8, 4))
    assert "已纠正失信行为的证明" in incomplete.value.message_zh

    filed = repairs.submit(session, _apply(entry.id), at(2026, 8, 4))
    session.commit()
    assert repairs.to_out(filed, at(2026, 8, 4)).state_zh == "审核中"
    decided = repairs.decide(
        session,
        filed.id,
        RepairDecisionIn(approved=True, reason="已纠正失信行为并履行义务"),
        OPERATOR,
        at(2026, 8, 20),
    )
    session.commit()
    assert decided.state == "repaired"
    kept = service.get_entry(session, entry.id)
    assert kept.state == "repaired" and kept.ended_at is not None
    assert kept.publicity_end.isoformat() == "2027-05-04"  # the decided period is kept as history
    assert not lookups.is_black_listed(session, credit_code(1), at(2026, 8, 20))
    assert lookups.public_entries(session, "black", at(2026, 8, 20)) == []
    assert service.expire_due(session, at(2027, 5, 4)) == []  # repaired, it never expires later

    steps = [(e.action, e.repair_id) for e in lookups.history(session, entry.id)][-3:]
    assert steps == [
        ("repair_submitted", filed.id),
        ("repaired", filed.id),
        ("repair_repaired", filed.id),
    ]
    kinds = [n.kind for n in notices(session, entry.id)]
    assert kinds[-3:] == ["repair_received", "entry_repaired", "repair_decided"]
    assert "停止公示和共享" in notices(session, entry.id)[-1].body_zh


def test_a_rejected_repair_leaves_the_entry_published(session):
    entry = _published(session)
    filed = repairs.submit(session, _apply(entry.id), at(2026, 9, 1))
    with pytest.raises(service.WrongState):  # one application at a time
        repairs.submit(session, _apply(entry.id), at(2026, 9, 2))
    repairs.decide(
        session,
        filed.id,
        RepairDecisionIn(approved=False, reason="罚款尚未缴清"),
        OPERATOR,
        at(2026, 9, 3),
    )
    session.commit()
    assert lookups.is_black_listed(session, credit_code(1), at(2026, 9, 3))
    assert repairs.get(session, filed.id, check=False).decision_reason == "罚款尚未缴清"


def test_a_dishonest_debtor_is_told_to_seek_repair_at_the_court_and_is_refused_here(session):
    """The notice and the repair service read one rule: the notice does not promise a repair
    here that the service then refuses."""
    entry = _published(session, publicity_class="dishonest_debtor")
    [notice] = [n for n in notices(session, entry.id) if n.kind == "pre_publication_notice"]
    assert "公示期间可依法申请信用修复" not in notice.body_zh
    assert "不适用本平台信用修复" in notice.body_zh and "执行法院" in notice.body_zh
    assert "enforcing court" in notice.body_en
    with pytest.raises(NotRepairable) as refused:
        repairs.submit(session, _apply(entry.id), at(2027, 6, 1))
    assert refused.value.message_zh in notice.body_zh
    assert "最高人民法院" in refused.value.message_zh
    assert "apply to the enforcing court" in refused.value.message_en


def test_the_notice_of_general_dishonesty_says_from_when_repair_may_be_sought(session):
    entry = _published(session)  # general, decided 2026-05-04
    [notice] = [n for n in notices(session, entry.id) if n.kind == "pre_publication_notice"]
    assert "可依" in notice.body_zh and "申请信用修复" in notice.body_zh
    assert "2026-08-04 起" in notice.body_zh and "from 2026-08-04" in notice.body_en
    with pytest.raises(NotRepairable):
        repairs.submit(session, _apply(entry.id), at(2026, 8, 3))
    assert repairs.submit(session, _apply(entry.id), at(2026, 8, 4)).state == "submitted"
