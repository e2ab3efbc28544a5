"""The cases domain tells rating how an agency handles complaints and reports (through the seam);
without it, those factors say "no record" and count neither way."""

from __future__ import annotations

import pytest

from tests.rating.conftest import RATED_AT
from xinyong import wiring
from xinyong.rating import service
from xinyong.rating.signals import SERVICE_RECORDS, ServiceRecord

FIRM = "江苏港城律师事务所"


@pytest.fixture
def records():
    """A service record provider: a plain function over figures the test sets."""
    known: dict[str, ServiceRecord] = {}
    provider = lambda session, codes, now: {c: known[c] for c in codes if c in known}  # noqa: E731
    wiring.connect()  # the domains' own providers first: the test's answer is the later one
    with SERVICE_RECORDS.plugged("test", provider):
        yield known


def test_late_complaints_and_late_first_reports_cost_points(engine, session, demo, records):
    code = demo.code(FIRM)
    service.recompute_all(engine, RATED_AT)
    before = service.view(session, code, RATED_AT)
    assert before.score == 100
    assert "service" not in {d.dimension for d in before.explanation if d.assessed}

    records[code] = ServiceRecord(
        complaints=6,
        answered_in_time=2,
        breached=4,
        first_reports_due=10,
        first_reports_on_time=5,
        evidence_items=0,
        cases=10,
        contract_template_adopted=False,
        sources=[{"record": "service_record", "source": "cases", "source_record_id": code}],
    )
    done = service.recompute_all(engine, RATED_AT)
    assert done.history == 1  # only this firm moved
    after = service.view(session, code, RATED_AT)
    factors = {f.factor: f.points for d in after.explanation for f in d.factors}
    assert factors["complaints_late"] == -8 and factors["complaints_many"] == -3
    assert factors["first_reports_late"] == -5 and factors["no_contract_template"] == -3
    assert factors["no_evidence"] == -2
    assert after.score < before.score and after.colour == "orange"
    service_dim = next(d for d in after.explanation if d.dimension == "service")
    assert service_dim.assessed and service_dim.points_kept == 0


def test_a_good_record_keeps_the_points_it_adds_to_the_score(engine, session, demo, records):
    code = demo.code(FIRM)
    records[code] = ServiceRecord(
        complaints=1, answered_in_time=1, first_reports_due=4, first_reports_on_time=4,
        evidence_items=12, cases=4, contract_template_adopted=True,
    )  # fmt: skip
    view = service.view(session, code, RATED_AT)
    assert (view.grade, view.score, view.colour) == ("AAA", 100, "green")
    transparency = next(d for d in view.explanation if d.dimension == "transparency")
    assert transparency.points_possible == 15 and transparency.points_kept == 15


def test_a_complaint_left_unanswered_costs_points_at_the_next_quarter_hourly_pass(
    engine, session, demo, tmp_path
):
    """Nothing is synced after the complaint: the change feed holds nothing about the firm, yet
    its 48 hours running out must reach its grade that day, not at the nightly pass."""
    from datetime import timedelta

    from tests.rating.conftest import at
    from xinyong.cases import complaints
    from xinyong.ledger.config import LedgerSettings

    wiring.connect()
    code = demo.code(FIRM)
    service.recompute_changed(engine, RATED_AT)  # the first, full pass
    filed = at(2026, 11, 24, 9)
    complaints.file_complaint(
        session,
        agency_code=code,
        complainant_kind="debtor",
        complainant_name="张某",
        category="harassment",
        text="晚上十点后仍打电话催收",
        now=filed,
        settings=LedgerSettings(
            origin="credit.example.test/ledger",
            key_dir=tmp_path / "keys",
            evidence_dir=tmp_path / "evidence",
        ),
    )
    session.commit()

    def late() -> int | None:
        session.expire_all()
        view = service.view(session, code, filed)
        return {f.factor: f.points for d in view.explanation for f in d.factors}.get(
            "complaints_late"
        )

    service.recompute_changed(engine, filed + timedelta(hours=1))  # the clock still runs
    assert not late()
    service.recompute_changed(engine, filed + timedelta(hours=49))  # no answer, no sync since
    assert late() == -2  # one complaint breached: 2 points a breach
