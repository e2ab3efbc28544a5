"""A creditor registers a debt, entrusts it, and follows the agency's work to the fee."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from tests.cases.conftest import (
    CREDITOR,
    DEBTOR_CODE,
    LAW_FIRM,
    LAW_FIRM_STAFF,
    MEDIATOR,
    MEDIATOR_STAFF,
    OPERATOR,
    T0,
)
from xinyong import wiring
from xinyong.cases import notices, service
from xinyong.cases.actors import Actor, Upload
from xinyong.cases.errors import (
    AgencyNotListed,
    ContractRefused,
    DuplicateDebt,
    NotAllowed,
    WrongState,
)
from xinyong.cases.models import EvidenceItem
from xinyong.cases.performance import service_record
from xinyong.errors import InvalidInput, NotFound
from xinyong.ledger import service as ledger
from xinyong.rating.signals import service_records

IOU = Upload("借条-张三.jpg", b"\xff\xd8\xff\xe0 IOU scan", "image/jpeg")


def _register(session, settings, basis="《买卖合同》GC-2025-031 货款", amount="80000.00", **kw):
    case = service.register_debt(
        session,
        CREDITOR,
        debtor_name=kw.pop("debtor_name", "连云港某某贸易有限公司"),
        debtor_code=kw.pop("debtor_code", DEBTOR_CODE),
        amount=Decimal(amount),
        basis=basis,
        due_date=date(2025, 12, 31),
        documents=[IOU],
        now=T0,
        settings=settings,
    )
    session.commit()
    return case


def test_a_registration_goes_on_the_ledger_without_naming_anyone(directory, ledger_settings):
    session = directory
    case = _register(session, ledger_settings)
    assert case.number == f"ZW-{case.id:08d}" and case.state == "registered"
    leaf = ledger.canonical_leaf(ledger.get_leaf(session, case.registration_leaf))
    assert leaf["kind"] == "debt_registration"
    assert leaf["payload"]["amount"] == "80000.00"
    assert "连云港某某贸易" not in ledger.get_leaf(session, case.registration_leaf).data.decode()
    # The creditor can prove the commitment with the salted inputs.
    import hashlib

    from xinyong.ledger import canonical

    opened = service.registration_commitment_input(case)
    assert hashlib.sha256(canonical.dumps(opened)).hexdigest() == leaf["payload"]["commitment"]
    # The IOU is an evidence leaf whose file hash the registration lists.
    doc = session.query(EvidenceItem).filter_by(case_id=case.id, role="document").one()
    assert leaf["payload"]["documents"] == [doc.file_sha256]


def test_the_same_debt_cannot_be_registered_or_entrusted_twice(directory, ledger_settings):
    session = directory
    first = _register(session, ledger_settings)
    with pytest.raises(DuplicateDebt) as e:
        _register(session, ledger_settings, basis="买卖合同 GC-2025-031货款")
    assert first.number in e.value.message_zh
    # Another debt of the same debtor is a different registration.
    other = _register(session, ledger_settings, basis="《借款合同》JK-7")
    assert other.id != first.id
    service.entrust(
        session, first.id, CREDITOR, agency_code=MEDIATOR, contract_number="WT-1", now=T0
    )
    session.commit()
    # Once the first is closed, registering the same debt again is allowed.
    service.move(session, first.id, CREDITOR, "closed", "撤回委托", now=T0)
    session.commit()
    again = _register(session, ledger_settings, basis="买卖合同GC-2025-031 货款")
    assert again.state == "registered"


def test_only_listed_agencies_take_cases_and_only_the_creditor_entrusts(directory, ledger_settings):
    session = directory
    case = _register(session, ledger_settings)
    # An agency not (yet) on the case cannot even see it; an operator sees it but cannot entrust.
    with pytest.raises(NotFound):
        service.entrust(
            session, case.id, MEDIATOR_STAFF, agency_code=MEDIATOR, contract_number="WT-1", now=T0
        )
    with pytest.raises(NotAllowed):
        service.entrust(
            session, case.id, OPERATOR, agency_code=MEDIATOR, contract_number="WT-1", now=T0
        )
    stranger = Actor("creditor", "user-99", "某人")
    with pytest.raises(NotFound):
        service.entrust(
            session, case.id, stranger, agency_code=MEDIATOR, contract_number="WT-1", now=T0
        )
    with pytest.raises(NotFound):
        service.entrust(
            session,
            case.id,
            CREDITOR,
            agency_code="91320700MA1NOPE00X",
            contract_number="1",
            now=T0,
        )
    with pytest.raises(InvalidInput) as e:
        service.entrust(
            session, case.id, CREDITOR, agency_code=MEDIATOR, contract_number=" ", now=T0
        )
    assert e.value.detail["field"] == "contract_number"


def test_an_agency_without_a_schedule_in_force_is_refused(directory, ledger_settings):
    session = directory
    case = _register(session, ledger_settings)
    # The law firm's 15 % schedule is in force from 2026-03-01: before then it is not listed.
    with pytest.raises(AgencyNotListed) as e:
        service.entrust(
            session,
            case.id,
            CREDITOR,
            agency_code=LAW_FIRM,
            contract_number="WT-2",
            now=T0 - timedelta(days=3),
        )
    assert "收费标准" in e.value.message_zh


def test_states_move_as_the_agency_says_and_wrong_moves_say_what_is_allowed(
    directory, ledger_settings
):
    session = directory
    case = _register(session, ledger_settings)
    service.entrust(session, case.id, CREDITOR, agency_code=LAW_FIRM, contract_number="W", now=T0)
    with pytest.raises(WrongState) as e:
        service.move(session, case.id, LAW_FIRM_STAFF, "litigating", now=T0)
    assert "调查中" in e.value.message_zh
    with pytest.raises(NotFound):
        service.move(session, case.id, MEDIATOR_STAFF, "closed", now=T0)
    with pytest.raises(NotAllowed):
        service.move(session, case.id, CREDITOR, "investigating", now=T0)
    service.move(session, case.id, LAW_FIRM_STAFF, "investigating", now=T0)
    service.move(session, case.id, LAW_FIRM_STAFF, "litigating", "已向海州区人民法院起诉", now=T0)
    session.commit()
    moves = [(e.from_state, e.to_state, e.actor_name) for e in service.events_after(session, case.id)
             if e.kind == "state"]  # fmt: skip
    assert moves == [
        ("entrusted", "investigating", "江苏港信律师事务所"),
        ("investigating", "litigating", "江苏港信律师事务所"),
    ]


def test_recovery_drives_the_fee_from_the_agreed_schedule(directory, ledger_settings):
    session = directory
    case = _register(session, ledger_settings, amount="120000.00")
    service.entrust(session, case.id, CREDITOR, agency_code=MEDIATOR, contract_number="W", now=T0)
    service.move(session, case.id, MEDIATOR_STAFF, "investigating", now=T0)
    service.move(session, case.id, MEDIATOR_STAFF, "mediating", now=T0)
    service.record_recovery(
        session, case.id, MEDIATOR_STAFF, Decimal("60000"), now=T0, method="bank_transfer"
    )
    assert case.state == "recovered_partly"
    # 30 % of the first 50,000 + 25 % of the next 10,000.
    assert case.fee_fen == 1750000
    with pytest.raises(InvalidInput) as e:
        service.record_recovery(
            session, case.id, MEDIATOR_STAFF, Decimal("60000.01"), now=T0, method="cash"
        )
    assert "60,000" in e.value.message_zh
    service.record_recovery(
        session, case.id, MEDIATOR_STAFF, Decimal("60000"), now=T0 + timedelta(days=9),
        method="court_enforcement", received_on=(T0 + timedelta(days=8)).date(),
    )  # fmt: skip
    session.commit()
    assert case.state == "recovered_fully" and case.recovered_fen == 12000000
    # 15,000 + 12,500 + 20 % of 20,000 = 31,500 yuan.
    assert case.fee_fen == 3150000
    assert [ln["zh"] for ln in case.fee_lines][0].startswith("前 50,000 元按 30%")
    record = service_record(session, [MEDIATOR], now=T0 + timedelta(days=10))[MEDIATOR]
    assert record.recovery_rate == Decimal("100.00")
    assert record.mediation_share == Decimal("100.00")
    assert record.cycle_days == Decimal("9.0")
    assert record.first_reports_due == 1 and record.first_reports_on_time == 0


def test_the_first_report_clock_runs_three_days_and_a_miss_is_recorded(directory, ledger_settings):
    session = directory
    on_time = _register(session, ledger_settings)
    late = _register(session, ledger_settings, basis="借款合同 JK-9")
    for c in (on_time, late):
        service.entrust(session, c.id, CREDITOR, agency_code=MEDIATOR, contract_number="W", now=T0)
    session.commit()
    clock = service.first_report_clock(on_time, T0 + timedelta(hours=1))
    assert clock["status"] == "running" and clock["seconds_left"] == 71 * 3600
    service.post_progress(
        session, on_time.id, MEDIATOR_STAFF, "已核实债务人经营地址", report=True,
        now=T0 + timedelta(days=2), settings=ledger_settings,
    )  # fmt: skip
    assert on_time.state == "investigating"
    assert service.sweep_first_reports(session, T0 + timedelta(days=3, minutes=1)) == [late.id]
    session.commit()
    assert service.first_report_clock(on_time)["status"] == "on_time"
    assert service.first_report_clock(late)["status"] == "missed"
    assert late.first_report_missed_at == T0 + timedelta(days=3)
    kinds = [(n.recipient_kind, n.kind) for n in notices.outbox(session, case_id=late.id)]
    assert ("creditor", "first_report_missed") in kinds and (
        "agency",
        "first_report_missed",
    ) in kinds
    # A sweep later finds nothing new.
    assert service.sweep_first_reports(session, T0 + timedelta(days=4)) == []
    record = service_record(session, [MEDIATOR], now=T0 + timedelta(days=4))[MEDIATOR]
    assert (record.first_reports_due, record.first_reports_on_time) == (2, 1)
    assert record.first_report_share == Decimal("50.00")
    assert record.evidence_items == 1  # the text-only report is one leaf


def test_amounts_and_names_are_checked_with_the_field_named(directory, ledger_settings):
    session = directory
    for amount, field in (("0", "amount"), ("12.345", "amount")):
        with pytest.raises(InvalidInput) as e:
            _register(session, ledger_settings, amount=amount)
        assert e.value.detail["field"] == field
    with pytest.raises(InvalidInput) as e:
        _register(session, ledger_settings, debtor_name="  ")
    assert e.value.detail["field"] == "debtor_name"
    with pytest.raises(NotAllowed):
        service.register_debt(
            session, OPERATOR, debtor_name="x", amount=Decimal(1), basis="b", due_date=date.today()
        )


def test_a_contract_with_unlawful_terms_cannot_carry_an_entrustment(directory, ledger_settings):
    session = directory
    case = _register(session, ledger_settings)
    bad = Upload(
        "委托书.txt",
        "债务委托协议\n第一条 乙方可上门走访债务人的亲属和单位，并在朋友圈发布欠款信息。\n".encode(),
        "text/plain",
    )
    with pytest.raises(ContractRefused) as e:
        service.entrust(
            session,
            case.id,
            CREDITOR,
            agency_code=MEDIATOR,
            contract_number="W",
            contract=bad,
            now=T0,
        )
    assert "亲友" in e.value.message_zh and e.value.detail["field"] == "contract"
    assert case.state == "registered"
    # A contract missing mandatory clauses is accepted, with the review recorded for all to see.
    thin = Upload("委托书.txt", "债务委托协议\n甲方委托乙方催收货款。\n".encode(), "text/plain")
    service.entrust(
        session, case.id, CREDITOR, agency_code=MEDIATOR, contract_number="W", contract=thin, now=T0
    )
    assert case.contract_review["verdict"] == "missing_clauses"
    assert case.contract_review["missing"]
    # The mediator's schedule declares the platform's model agreement, but the contract it
    # signed lacks the model's clauses: what the contract shows is what the rating and the
    # stars read.
    session.commit()
    record = service_record(session, [MEDIATOR], now=T0)[MEDIATOR]
    assert (record.contracts_reviewed, record.contracts_short) == (1, 1)
    wiring.connect()
    seen = service_records(session, [MEDIATOR], T0)[MEDIATOR]
    assert seen.template_declared == "debt_entrustment"
    assert seen.contract_template_adopted is False
