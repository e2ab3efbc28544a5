"""A quarter of complaints and cases, built through the cases domain's own services."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from tests.cases.conftest import (
    ARTICLE_SCHEDULE,
    CREDITOR,
    LAW_FIRM,
    LAW_SCHEDULE,
    MEDIATOR,
    MEDIATOR_STAFF,
    add_agency,
)
from xinyong.cases import complaints, service
from xinyong.ledger.config import LedgerSettings

SHANGHAI = ZoneInfo("Asia/Shanghai")
# The statistics are read on 1 June 2026 at noon in Lianyungang, for March to May.
NOW = datetime(2026, 6, 1, 12, tzinfo=SHANGHAI)


def sh(month: int, day: int, hour: int = 10, minute: int = 0, year: int = 2026) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def agencies_and_ledger(session, folder: Path) -> LedgerSettings:
    """The cases suite's two listed agencies, and a ledger in the test's folder."""
    add_agency(session, MEDIATOR, "连云港海州民商事调解中心", "mediation", ARTICLE_SCHEDULE)
    add_agency(session, LAW_FIRM, "江苏港信律师事务所", "law_firm", LAW_SCHEDULE)
    session.commit()
    return LedgerSettings(
        origin="credit.example.test/ledger",
        key_dir=folder / "keys",
        evidence_dir=folder / "evidence",
    )


def complain(session, settings, at: datetime, answer_after: timedelta | None = None) -> int:
    c, _ = complaints.file_complaint(
        session,
        agency_code=MEDIATOR,
        complainant_kind="debtor",
        complainant_name="张某",
        category="harassment",
        text="晚上十点后仍打电话催收",
        now=at,
        settings=settings,
    )
    if answer_after is not None:
        complaints.respond(session, c.id, MEDIATOR_STAFF, "已核查并整改", now=at + answer_after)
    session.commit()
    return c.id


def entrust(session, settings, at: datetime, amount: str, basis: str) -> int:
    case = service.register_debt(
        session,
        CREDITOR,
        debtor_name="连云港某某贸易有限公司",
        amount=Decimal(amount),
        basis=basis,
        due_date=date(2025, 12, 31),
        now=at,
        settings=settings,
    )
    service.entrust(session, case.id, CREDITOR, agency_code=MEDIATOR, contract_number=basis, now=at)
    session.commit()
    return case.id


def report(session, settings, case_id: int, at: datetime) -> None:
    service.post_progress(
        session, case_id, MEDIATOR_STAFF, "首次调查报告", report=True, now=at, settings=settings
    )
    session.commit()


def build_quarter(session, settings) -> dict[str, int]:
    """Complaints: a year earlier, in the quarter (on time, late, unanswered, one at 23:30 on the
    last day of March, one still running) and outside it. Cases: one recovered in full after 40
    days, one partly recovered then closed after 60 days, one reported late, one just begun."""
    complain(session, settings, sh(3, 10, year=2025), timedelta(hours=3))
    complain(session, settings, sh(5, 5, year=2025), timedelta(hours=3))
    complain(session, settings, sh(5, 6, year=2025), timedelta(hours=3))
    complain(session, settings, sh(2, 27), timedelta(hours=3))  # before the quarter
    complain(session, settings, sh(3, 4), timedelta(hours=10))  # answered in time
    complain(session, settings, sh(3, 4, 11), timedelta(hours=50))  # answered late
    complain(session, settings, sh(3, 31, 23, 30))  # still March in Lianyungang; never answered
    complain(session, settings, sh(5, 10))  # never answered
    complain(session, settings, sh(5, 31, 20))  # its 48 hours run until 2 June
    complain(session, settings, sh(6, 1, 0, 30))  # June: after the quarter

    full = entrust(session, settings, sh(3, 2), "80000.00", "《买卖合同》GC-1 货款")
    report(session, settings, full, sh(3, 3))
    service.move(session, full, MEDIATOR_STAFF, "mediating", now=sh(3, 20))
    service.record_recovery(
        session, full, MEDIATOR_STAFF, Decimal("80000"), now=sh(4, 11), method="bank_transfer"
    )
    session.commit()

    partly = entrust(session, settings, sh(3, 5), "100000.00", "《买卖合同》GC-2 货款")
    service.move(session, partly, MEDIATOR_STAFF, "investigating", now=sh(3, 9))
    service.record_recovery(
        session, partly, MEDIATOR_STAFF, Decimal("30000"), now=sh(4, 20), method="cash"
    )
    service.move(session, partly, MEDIATOR_STAFF, "closed", "债务人无其他财产", now=sh(5, 4))
    session.commit()

    late = entrust(session, settings, sh(3, 10), "50000.00", "《借款合同》JK-3")
    report(session, settings, late, sh(3, 14))

    begun = entrust(session, settings, sh(5, 30), "20000.00", "《借款合同》JK-4")
    return {"full": full, "partly": partly, "late": late, "begun": begun}
