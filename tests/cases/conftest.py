"""A small directory of agencies with published fee schedules, and a ledger in the test's folder."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import insert

from tests.support.registry_files import credit_code
from xinyong.accounts import service as accounts
from xinyong.agencies.models import Agency
from xinyong.agencies.schedule import FeeSchedule
from xinyong.agencies.service import publish_schedule
from xinyong.cases.actors import Actor
from xinyong.ledger.config import LedgerSettings
from xinyong.sources.provenance import allocate_seq

# A Monday morning in Lianyungang (01:30 UTC = 09:30 Asia/Shanghai).
T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
MEDIATOR = credit_code(701)
LAW_FIRM = credit_code(702)
CREDITOR_CODE = credit_code(703)
DEBTOR_CODE = credit_code(704)
ARTICLE_SCHEDULE = {
    "title_zh": "商账清收分段收费",
    "contract_template": "debt_entrustment",
    "commission": {
        "method": "marginal",
        "basis": "recovered",
        "contingency": True,
        "bands": [
            {"from": 0, "to": 50000, "rate": 30},
            {"from": 50000, "to": 100000, "rate": 25},
            {"from": 100000, "to": None, "rate": 20},
        ],
    },
}
LAW_SCHEDULE = {
    "contract_template": "legal_services",
    "commission": {
        "method": "marginal",
        "contingency": True,
        "bands": [
            {"from": 0, "to": 1000000, "rate": 15},
            {"from": 1000000, "to": None, "rate": 6},
        ],
    },
}

CREDITOR_NAME = "连云港港城建材有限公司"
CREDITOR = Actor("creditor", CREDITOR_CODE, CREDITOR_NAME, CREDITOR_CODE)
MEDIATOR_STAFF = Actor("agency", MEDIATOR, "连云港海州民商事调解中心", MEDIATOR)
LAW_FIRM_STAFF = Actor("agency", LAW_FIRM, "江苏港信律师事务所", LAW_FIRM)
OPERATOR = Actor("operator", "op-1", "王敏")


def add_agency(session, code: str, name: str, kind: str, schedule: dict) -> None:
    conn = session.connection()
    conn.execute(
        insert(Agency.__table__).values(
            credit_code=code,
            name=name,
            kind=kind,
            services=["non_litigation", "mediation"],
            regions=["320700"],
            source="portal",
            source_record_id=code,
            fetched_at=T0,
            as_of=date(2026, 3, 1),
            known_from=T0,
            content_hash="0" * 32,
            demo=False,
            change_seq=allocate_seq(conn, 1),
        )
    )
    publish_schedule(
        session,
        code,
        FeeSchedule.model_validate(schedule),
        effective_from=date(2026, 3, 1),
        now=datetime(2026, 2, 28, tzinfo=UTC),
    )


@pytest.fixture
def directory(session):
    add_agency(session, MEDIATOR, "连云港海州民商事调解中心", "mediation", ARTICLE_SCHEDULE)
    add_agency(session, LAW_FIRM, "江苏港信律师事务所", "law_firm", LAW_SCHEDULE)
    session.commit()
    return session


@dataclass
class Parties:
    """API keys of the people on a case: the creditor's clerk, both agencies' staff, an operator."""

    creditor: dict
    mediator: dict
    law_firm: dict
    operator: dict


@pytest.fixture
def parties(directory) -> Parties:
    """Accounts for the creditor firm and the two listed agencies (approved), each with a key."""
    session = directory
    keys = {}
    for who, code, name, kind in (
        ("creditor", CREDITOR_CODE, CREDITOR_NAME, "creditor"),
        ("mediator", MEDIATOR, MEDIATOR_STAFF.name, "agency"),
        ("law_firm", LAW_FIRM, LAW_FIRM_STAFF.name, "agency"),
    ):
        user = accounts.create_user(session, f"{who}@example.cn", display_name=f"{who} clerk")
        org = accounts.create_organisation(session, code, name, kind)
        if kind == "agency":
            accounts.decide_organisation(session, org.id, True, "op")
        accounts.add_member(session, user, org)
        keys[who] = accounts.issue_api_key(session, user, who, scopes=["read", "write"]).headers
    op = accounts.create_user(session, "op@example.cn", display_name="王敏", roles=["operator"])
    keys["operator"] = accounts.issue_api_key(
        session, op, "ops", scopes=["read", "write", "operator"]
    ).headers
    session.commit()
    return Parties(**keys)


@pytest.fixture
def ledger_settings(tmp_path: Path) -> LedgerSettings:
    return LedgerSettings(
        origin="credit.example.test/ledger",
        key_dir=tmp_path / "keys",
        evidence_dir=tmp_path / "evidence",
    )


def yuan(text: str) -> Decimal:
    return Decimal(text)


def entrustment_contract(number: str, principal: str = "80000.00") -> bytes:
    """The platform's own 债务委托协议, filled and rendered to DOCX, as the parties would sign it."""
    from xinyong.documents.fees import FeeBand, FeeDescription
    from xinyong.documents.forms import entrustment_agreement
    from xinyong.documents.output import render
    from xinyong.documents.schemas import DebtCase, EntrustmentInput, Party

    data = EntrustmentInput(
        creditor=Party(name=CREDITOR.name, id_number=CREDITOR.org_code),
        agency=Party(name=MEDIATOR_STAFF.name, id_number=MEDIATOR),
        case=DebtCase(
            debtor_name="连云港某某贸易有限公司",
            basis="《买卖合同》GC-2025-031 货款",
            principal_yuan=Decimal(principal),
            due_date=date(2025, 12, 31),
        ),
        fee=FeeDescription(
            bands=[
                FeeBand(up_to_yuan=Decimal(50000), rate_percent=Decimal(30)),
                FeeBand(up_to_yuan=Decimal(100000), rate_percent=Decimal(25)),
                FeeBand(rate_percent=Decimal(20)),
            ],
            schedule_ref="商账清收分段收费 第 1 版",
        ),
        agreement_number=number,
    )
    return render(entrustment_agreement(data), "docx")


@pytest.fixture
def live_server(engine, ledger_settings, monkeypatch):
    """The real app on a real port (uvicorn in a thread), with a clock the test moves."""
    import threading
    import time

    import uvicorn

    from xinyong.api.app import create_app
    from xinyong.ledger.api import get_ledger_settings

    monkeypatch.delenv("XINYONG_OPERATOR_TOKEN", raising=False)
    app = create_app(engine)
    app.dependency_overrides[get_ledger_settings] = lambda: ledger_settings
    clock = {"now": T0}
    app.state.clock = lambda: clock["now"]
    server = uvicorn.Server(
        uvicorn.Config(
            app, host="127.0.0.1", port=0, log_level="warning", timeout_graceful_shutdown=2
        )
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.02)
    port = server.servers[0].sockets[0].getsockname()[1]
    yield f"http://127.0.0.1:{port}", clock
    server.should_exit = True
    thread.join(timeout=10)
