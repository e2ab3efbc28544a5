"""A busy week: more than a thousand list proposals, approved entries, objections, repair requests
and agency applications wait. The console's overview tiles say exactly how many, not 1,000."""

from __future__ import annotations

import re
from datetime import date, timedelta

from sqlalchemy import insert, select

from tests.lists.story import at
from xinyong.accounts.models import ClaimDispute, Organisation, User
from xinyong.alerts.models import Alert
from xinyong.cases.models import Complaint
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


def _complaints(state: str, n: int) -> list[dict]:
    return [
        dict(
            agency_code="91320700000000001X",
            agency_name="测试律师事务所",
            complainant_kind="person",
            complainant_name="投诉人",
            category="fees",
            text="收费与约定不符",
            query_code_hash="0" * 64,
            state=state,
            filed_at=NOW,
            due_at=NOW + timedelta(hours=48),
            history=[],
        )
    ] * n


def _alerts(status: str, n: int) -> list[dict]:
    return [
        dict(
            rule_id="test",
            rule_version=1,
            kind="warning",
            severity="medium",
            layout="registry.enterprises",
            source="gsxt",
            source_record_id=f"r{status}{i}",
            digest=f"{status}{i}"[:32],
            message_zh="测试",
            message_en="test",
            evidence={},
            status=status,
            created_at=NOW,
        )
        for i in range(n)
    ]


def test_the_overview_counts_what_else_waits_for_an_operator(operator, session):
    """Escalated complaints, open risk flags and organisation claim disputes each have a tile
    that leads to their queue; what is already settled is not counted."""
    session.execute(insert(Complaint), _complaints("escalated", 3))
    session.execute(insert(Complaint), _complaints("filed", 2) + _complaints("resolved", 4))
    session.execute(insert(Alert), _alerts("open", 5) + _alerts("dismissed", 1))
    session.execute(insert(Organisation), _orgs("agency", "approved", 2, 7000))
    user = User(email="second@example.cn", display_name="后来者", roles=[], created_at=NOW)
    session.add(user)
    session.flush()
    org_ids = session.scalars(select(Organisation.id).order_by(Organisation.id)).all()
    for org_id, state in zip(org_ids, ("open", "upheld"), strict=True):
        session.add(
            ClaimDispute(org_id=org_id, filed_by=user.id, statement="本所代码", state=state,
                         created_at=NOW)
        )  # fmt: skip
    session.commit()

    page = operator.get("/operator").text
    assert _tile(page, "件投诉已移交平台待办结") == 3
    assert _tile(page, "条风险提示待处理") == 5
    assert _tile(page, "件机构登记异议待裁决") == 1
    assert 'href="/operator/complaints?state=escalated"' in page
