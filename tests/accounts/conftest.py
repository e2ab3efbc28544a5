"""Account fixtures: the real app over HTTPS (session cookies are Secure), and people to act as."""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from fastapi.testclient import TestClient

from tests.support.judicial_files import register_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.accounts import service
from xinyong.api.app import create_app

PASSWORD = "correct horse battery"


@dataclass
class People:
    """An operator, an auditor, a creditor (with its firm) and an agency member, each with a key."""

    operator: service.IssuedKey
    auditor: service.IssuedKey
    creditor: service.IssuedKey
    agency: service.IssuedKey
    creditor_code: str
    agency_code: str


@pytest.fixture
def app(engine, monkeypatch):
    monkeypatch.delenv("XINYONG_OPERATOR_TOKEN", raising=False)
    return create_app(engine)


@pytest.fixture
def client(app):
    with TestClient(app, base_url="https://testserver") as c:
        yield c


@pytest.fixture
def people(engine, session, tmp_path) -> People:
    # An agency is registered under its code only when the registry (or the directory) knows it.
    register_enterprises(
        engine,
        tmp_path / "registry",
        [
            enterprise_row(2, 企业名称="连云港乙律师事务所", 经营范围="法律服务"),
            enterprise_row(3, 企业名称="连云港丁律师事务所", 经营范围="法律服务"),
        ],
    )
    op = service.create_user(session, "op@example.cn", password=PASSWORD, roles=["operator"])
    aud = service.create_user(session, "audit@example.cn", password=PASSWORD, roles=["auditor"])
    cred = service.create_user(session, "cred@example.cn", password=PASSWORD)
    firm = service.create_organisation(session, credit_code(1), "连云港甲贸易有限公司", "creditor")
    service.add_member(session, cred, firm)
    agent = service.create_user(session, "agent@example.cn", password=PASSWORD)
    agency = service.create_organisation(session, credit_code(2), "连云港乙律师事务所", "agency")
    service.decide_organisation(session, agency.id, True, "op")
    service.add_member(session, agent, agency)
    people = People(
        operator=service.issue_api_key(session, op, "ops", scopes=["read", "write", "operator"]),
        auditor=service.issue_api_key(session, aud, "audit"),
        creditor=service.issue_api_key(session, cred, "erp", scopes=["read", "write"], org=firm),
        agency=service.issue_api_key(session, agent, "case-system", scopes=["read", "write"]),
        creditor_code=firm.credit_code,
        agency_code=agency.credit_code,
    )
    session.commit()
    return people


@pytest.fixture(autouse=True)
def privacy_keys(monkeypatch):
    """Encryption keys from settings, as a deployment sets them (never the development key file)."""
    monkeypatch.setenv("XINYONG_PRIVACY_KEYS", "k2:" + "Ag" * 21 + "g=,k1:" + "AQ" * 21 + "E=")
    monkeypatch.setenv("XINYONG_PRIVACY_REF_KEY", "cmVmLWtleS1mb3ItdGVzdHMtb25seS0zMi1ieXRlcyE=")


@pytest.fixture
def live_server(app):
    """The real app on a real port (uvicorn in a thread), for what only real HTTP shows."""
    import threading
    import time

    import uvicorn

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
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)
