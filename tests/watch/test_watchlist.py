"""A creditor watches two enterprises; court records, a registry change, a black-list entry and a new
grade about one of them become alerts, and nothing about an unwatched enterprise does."""

from __future__ import annotations

from datetime import timedelta

import pytest

from tests.support.judicial_files import dishonest_row, register_enterprises, write_drop
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.accounts import service as accounts
from xinyong.enforcement.importer import import_file as import_enforcement
from xinyong.errors import NotFound
from xinyong.lists import service as lists
from xinyong.lists.schemas import ProposalIn
from xinyong.rating.service import rate_codes
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST
from xinyong.types import utcnow
from xinyong.watch import service as watch

WATCHED, OTHER, UNWATCHED = credit_code(11), credit_code(12), credit_code(13)


@pytest.fixture
def registry(engine, tmp_path):
    register_enterprises(engine, tmp_path / "gsxt1", [enterprise_row(n) for n in (11, 12, 13)])
    with engine.begin() as conn:
        rate_codes(conn, [WATCHED, OTHER, UNWATCHED])
    return tmp_path


@pytest.fixture
def user(session):
    u = accounts.create_user(session, "clerk@example.cn", display_name="港城建材 王会计")
    session.commit()
    return u


def _black_list(session, code: str, name: str, now):
    entry = lists.propose(
        session,
        ProposalIn(
            list_type="black",
            publicity_class="serious",
            credit_code=code,
            subject_name=name,
            reason_zh="以暴力、威胁方式催收债务",
            reason_en="collected debts by violence and threats",
            legal_basis_zh="《信用修复管理办法》",
            legal_basis_en="Measures for Credit Repair",
            source_records=[{"source": "test", "source_record_id": code}],
            authority="连云港市市场监督管理局",
            decision_date=(now - timedelta(days=30)).date(),
        ),
        "test",
        now - timedelta(days=30),
    )
    lists.approve(session, entry.id, "test", None, now - timedelta(days=30))
    lists.publish(session, entry.id, "test", now)
    return entry


def test_changes_to_a_watched_enterprise_become_alerts(engine, session, registry, user):
    watch.add(session, user.id, WATCHED)
    watch.add(session, user.id, OTHER.lower())  # typed in lower case: the same code
    session.commit()
    assert [i.credit_code for i in watch.items(session, user.id)] == [WATCHED, OTHER]
    assert watch.alerts(session, user.id) == []  # what was there before the watch is not news

    # The court publishes a 失信 record about the watched firm and one about an unwatched firm.
    drop = write_drop(
        registry / "zxgk" / "dishonest.csv",
        ENFORCEMENT_DISHONEST,
        [dishonest_row(11), dishonest_row(13)],
    )
    import_enforcement(engine, drop, ENFORCEMENT_DISHONEST.name)
    # The registry revokes the watched firm's licence.
    register_enterprises(engine, registry / "gsxt2", [enterprise_row(11, 登记状态="吊销")])
    now = utcnow() + timedelta(seconds=1)
    with engine.begin() as conn:
        rate_codes(conn, [WATCHED, UNWATCHED], now)
    _black_list(session, WATCHED, "连云港市海州区测试11商贸有限公司", now)
    session.commit()

    found = watch.alerts(session, user.id)
    assert {a.credit_code for a in found} == {WATCHED}
    titles = [a.title_zh for a in found]
    assert "新增失信被执行人记录" in titles
    assert "工商登记信息有变更" in titles
    assert "列入黑名单并公示" in titles
    grade = next(a for a in found if a.kind == "grade")
    assert grade.title_zh.startswith("信用等级 ") and "→" in grade.title_zh
    registry_change = next(a for a in found if a.title_zh == "工商登记信息有变更")
    assert "吊销" in registry_change.detail_zh and registry_change.link == f"/e/{WATCHED}"
    assert all(a.unread for a in found)

    watched, alerts = watch.overview(session, user.id)
    first = next(w for w in watched if w.item.credit_code == WATCHED)
    assert first.unread == len(found) and first.status == "吊销"
    assert next(w for w in watched if w.item.credit_code == OTHER).alerts == 0
    # Beside the alerts, what stands against each firm now, as the search page shows it.
    assert first.records.records.dishonest == 1 and first.records.lists == ["black"]
    assert next(w for w in watched if w.item.credit_code == OTHER).records.clean

    # Read: the alerts stay, none is new.
    assert watch.mark_seen(session, user.id) == 2
    session.commit()
    assert len(watch.alerts(session, user.id)) == len(found)
    assert not any(a.unread for a in watch.alerts(session, user.id))

    # Stop watching: its alerts go with it.
    assert watch.remove(session, user.id, WATCHED)
    session.commit()
    assert watch.alerts(session, user.id) == []
    assert not watch.remove(session, user.id, WATCHED)


def test_only_registered_enterprises_can_be_watched_and_only_once(session, registry, user):
    with pytest.raises(NotFound) as missing:
        watch.add(session, user.id, credit_code(99))
    assert credit_code(99) in missing.value.message_zh
    first = watch.add(session, user.id, WATCHED)
    again = watch.add(session, user.id, f"  {WATCHED} ")
    assert first.id == again.id
    assert watch.is_watching(session, user.id, WATCHED)
    assert not watch.is_watching(session, user.id, OTHER)
