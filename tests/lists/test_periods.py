"""Publicity periods follow the rules in force: an operator asking for a period outside them is told
which rule, under which instrument, and which dates would be lawful."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.lists.story import OPERATOR, at, proposal
from xinyong.lists import service
from xinyong.lists.config import ConfigInvalid, load_policy
from xinyong.lists.periods import PeriodOutsideRule, check_period, default_end
from xinyong.lists.service import WrongState


def test_serious_dishonesty_for_six_months_is_refused_naming_the_rule(session):
    with pytest.raises(PeriodOutsideRule) as refused:
        service.propose(
            session,
            proposal(publicity_class="serious", publicity_end="2026-11-04"),
            OPERATOR,
            at(2026, 5, 4),
        )
    error = refused.value
    assert "2027-05-04 至 2029-05-04" in error.message_zh
    assert "严重失信信息公示期最短一年、最长三年" in error.message_zh
    assert "国家发展改革委《信用修复管理办法》" in error.message_zh
    assert "between 2027-05-04 and 2029-05-04" in error.message_en
    assert "NDRC Measures for the Administration of Credit Repair" in error.message_en
    assert error.detail["field"] == "publicity_end" and error.detail["rule"] == "serious"


@pytest.mark.parametrize(
    ("cls", "end", "ok"),
    [
        ("minor", "2026-08-04", True),
        ("minor", "2026-08-05", False),
        ("general", "2026-08-03", False),
        ("general", "2026-08-04", True),
        ("general", "2027-05-04", True),
        ("general", "2027-05-05", False),
        ("serious", "2029-05-04", True),
        ("serious", "2029-05-05", False),
        ("dishonest_debtor", "2028-05-04", True),
        ("dishonest_debtor", "2029-05-04", False),
    ],
)
def test_each_class_has_its_bounds_counted_from_the_decision(session, cls, end, ok):
    data = proposal(publicity_class=cls, publicity_end=end)
    if ok:
        assert (
            service.propose(session, data, OPERATOR, at(2026, 5, 4)).publicity_end.isoformat()
            == end
        )
    else:
        with pytest.raises(PeriodOutsideRule):
            service.propose(session, data, OPERATOR, at(2026, 5, 4))


def test_an_aggravated_dishonest_debtor_is_listed_for_two_years_plus_one_to_three(session):
    def aggravated(end: str):
        return proposal(publicity_class="dishonest_debtor", aggravated=True, publicity_end=end)

    for end in ("2029-05-04", "2030-05-04", "2031-05-04"):
        assert service.propose(session, aggravated(end), OPERATOR, at(2026, 5, 4))
    with pytest.raises(PeriodOutsideRule) as too_long:
        service.propose(session, aggravated("2031-05-05"), OPERATOR, at(2026, 5, 4))
    assert "最高人民法院关于公布失信被执行人名单信息的若干规定" in too_long.value.message_zh
    assert "Supreme People's Court" in too_long.value.message_en
    with pytest.raises(PeriodOutsideRule):
        service.propose(session, aggravated("2029-05-03"), OPERATOR, at(2026, 5, 4))
    with pytest.raises(Exception) as not_for_general:
        service.propose(session, proposal(aggravated=True), OPERATOR, at(2026, 5, 4))
    assert "情节严重" in str(not_for_general.value)


def test_minor_dishonesty_may_be_recorded_without_being_published(session):
    entry = service.propose(
        session, proposal(publicity_class="minor", publish=False), OPERATOR, at(2026, 5, 4)
    )
    assert entry.publicity_end is None
    service.approve(session, entry.id, OPERATOR, None, at(2026, 5, 4))
    with pytest.raises(WrongState) as refused:
        service.publish(session, entry.id, OPERATOR, at(2026, 6, 1))
    assert "不予公示" in refused.value.message_zh and "at most 3 months" in refused.value.message_en
    with pytest.raises(PeriodOutsideRule):
        service.propose(
            session, proposal(publicity_class="general", publish=False), OPERATOR, at(2026, 5, 4)
        )


def test_proposals_name_a_lawful_subject_class_and_date(session):
    with pytest.raises(Exception) as bad_code:
        service.propose(session, proposal(credit_code="91320706MA00000X"), OPERATOR, at(2026, 5, 4))
    assert "统一社会信用代码" in str(bad_code.value)
    with pytest.raises(Exception) as wrong_list:
        service.propose(session, proposal(list_type="red"), OPERATOR, at(2026, 5, 4))
    assert "黑名单" in str(wrong_list.value)
    with pytest.raises(Exception) as future:
        service.propose(session, proposal(decision_date="2026-05-05"), OPERATOR, at(2026, 5, 4))
    assert "晚于今天" in str(future.value)


def test_a_policy_file_with_an_unknown_key_is_refused_naming_the_key(tmp_path):
    from xinyong.lists.config import POLICY_FILE

    broken = tmp_path / "policy.yaml"
    broken.write_text(
        POLICY_FILE.read_text(encoding="utf-8").replace(
            "    max: {years: 3}\n", "    maxx: {years: 3}\n", 1
        ),
        encoding="utf-8",
    )
    with pytest.raises(ConfigInvalid) as refused:
        load_policy(broken)
    assert "classes.serious" in refused.value.message_zh and "max" in refused.value.message_en


@settings(max_examples=200, deadline=None)
@given(
    decided=st.dates(min_value=date(2026, 4, 1), max_value=date(2035, 12, 31)),
    cls=st.sampled_from(["minor", "general", "serious", "dishonest_debtor", "recommended"]),
)
def test_the_default_period_is_lawful_and_a_day_beyond_either_bound_is_not(decided, cls):
    """For any decision date (month ends and 29 February included) the shipped policy agrees with itself."""
    policy = load_policy()
    rule = policy.classes[cls]
    check_period(policy, cls, decided, default_end(policy, cls, decided, False), False)
    latest = rule.max.after(decided)
    with pytest.raises(PeriodOutsideRule):
        check_period(policy, cls, decided, latest + timedelta(days=1), False)
    earliest = rule.min.after(decided)
    if earliest > decided:
        with pytest.raises(PeriodOutsideRule):
            check_period(policy, cls, decided, earliest - timedelta(days=1), False)
