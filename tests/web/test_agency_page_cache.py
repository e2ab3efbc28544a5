"""The agency pages — the directory, an agency's page, the fee calculator — are kept whole, and
what a creditor reads there is never older than the cases, deadlines and verifications behind
it: an entrusted case, a first report whose three days ran out, a failed verification each show
on the very next view, while verifications of other enterprises leave the kept pages alone."""

from __future__ import annotations

import re
import time
from datetime import date, timedelta
from decimal import Decimal

from fastapi.testclient import TestClient
from sqlalchemy import delete, event

from tests.cases.conftest import ARTICLE_SCHEDULE, CREDITOR, DEBTOR_CODE, MEDIATOR, add_agency
from tests.support.registry_files import credit_code, enterprise_row
from tests.web.test_page_cache import _load
from xinyong.api.app import create_app
from xinyong.cases import service
from xinyong.cases.service import FIRST_REPORT_WITHIN
from xinyong.ledger.config import LedgerSettings
from xinyong.rating.models import Rating
from xinyong.types import utcnow

NAME = "连云港海州民商事调解中心"
# The agency's own page and the calculator's quote for it show its service record; the directory
# shows its stars and notices, which the record feeds.
SHOWN = (f"/agencies/{MEDIATOR}", f"/fees?agency={MEDIATOR}&debt=80000")
PAGES = (*SHOWN, "/agencies?unlisted=true")


def _views(client) -> dict[str, object]:
    return {url: client.get(url) for url in PAGES}


def _kept(client) -> bool:
    return all(client.get(url).headers.get("x-cache") == "hit" for url in PAGES)


def _connections_taken(engine, client) -> int:
    """How many connections views of the kept pages take from the pool: none when they are
    answered before routing, from the generation the event loop's reader keeps."""
    taken = []

    def listener(*_) -> None:
        taken.append(1)

    # The connection the start-up build of the collector set takes is the server's, not a view's.
    client.app.state.starting["collector_firms"].join(10)

    event.listen(engine, "checkout", listener)
    try:
        assert _kept(client)
    finally:
        event.remove(engine, "checkout", listener)
    return len(taken)


def test_a_case_and_a_missed_first_report_show_on_the_next_view(session, engine, tmp_path):
    add_agency(session, MEDIATOR, NAME, "mediation", ARTICLE_SCHEDULE)
    session.commit()
    settings = LedgerSettings(
        origin="credit.example.test/ledger",
        key_dir=tmp_path / "keys",
        evidence_dir=tmp_path / "evidence",
    )
    with TestClient(create_app(engine)) as client:
        before = _views(client)
        assert all(r.status_code == 200 for r in before.values())
        assert all("办案表现" in before[url].text for url in SHOWN)
        assert not any("受托案件" in r.text for r in before.values())
        assert _kept(client)
        assert _connections_taken(engine, client) == 0

        # Entrusted three days ago, less two seconds: the first report falls due in two.
        entrusted = utcnow() - FIRST_REPORT_WITHIN + timedelta(seconds=2)
        case = service.register_debt(
            session,
            CREDITOR,
            debtor_name="连云港某某贸易有限公司",
            debtor_code=DEBTOR_CODE,
            amount=Decimal("80000.00"),
            basis="《买卖合同》GC-2025-031 货款",
            due_date=date(2025, 12, 31),
            now=entrusted,
            settings=settings,
        )
        service.entrust(
            session,
            case.id,
            CREDITOR,
            agency_code=MEDIATOR,
            contract_number="WT-2026-001",
            now=entrusted,
            settings=settings,
        )
        session.commit()
        entrusted_views = _views(client)
        assert all(page.headers["x-cache"] == "miss" for page in entrusted_views.values())
        for url in SHOWN:
            assert "受托案件 1 件" in entrusted_views[url].text, url
            assert "3 日内首报占比 —%" in entrusted_views[url].text, url  # nothing due yet
        # Kept until the first report falls due, with the deadline in the kept generation.
        assert _connections_taken(engine, client) == 0

        # No write happens when the three days run out; the record counts the report as missed.
        time.sleep(max(0.0, (case.first_report_due_at - utcnow()).total_seconds()) + 0.2)
        missed = _views(client)
        assert all(page.headers["x-cache"] == "miss" for page in missed.values())
        for url in SHOWN:
            assert "3 日内首报占比 0.00%" in missed[url].text, url
        assert _connections_taken(engine, client) == 0


def test_the_directory_verifies_the_agency_itself_and_visitors_checks_leave_its_pages_kept(
    session, engine, tmp_path
):
    # The registry knows an ordinary company and the agency, which has been struck off.
    _load(
        engine,
        tmp_path,
        enterprise_row(11, 企业名称="连云港市海州区金鼎商贸有限公司"),
        enterprise_row(12, 企业名称=NAME, 登记状态="吊销"),
    )
    agency = credit_code(12)
    add_agency(session, agency, NAME, "mediation", ARTICLE_SCHEDULE)
    session.commit()
    directory = "/agencies?unlisted=true"
    with TestClient(create_app(engine)) as client:
        # Nobody has verified it: the directory's own check says so from the first view.
        first = client.get(directory)
        assert first.status_code == 200 and "三步核验未通过，不予列入名录" in first.text
        assert client.get(directory).headers["x-cache"] == "hit"

        # Visitors verify a company and the agency itself: what the pages show is unchanged,
        # so they are not made again.
        other = client.post("/api/v1/verifications", json={"code": credit_code(11)})
        assert other.status_code == 201
        failed = client.post("/api/v1/verifications", json={"code": agency})
        assert failed.status_code == 201 and failed.json()["verdict"] == "不通过"
        again = client.get(directory)
        assert again.headers["x-cache"] == "hit" and again.text == first.text


def test_an_agency_no_rating_pass_has_reached_shows_its_grade_from_the_first_view(
    session, engine, tmp_path
):
    _load(engine, tmp_path, enterprise_row(13, 企业名称=NAME))
    agency = credit_code(13)
    add_agency(session, agency, NAME, "mediation", ARTICLE_SCHEDULE)
    # Registered after the last rating pass (the sync grades new enterprises once the app has
    # wired its hooks, which depends on what ran before in this process).
    session.execute(delete(Rating).where(Rating.credit_code == agency))
    session.commit()
    grade = re.compile(r"信用等级</th><td>([A-C]{1,3})</td>")
    with TestClient(create_app(engine)) as client:
        views = [client.get(f"/agencies/{agency}") for _ in range(3)]
        assert [grade.search(v.text).group(1) for v in views] == ["AAA"] * 3
        # Rated on the first view: the second is made again with the grade on record.
        assert [v.headers["x-cache"] for v in views] == ["miss", "miss", "hit"]
