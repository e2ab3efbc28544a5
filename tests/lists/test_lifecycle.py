"""An operator takes a blacklist entry from proposal to publication; a year later it expires by itself,
leaving its history; a rejected proposal is never published."""

from __future__ import annotations

from datetime import date

import pytest

from tests.lists.story import OPERATOR, at, notices, proposal
from tests.support.registry_files import credit_code
from xinyong.lists import lookups, service
from xinyong.lists.service import WrongState


def test_a_general_dishonesty_entry_is_published_after_notice_and_expires_by_itself(session):
    entry = service.propose(session, proposal(), OPERATOR, at(2026, 5, 4, 9))
    session.commit()
    # Counted from the decision: general dishonesty defaults to one year.
    assert (entry.state, entry.publicity_end) == ("proposed", date(2027, 5, 4))
    assert lookups.public_entries(session, "black", at(2026, 5, 4)) == []

    service.approve(session, entry.id, OPERATOR, "事实清楚，依据充分", at(2026, 5, 4, 11))
    session.commit()
    [notice] = notices(session, entry.id)
    assert notice.kind == "pre_publication_notice"
    assert notice.recipient_code == credit_code(1)
    for told in ("以虚构债务为由", "反不正当竞争法", "陈述、申辩或异议", "信用修复", "2027-05-04"):
        assert told in notice.body_zh
    assert "Legal basis" in notice.body_en and "object" in notice.body_en

    # The party has five working days to state its case: Mon 4 May + 5 = Mon 11 May.
    with pytest.raises(WrongState) as refused:
        service.publish(session, entry.id, OPERATOR, at(2026, 5, 8))
    assert "2026-05-11" in refused.value.message_zh and "2026-05-11" in refused.value.message_en
    service.publish(session, entry.id, OPERATOR, at(2026, 5, 11))
    session.commit()
    assert entry.publicity_start == date(2026, 5, 11)
    assert [e.id for e in lookups.public_entries(session, "black", at(2026, 6, 1))] == [entry.id]
    assert lookups.public_entries(session, "red", at(2026, 6, 1)) == []
    assert lookups.is_black_listed(session, credit_code(1), at(2026, 6, 1))
    assert not lookups.is_black_listed(session, credit_code(2), at(2026, 6, 1))

    # The day before the end nothing expires; on the end day it is gone even before the job runs.
    assert service.expire_due(session, at(2027, 5, 3, 23)) == []
    assert lookups.is_black_listed(session, credit_code(1), at(2027, 5, 3, 23))
    assert lookups.public_entries(session, "black", at(2027, 5, 4, 0)) == []
    assert lookups.active_entries(session, credit_code(1), at(2027, 5, 4, 0)) == []
    assert service.expire_due(session, at(2027, 5, 4, 1)) == [entry.id]
    session.commit()
    assert service.expire_due(session, at(2027, 5, 5)) == []

    # Nothing deleted: the entry stays, with every step, who took it, when and why.
    session.expire_all()
    kept = service.get_entry(session, entry.id)
    assert kept.state == "expired" and kept.ended_at is not None
    steps = [
        (e.action, e.from_state, e.to_state, e.actor) for e in lookups.history(session, entry.id)
    ]
    assert steps == [
        ("proposed", "proposed", "proposed", OPERATOR),
        ("approved", "proposed", "approved", OPERATOR),
        ("notified", "approved", "approved", "system"),
        ("published", "approved", "published", OPERATOR),
        ("expired", "published", "expired", "system"),
    ]
    assert "2027-05-04" in lookups.history(session, entry.id)[-1].reason
    assert [n.kind for n in notices(session, entry.id)] == [
        "pre_publication_notice",
        "published",
        "entry_expired",
    ]
    with pytest.raises(lookups.NotPublished):
        lookups.public_entry(session, entry.id, at(2027, 5, 5))


def test_a_rejected_proposal_is_never_published_and_says_why(session):
    entry = service.propose(session, proposal(), OPERATOR, at(2026, 5, 4))
    with pytest.raises(Exception) as no_reason:
        service.reject(session, entry.id, OPERATOR, " ", at(2026, 5, 4))
    assert "理由" in str(no_reason.value)
    service.reject(session, entry.id, OPERATOR, "证据不足", at(2026, 5, 5))
    session.commit()
    with pytest.raises(WrongState) as refused:
        service.publish(session, entry.id, OPERATOR, at(2026, 6, 1))
    assert "已驳回" in refused.value.message_zh
    assert lookups.public_entries(session, None, at(2026, 6, 1)) == []
    assert lookups.history(session, entry.id)[-1].reason == "证据不足"
    assert notices(session, entry.id) == []  # the party is told only of what is decided against it


def test_an_operator_revokes_a_published_entry(session):
    entry = service.propose(session, proposal(), OPERATOR, at(2026, 5, 4))
    service.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
    service.publish(session, entry.id, OPERATOR, at(2026, 5, 11))
    service.revoke(session, entry.id, OPERATOR, "认定决定已被行政复议撤销", at(2026, 7, 1))
    session.commit()
    assert service.get_entry(session, entry.id).state == "revoked"
    assert not lookups.is_black_listed(session, credit_code(1), at(2026, 7, 1))
    assert (
        service.expire_due(session, at(2027, 6, 1)) == []
    )  # a revoked entry does not expire again
    with pytest.raises(WrongState):
        service.revoke(session, entry.id, OPERATOR, "again", at(2026, 7, 2))


def test_a_red_list_entry_and_a_person_on_the_black_list(session):
    red = service.propose(
        session,
        proposal(
            2,
            list_type="red",
            publicity_class="recommended",
            reason_zh="连续三年无投诉，合同范本全部采用",
            reason_en="Three years without complaints; model contract adopted",
            legal_basis_zh="连云港市守信激励办法",
            legal_basis_en="Lianyungang trustworthiness incentives",
        ),
        OPERATOR,
        at(2026, 5, 4),
    )
    person = service.propose(
        session,
        proposal(
            3,
            subject_kind="person",
            credit_code=None,
            subject_name="张三明",
            subject_id="320706199001011235",
        ),
        OPERATOR,
        at(2026, 5, 4),
    )
    assert person.subject_id == "3207**********1235"  # never stored whole
    for e in (red, person):
        service.approve(session, e.id, OPERATOR, None, at(2026, 5, 4))
        service.publish(session, e.id, OPERATOR, at(2026, 5, 11))
    session.commit()
    [red_notice] = notices(session, red.id)[:1]
    assert "守信激励名单" in red_notice.body_zh and "信用修复" not in red_notice.body_zh
    assert lookups.is_red_listed(session, credit_code(2), at(2026, 6, 1))
    assert not lookups.is_black_listed(session, credit_code(2), at(2026, 6, 1))
    [shown] = lookups.public_entries(session, "black", at(2026, 6, 1))
    public = lookups.to_public(shown)
    assert (public.subject_name, public.subject_id) == ("张*明", "3207**********1235")
    assert public.official and public.label_zh.startswith("官方名单")


def test_an_approved_entry_never_published_expires_unpublished_when_its_period_ends(session):
    """Minor dishonesty, decided 2026-05-04 with three months of publicity; an objection kept it
    from being published, and the period ran out meanwhile. The daily job ends it as expired —
    not left "approved, awaiting publication" for ever — and the history and notice say so."""
    entry = service.propose(session, proposal(publicity_class="minor"), OPERATOR, at(2026, 5, 4))
    service.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
    session.commit()
    assert entry.publicity_end == date(2026, 8, 4)
    assert service.expire_due(session, at(2026, 8, 3)) == []
    assert service.expire_due(session, at(2026, 8, 4, 0)) == [entry.id]
    session.commit()

    kept = service.get_entry(session, entry.id)
    assert (kept.state, kept.publicity_start) == ("expired", None)
    last = lookups.history(session, entry.id)[-1]
    assert (last.action, last.from_state, last.to_state, last.actor) == (
        "expired",
        "approved",
        "expired",
        "system",
    )
    assert last.reason == "公示期于 2026-08-04 届满，未经公示"
    told = notices(session, entry.id)[-1]
    assert told.kind == "entry_expired" and "不予公示" in told.body_zh
    assert "will not be published" in told.body_en
    with pytest.raises(WrongState):
        service.publish(session, entry.id, OPERATOR, at(2026, 8, 5))


def test_a_proposal_whose_period_is_over_cannot_be_approved_and_is_rejected_instead(session):
    entry = service.propose(session, proposal(publicity_class="minor"), OPERATOR, at(2026, 5, 4))
    session.commit()
    with pytest.raises(WrongState) as refused:
        service.approve(session, entry.id, OPERATOR, None, at(2026, 8, 4))
    assert "2026-08-04 届满" in refused.value.message_zh and "reject" in refused.value.message_en
    session.rollback()
    assert notices(session, entry.id) == []  # no notice announcing a period already over
    service.reject(session, entry.id, OPERATOR, "公示期已届满", at(2026, 8, 4))
    session.commit()
    assert service.get_entry(session, entry.id).state == "rejected"
