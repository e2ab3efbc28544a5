"""A busy week: more than a thousand list proposals, approved entries, objections, repair requests
and agency applications wait. The console's overview tiles say exactly how many, not 1,000."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import insert

from tests.lists.story import at
from xinyong.accounts.models import Organisation
from xinyong.lists.models import ListEntry, Objection, RepairRequest

TODAY = date(2026, 5, 4)  # the clock's day (tests/lists/conftest.Clock)
NOW = at(2026, 5, 4)


def _entries(state: str, n: int, publicity_end: date | None = None, start: int = 0) -> list[dict]:
    return [
        dict(
            list_type="black",
            publicity_class="general",
            aggravated=False,
            subject_kind="organisation",
            credit_code=None,
            subject_name=f"测试企业{start + i}",
            reason_zh="测试",
            reason_en="test",
            legal_basis_zh="测试",
            legal_basis_en="test",
            source_records=[],
            authority="连云港市市场监督管理局",
            decision_date=TODAY - timedelta(days=10),
            publicity_end=publicity_end,
            state=state,
            origin="operator",
            created_by="test",
            created_at=NOW,
            state_changed_at=NOW,
        )
        for i in range(n)
    ]


def _cases(entry_id: int, state: str, n: int, objection: bool) -> list[dict]:
    row = dict(
        entry_id=entry_id,
        applicant_name="申请人",
        applicant_contact="0518-0000000",
        statement="事实有误",
        query_code="q",
        materials=[],
        state=state,
        submitted_at=NOW,
        due_on=TODAY + timedelta(days=15),
    )
    if objection:
        row["case_type"] = "fact_error"
    return [row] * n


def _orgs(kind: str, state: str, n: int, start: int) -> list[dict]:
    return [
        dict(
            credit_code=f"91320700{start + i:010d}", name=f"机构{start + i}", kind=kind, state=state
        )
        for i in range(n)
    ]


def _tile(html: str, label: str) -> int:
    found = re.search(rf"<b>(\d+)</b>{label}", html)
    assert found, label
    return int(found.group(1))


def test_the_overview_tiles_count_every_waiting_item_past_a_thousand(operator, session):
    # Inserted in bulk, a statement per table: the story is the counts, not the workflows.
    session.execute(insert(ListEntry), _entries("proposed", 1234))
    later = TODAY + timedelta(days=300)
    session.execute(insert(ListEntry), _entries("approved", 1003, later, start=2000))
    # Approved but never to be published (no publicity end), or whose period is over already.
    session.execute(insert(ListEntry), _entries("approved", 2, None, start=4000))
    session.execute(insert(ListEntry), _entries("approved", 3, TODAY, start=4100))
    session.execute(insert(ListEntry), _entries("published", 5, later, start=4200))
    entry_id = session.scalar(ListEntry.__table__.select().with_only_columns(ListEntry.id).limit(1))
    session.execute(insert(Objection), _cases(entry_id, "submitted", 1005, objection=True))
    session.execute(insert(Objection), _cases(entry_id, "rejected", 7, objection=True))
    session.execute(insert(RepairRequest), _cases(entry_id, "submitted", 1007, objection=False))
    session.execute(insert(RepairRequest), _cases(entry_id, "repaired", 6, objection=False))
    session.execute(insert(Organisation), _orgs("agency", "pending", 1009, 0))
    session.execute(insert(Organisation), _orgs("agency", "approved", 8, 5000))
    session.execute(insert(Organisation), _orgs("creditor", "pending", 4, 6000))
    session.commit()

    page = operator.get("/operator")
    assert page.status_code == 200
    assert _tile(page.text, "条名单提请待审核") == 1234
    assert _tile(page.text, "条已批准待公示") == 1003
    assert _tile(page.text, "件异议待处理") == 1005
    assert _tile(page.text, "件信用修复待决定") == 1007
    assert _tile(page.text, "家服务机构待审核") == 1009
