"""Anyone complains about an agency; the agency has 48 hours; a breach goes to an operator."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import timedelta
from decimal import Decimal

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from tests.cases.conftest import CREDITOR, LAW_FIRM, LAW_FIRM_STAFF, MEDIATOR, MEDIATOR_STAFF, T0
from xinyong.cases import complaints, notices, service
from xinyong.cases.actors import Upload
from xinyong.cases.errors import NotAllowed, WrongState
from xinyong.cases.jobs import LOCK_NAME, add_jobs, exclusive
from xinyong.cases.performance import service_record
from xinyong.errors import InvalidInput, NotFound
from xinyong.sources import lock

RECORDING = Upload("录音.m4a", b"\x00\x00\x00\x20ftypM4A recording of the call", "audio/mp4")


def _file(session, settings, who="debtor", agency=MEDIATOR, at=T0, **kw):
    c, code = complaints.file_complaint(
        session,
        agency_code=agency,
        complainant_kind=who,
        complainant_name="张某",
        complainant_contact="13900000000",
        category=kw.pop("category", "harassment"),
        text=kw.pop("text", "晚上十点后仍打电话催收"),
        files=[RECORDING],
        now=at,
        settings=settings,
        **kw,
    )
    session.commit()
    return c, code


def test_the_clock_reminds_once_then_escalates_a_breach_to_the_operators(
    directory, ledger_settings
):
    session = directory
    c, code = _file(session, ledger_settings)
    assert c.due_at == T0 + timedelta(hours=48)
    assert complaints.sweep(session, T0 + timedelta(hours=35)) == {"reminded": [], "escalated": []}
    assert complaints.sweep(session, T0 + timedelta(hours=36)) == {
        "reminded": [c.id],
        "escalated": [],
    }
    assert complaints.sweep(session, T0 + timedelta(hours=40))["reminded"] == []
    assert complaints.sweep(session, T0 + timedelta(hours=48)) == {"reminded": [], "escalated": []}
    swept = complaints.sweep(session, T0 + timedelta(hours=48, seconds=1))
    assert swept == {"reminded": [], "escalated": [c.id]}
    session.commit()
    assert c.state == "escalated" and c.breached_at == c.due_at
    told = {(n.recipient_kind, n.kind) for n in notices.outbox(session, complaint_id=c.id)}
    assert told == {
        ("agency", "complaint_filed"),
        ("agency", "complaint_reminder"),
        ("agency", "complaint_escalated"),
        ("operator", "complaint_escalated"),
    }
    # A late answer is still recorded, as late.
    complaints.respond(session, c.id, MEDIATOR_STAFF, "已核查", now=T0 + timedelta(hours=50))
    assert complaints.answered_in_time(c) is False
    assert complaints.sla_clock(c)["status"] == "answered_late"
    record = service_record(session, [MEDIATOR], now=T0 + timedelta(days=3))[MEDIATOR]
    assert (record.complaints, record.answered_late, record.breached) == (1, 1, 1)


def test_only_the_agency_complained_about_answers_once_and_the_complainant_rates_it(
    directory, ledger_settings
):
    session = directory
    c, code = _file(session, ledger_settings, who="relative")
    with pytest.raises(NotAllowed):
        complaints.respond(session, c.id, LAW_FIRM_STAFF, "不是我们", now=T0)
    with pytest.raises(WrongState):
        complaints.rate(session, c.id, code, 5, now=T0)
    complaints.respond(
        session, c.id, MEDIATOR_STAFF, "已道歉并停止联系", now=T0 + timedelta(hours=3)
    )
    with pytest.raises(WrongState):
        complaints.respond(session, c.id, MEDIATOR_STAFF, "again", now=T0 + timedelta(hours=4))
    with pytest.raises(NotFound):
        complaints.rate(session, c.id, "guess", 5, now=T0)
    with pytest.raises(InvalidInput) as e:
        complaints.rate(session, c.id, code, 6, now=T0)
    assert e.value.detail["field"] == "satisfaction"
    complaints.rate(session, c.id, code, 2, "态度一般", now=T0 + timedelta(hours=5))
    session.commit()
    record = service_record(session, [MEDIATOR], now=T0 + timedelta(days=3))[MEDIATOR]
    assert (record.answered_in_time, record.breached, record.satisfaction) == (
        1,
        0,
        Decimal("2.00"),
    )


def test_bad_complaints_say_which_field_is_wrong(directory, ledger_settings):
    session = directory
    with pytest.raises(InvalidInput) as e:
        _file(session, ledger_settings, who="neighbour")
    assert e.value.detail["field"] == "complainant_kind" and "relative" in e.value.message_en
    with pytest.raises(InvalidInput) as e:
        _file(session, ledger_settings, category="rude")
    assert e.value.detail["field"] == "category"
    with pytest.raises(InvalidInput) as e:
        _file(session, ledger_settings, text=" ")
    assert e.value.detail["field"] == "text"
    with pytest.raises(NotFound):
        _file(session, ledger_settings, agency="91320700MA1NOPE00X")
    # A complaint tied to a case must name the agency that has the case.
    case = service.register_debt(
        session, CREDITOR, debtor_name="某公司", amount=Decimal(100), basis="货款",
        due_date=T0.date(), now=T0, settings=ledger_settings,
    )  # fmt: skip
    service.entrust(session, case.id, CREDITOR, agency_code=MEDIATOR, contract_number="W", now=T0)
    with pytest.raises(InvalidInput) as e:
        _file(session, ledger_settings, agency=LAW_FIRM, case_id=case.id)
    assert e.value.detail["field"] == "case_id"


def test_the_clocks_run_under_the_lease_from_the_scheduler_and_the_cli(
    engine, database_url, directory, ledger_settings
):
    session = directory
    c, _ = _file(session, ledger_settings)
    job = exclusive(engine, lambda: T0 + timedelta(hours=49))
    assert lock.acquire(engine, LOCK_NAME, "another-node:1", timedelta(minutes=5))
    assert job() is None  # another process holds the lease
    lock.release(engine, LOCK_NAME, "another-node:1")
    assert job()["escalated"] == [c.id]
    scheduler = BackgroundScheduler(timezone="Asia/Shanghai")
    add_jobs(scheduler, engine)
    assert [j.id for j in scheduler.get_jobs()] == ["cases-clocks"]

    # The same pass from the command line, for cron.
    case = service.register_debt(
        session, CREDITOR, debtor_name="某公司", amount=Decimal(100), basis="货款",
        due_date=T0.date(), now=T0, settings=ledger_settings,
    )  # fmt: skip
    service.entrust(session, case.id, CREDITOR, agency_code=MEDIATOR, contract_number="W", now=T0)
    session.commit()
    env = dict(os.environ, XINYONG_DATABASE_URL=database_url, COLUMNS="200")
    run = subprocess.run(
        [sys.executable, "-m", "xinyong", "cases", "clocks", "--now", "2026-03-05T12:00"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert run.returncode == 0, run.stderr
    assert f"first reports missed: [{case.id}]" in run.stdout
    shown = subprocess.run(
        [sys.executable, "-m", "xinyong", "cases", "record", MEDIATOR],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert shown.returncode == 0, shown.stderr
    assert "first_reports_due" in shown.stdout
    one = subprocess.run(
        [sys.executable, "-m", "xinyong", "cases", "show", str(case.id)],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert one.returncode == 0, one.stderr
    assert '"status": "missed"' in one.stdout
    missing = subprocess.run(
        [sys.executable, "-m", "xinyong", "cases", "show", "999"],
        env=env, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert missing.returncode == 1 and "没有编号为 999 的案件" in missing.stderr


def test_complaints_still_within_their_48_hours_count_neither_way(directory, ledger_settings):
    session = directory
    _file(session, ledger_settings)
    _file(session, ledger_settings)
    # Three minutes later, with 47 hours left: nothing is due yet, so no share to show.
    record = service_record(session, [MEDIATOR], now=T0 + timedelta(minutes=3))[MEDIATOR]
    assert (record.complaints, record.complaints_due, record.open_complaints) == (2, 0, 2)
    assert record.complaint_share is None and record.breached == 0
    # One is answered in time; the other's 48 hours run out with no answer.
    complaints.respond(session, 1, MEDIATOR_STAFF, "已核查并道歉", now=T0 + timedelta(hours=5))
    record = service_record(session, [MEDIATOR], now=T0 + timedelta(hours=6))[MEDIATOR]
    assert (record.complaints_due, record.complaint_share) == (1, Decimal("100.00"))
    record = service_record(session, [MEDIATOR], now=T0 + timedelta(hours=49))[MEDIATOR]
    assert (record.complaints_due, record.complaint_share) == (2, Decimal("50.00"))


def test_a_missing_complaint_and_a_wrong_code_read_the_same(directory, ledger_settings):
    session = directory
    c, code = _file(session, ledger_settings)
    complaints.respond(session, c.id, MEDIATOR_STAFF, "已核查", now=T0 + timedelta(hours=1))
    with pytest.raises(NotFound) as wrong:
        complaints.rate(session, c.id, "guess", 3, now=T0)
    with pytest.raises(NotFound) as missing:
        complaints.rate(session, c.id + 1, "guess", 3, now=T0)
    assert wrong.value.message_zh.replace(str(c.id), "N") == missing.value.message_zh.replace(
        str(c.id + 1), "N"
    )
    assert complaints.with_code(session, c.id, code) is c


def test_a_complainant_not_satisfied_with_the_answer_escalates_it_once(directory, ledger_settings):
    session = directory
    c, code = _file(session, ledger_settings, who="relative")
    # Before the agency answers there is nothing to escalate: the 48-hour clock does that.
    with pytest.raises(WrongState) as early:
        complaints.escalate(session, c.id, code, "一直没人理", now=T0 + timedelta(hours=1))
    assert "48 小时内未答复的投诉会自动移交平台" in early.value.message_zh
    complaints.respond(
        session, c.id, MEDIATOR_STAFF, "已核实，已停止联系", now=T0 + timedelta(hours=2)
    )
    session.commit()
    assert complaints.may_escalate(c)
    # Only the complainant (the query code) escalates, and says why.
    with pytest.raises(NotFound):
        complaints.escalate(session, c.id, "guess", "不满意", now=T0 + timedelta(hours=3))
    with pytest.raises(InvalidInput) as e:
        complaints.escalate(session, c.id, code, "  ", now=T0 + timedelta(hours=3))
    assert e.value.detail["field"] == "reason" and "required" in e.value.message_en
    with pytest.raises(InvalidInput):
        complaints.escalate(session, c.id, code, "长" * 2001, now=T0 + timedelta(hours=3))
    at = T0 + timedelta(hours=3)
    complaints.escalate(session, c.id, code, "昨晚十一点仍接到催收电话", now=at)
    session.commit()
    assert (c.state, c.escalated_at) == ("escalated", at)
    assert c.history[-1] == {
        "what": "escalated",
        "who": "complainant",
        "at": at.isoformat(),
        "reason": "昨晚十一点仍接到催收电话",
        "leaf": c.history[-1]["leaf"],  # the escalation's ledger leaf (tests/cases/test_anchors.py)
    }
    told = [
        (n.recipient_kind, n.recipient_code)
        for n in notices.outbox(session, complaint_id=c.id)
        if n.kind == "complaint_escalated"
    ]
    assert told == [("operator", None), ("agency", MEDIATOR)]
    agency_notice = notices.outbox(session, complaint_id=c.id, recipient_kind="agency")[-1]
    assert "昨晚十一点仍接到催收电话" in agency_notice.body_zh
    # Once only, and the agency cannot answer it away.
    with pytest.raises(WrongState) as again:
        complaints.escalate(session, c.id, code, "再次申请", now=at)
    assert "已移交平台" in again.value.message_zh
    with pytest.raises(WrongState):
        complaints.respond(session, c.id, MEDIATOR_STAFF, "补充答复", now=at)
    # An operator takes and resolves it as a breach of the 48 hours; then it is closed for good.
    complaints.take(session, c.id, "王敏", now=at + timedelta(hours=1))
    complaints.resolve_complaint(session, c.id, "王敏", "已约谈机构，责令整改", now=at)
    with pytest.raises(WrongState) as closed:
        complaints.escalate(session, c.id, code, "还是不满意", now=at + timedelta(days=1))
    assert "已由平台办结" in closed.value.message_zh
    # A complainant escalating is not a breach of the agency's 48 hours.
    record = service_record(session, [MEDIATOR], now=T0 + timedelta(days=3))[MEDIATOR]
    assert (record.answered_in_time, record.breached) == (1, 0)


def test_a_breach_answered_late_can_still_be_escalated_by_its_complainant(
    directory, ledger_settings
):
    session = directory
    c, code = _file(session, ledger_settings)
    complaints.sweep(session, T0 + timedelta(hours=49))
    complaints.respond(session, c.id, MEDIATOR_STAFF, "已核查", now=T0 + timedelta(hours=50))
    assert c.state == "answered" and complaints.escalation_of(c)["who"] == "system"
    complaints.escalate(session, c.id, code, "答复敷衍", now=T0 + timedelta(hours=51))
    assert c.state == "escalated" and complaints.escalation_of(c)["reason"] == "答复敷衍"
