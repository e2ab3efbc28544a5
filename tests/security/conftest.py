"""Security fixtures: the real app with generous rate limits (these tests call every route), and
one credential per role."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from tests.support.judicial_files import register_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.accounts import service
from xinyong.api.app import create_app

PASSWORD = "correct horse battery"


@pytest.fixture
def app(engine, monkeypatch, tmp_path):
    monkeypatch.delenv("XINYONG_OPERATOR_TOKEN", raising=False)
    monkeypatch.setenv("XINYONG_RATE_LIMIT_IP", "100000/minute")
    monkeypatch.setenv("XINYONG_RATE_LIMIT_KEY", "100000/minute")
    monkeypatch.setenv("XINYONG_PRIVACY_KEYS", "k1:" + "AQ" * 21 + "E=")
    monkeypatch.setenv("XINYONG_PRIVACY_REF_KEY", "AQ" * 21 + "E=")
    monkeypatch.setenv("XINYONG_DATA_DIR", str(tmp_path / "data"))
    return create_app(engine)


@pytest.fixture
def client(app):
    with TestClient(app, base_url="https://testserver") as c:
        yield c


@pytest.fixture
def credentials(engine, session, tmp_path) -> dict[str, dict]:
    """Per role: cookies and headers (a signed-in browser for people, a key for the API client)."""
    creds: dict[str, dict] = {"anonymous": {"cookies": {}, "headers": {}}}
    # The agency's code must be known to the registry for it to be registered as one.
    register_enterprises(
        engine, tmp_path / "registry", [enterprise_row(2, 企业名称="乙律师事务所")]
    )

    def browser(email: str, roles=(), org=None):
        user = service.create_user(session, email, password=PASSWORD, roles=roles)
        if org is not None:
            service.add_member(session, user, org)
        token, web = service.start_session(session, user)
        return {"cookies": {"xy_session": token}, "headers": {"X-CSRF-Token": web.csrf_token}}

    firm = service.create_organisation(session, credit_code(1), "甲贸易有限公司", "creditor")
    agency = service.create_organisation(session, credit_code(2), "乙律师事务所", "agency")
    service.decide_organisation(session, agency.id, True, "test")
    creds["visitor"] = browser("visitor@example.cn")
    creds["creditor"] = browser("creditor@example.cn", org=firm)
    creds["agency_member"] = browser("agent@example.cn", org=agency)
    creds["operator"] = browser("op@example.cn", roles=["operator"])
    creds["auditor"] = browser("auditor@example.cn", roles=["auditor"])
    machine = service.create_user(session, "erp@example.cn", roles=["api_client"])
    key = service.issue_api_key(
        session, machine, "erp", scopes=["read", "persons", "unmask", "write"], daily_quota=None
    )
    creds["api_client"] = {"cookies": {}, "headers": key.headers}
    session.commit()
    return creds


@pytest.fixture(scope="module")
def fuzz_app(tmp_path_factory):
    """One migrated database and app for a whole schemathesis module (its operations share it)."""
    from tests.conftest import _fresh_database
    from xinyong.db import make_engine, upgrade

    mp = pytest.MonkeyPatch()
    tmp = tmp_path_factory.mktemp("fuzz")
    for name, value in {
        "XINYONG_RATE_LIMIT_IP": "1000000/minute",
        "XINYONG_RATE_LIMIT_KEY": "1000000/minute",
        "XINYONG_PRIVACY_KEYS": "k1:" + "AQ" * 21 + "E=",
        "XINYONG_PRIVACY_REF_KEY": "AQ" * 21 + "E=",
        "XINYONG_DATA_DIR": str(tmp / "data"),
    }.items():
        mp.setenv(name, value)
    # The break-glass token: no key of its own for the fuzzer to revoke from under itself.
    mp.setenv("XINYONG_OPERATOR_TOKEN", "fuzz-token")
    url, drop = _fresh_database(tmp)
    upgrade(url)
    engine = make_engine(url)
    app = create_app(engine)
    yield app, {"Authorization": "Bearer fuzz-token", "X-Operator": "fuzz"}
    engine.dispose()
    drop()
    mp.undo()
