"""A court's 失信 record of a natural person: shown masked; unmasking is refused without a purpose
or to a role that may not; an agency member unmasks it to assist enforcement; the read is in the
append-only audit log, anchored in the ledger, and the person sees who looked."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError
from stdnum.cn import ric

from tests.accounts.conftest import PASSWORD
from tests.support.judicial_files import person_dishonest_row, write_drop
from xinyong.accounts import privacy, service
from xinyong.accounts.crypto import seal, unseal
from xinyong.accounts.models import AccessAudit, User
from xinyong.enforcement.importer import import_file
from xinyong.enforcement.models import DishonestRecord
from xinyong.ledger import service as ledger
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST


def person_id(serial: int) -> str:
    """A valid resident ID number (stdnum's calc_check_digit reads all but the last character)."""
    body = f"32070619900101{serial:03d}"
    return body + ric.calc_check_digit(body + "0")


@pytest.fixture
def zhang(engine, session, tmp_path) -> DishonestRecord:
    """张三明, a natural person the court lists as dishonest, with a masked ID number."""
    path = write_drop(
        tmp_path / "dishonest.csv",
        ENFORCEMENT_DISHONEST,
        [person_dishonest_row(1, "张三明", person_id(1))],
    )
    import_file(engine, path, ENFORCEMENT_DISHONEST.name)
    return session.scalar(select(DishonestRecord).where(DishonestRecord.party_kind == "person"))


def test_masked_refused_allowed_audited_anchored_and_seen_by_the_subject(
    client, session, people, zhang
):
    url = f"/api/v1/persons/dishonest/{zhang.id}"

    # Masked by default, for anyone.
    plain = client.get(url).json()
    assert plain["masked"] and plain["party_name"] == "张*明"
    assert plain["party_id"] == zhang.party_id and "*" in plain["party_id"]

    # Refused: an anonymous visitor, no purpose, a role the purpose does not admit, a key
    # without the unmask scope.
    assert client.get(url, params={"unmask": True, "purpose": "litigation"}).status_code == 401
    no_purpose = client.get(url, params={"unmask": True}, headers=people.agency.headers)
    assert no_purpose.status_code == 422 and no_purpose.json()["field"] == "purpose"
    creditor = client.get(
        url, params={"unmask": True, "purpose": "enforcement"}, headers=people.creditor.headers
    )
    assert (
        creditor.status_code == 403 and "assist court enforcement" in creditor.json()["detail_en"]
    )
    no_scope = client.get(
        url, params={"unmask": True, "purpose": "enforcement"}, headers=people.agency.headers
    )
    assert no_scope.status_code == 403 and "'unmask' scope" in no_scope.json()["detail_en"]
    auditor = client.get(
        url, params={"unmask": True, "purpose": "litigation"}, headers=people.auditor.headers
    )
    assert auditor.status_code == 403
    assert session.scalar(select(AccessAudit.id)) is None  # refusals unmask nothing

    # Allowed: the agency member's key with the unmask scope, for enforcement.
    agent = service.user_by_email(session, "agent@example.cn")
    key = service.issue_api_key(session, agent, "enforcement desk", scopes=["read", "unmask"])
    session.commit()
    shown = client.get(url, params={"unmask": True, "purpose": "enforcement"}, headers=key.headers)
    assert shown.status_code == 200, shown.text
    assert shown.json()["party_name"] == "张三明" and not shown.json()["masked"]

    # The audit entry: who, role, what, purpose, when, from where.
    log = client.get("/api/v1/access-log", headers=people.auditor.headers).json()
    [entry] = log
    assert (
        entry["actor"].startswith(f"key:{key.key.prefix}") and "agent@example.cn" in entry["actor"]
    )
    assert entry["actor_org"] == people.agency_code and entry["role"] == "agency_member"
    assert entry["record"] == f"dishonest_record:{zhang.id}" and entry["purpose"] == "enforcement"
    assert entry["ip"] == "testclient" and entry["fields"] == ["party_id", "party_name"]
    assert entry["ledger_leaf"] is None  # not yet anchored

    # Anchored in the ledger as one batch; the leaf's digest matches the stored entries.
    anchored = client.post("/api/v1/operator/access-log/anchor", headers=people.operator.headers)
    assert anchored.status_code == 200 and anchored.json()["anchored"] == 1
    leaf_index = anchored.json()["leaf_index"]
    leaf = ledger.canonical_leaf(ledger.get_leaf(session, leaf_index))
    assert leaf["kind"] == "access_audit_batch"
    assert leaf["payload"]["first_id"] == entry["id"] == leaf["payload"]["last_id"]
    session.expire_all()
    assert privacy.verify_batch(session, privacy.batch_of(session, entry["id"]))
    log = client.get("/api/v1/access-log", headers=people.auditor.headers).json()
    assert log[0]["ledger_leaf"] == leaf_index

    # The log is append-only: the database refuses to rewrite or erase a line.
    for sql in ("UPDATE access_audit SET purpose = 'x'", "DELETE FROM access_audit"):
        with pytest.raises(DBAPIError):
            with session.begin_nested():
                session.execute(text(sql))
    session.rollback()

    # The data subject, once an operator recorded the identity they proved, sees who looked.
    person = service.create_user(session, "zhang@example.cn", password="zhang's own passphrase")
    session.commit()
    put = client.put(
        f"/api/v1/operator/users/{person.id}/identity",
        json={"name": "张三明", "id_number": person_id(1)},
        headers=people.operator.headers,
    )
    assert put.status_code == 204, put.text
    session.expire_all()
    stored = session.get(User, person.id)
    assert stored.identity == f"张三明|{person_id(1)}"
    raw = session.execute(
        text(f"SELECT identity FROM account_user WHERE id = {person.id}")
    ).scalar()
    assert raw.startswith("enc:v1:k2:") and person_id(1) not in raw  # encrypted at rest
    own_key = service.issue_api_key(session, stored, "mine")
    session.commit()
    seen = client.get("/api/v1/me/access-log", headers=own_key.headers).json()
    assert [(s["who"], s["organisation"], s["purpose_zh"]) for s in seen] == [
        ("agent@example.cn", people.agency_code, "协助法院执行")
    ]
    # The same on the page, in the browser, after signing in.
    zhang_page = client.post(
        "/login", data={"email": "zhang@example.cn", "password": "zhang's own passphrase"}
    )
    assert zhang_page.status_code == 200
    page = client.get("/account/access-log")
    assert "agent@example.cn" in page.text and "协助法院执行" in page.text
    assert "<td>查看未遮蔽信息</td>" in page.text  # what was done, in words
    client.cookies.clear()
    # Unmasking from a browser session needs the page's CSRF token, even on a GET: a link on
    # another site cannot make someone's browser write the audit log in their name.
    csrf = client.post(
        "/api/v1/auth/login", json={"email": "agent@example.cn", "password": PASSWORD}
    ).json()["csrf_token"]
    params = {"unmask": True, "purpose": "enforcement"}
    assert client.get(url, params=params).status_code == 403
    assert client.get(url, params=params, headers={"X-CSRF-Token": csrf}).status_code == 200
    client.cookies.clear()
    # Someone else sees nothing of it.
    assert client.get("/api/v1/me/access-log", headers=people.creditor.headers).json() == []


def test_person_lookups_are_masked_and_capped_per_key(client, session, people, zhang):
    user = service.user_by_email(session, "cred@example.cn")
    key = service.issue_api_key(
        session, user, "lookups", scopes=["read", "persons"], person_daily_cap=2
    )
    no_scope = people.creditor
    session.commit()
    refused = client.get(
        "/api/v1/persons/dishonest", params={"name": "张三明"}, headers=no_scope.headers
    )
    assert refused.status_code == 403 and "persons" in refused.json()["detail_en"]
    for _ in range(2):
        found = client.get(
            "/api/v1/persons/dishonest", params={"name": "张三明"}, headers=key.headers
        )
        assert [r["party_name"] for r in found.json()] == ["张*明"]
    capped = client.get("/api/v1/persons/dishonest", params={"name": "张三明"}, headers=key.headers)
    assert capped.status_code == 429 and int(capped.headers["retry-after"]) > 0
    assert "daily cap of 2 person look-ups" in capped.json()["detail_en"]


def test_an_export_is_audited_per_record(client, session, people, zhang):
    agent = service.user_by_email(session, "agent@example.cn")
    key = service.issue_api_key(session, agent, "export", scopes=["read", "unmask", "write"])
    session.commit()
    out = client.post(
        "/api/v1/persons/dishonest/export",
        json={"ids": [zhang.id], "purpose": "litigation"},
        headers=key.headers,
    )
    assert out.status_code == 200 and "张三明" in out.text
    actions = session.scalars(select(AccessAudit.action)).all()
    assert actions == ["export"]


def test_ended_records_lose_their_personal_fields_after_retention(session, zhang):
    zhang.ended_on = datetime(2020, 1, 1, tzinfo=UTC).date()
    session.commit()
    assert privacy.purge_ended(session, datetime(2026, 11, 28, tzinfo=UTC), days=365) == 1
    session.commit()
    session.expire_all()
    row = session.get(DishonestRecord, zhang.id)
    assert row.party_name == "张*明" and row.court and row.case_number  # facts kept
    assert privacy.purge_ended(session, datetime(2026, 11, 28, tzinfo=UTC), days=365) == 0


def test_sealed_values_survive_a_key_rotation(monkeypatch):
    sealed = seal("13912345678")
    assert sealed.startswith("enc:v1:k2:") and "13912345678" not in sealed
    # Rotation: a new key goes first, the old one stays until everything is resealed.
    monkeypatch.setenv("XINYONG_PRIVACY_KEYS", "k3:" + "Aw" * 21 + "w=,k2:" + "Ag" * 21 + "g=")
    assert unseal(sealed) == "13912345678"
    assert seal("x").startswith("enc:v1:k3:")
    monkeypatch.setenv("XINYONG_PRIVACY_KEYS", "k3:" + "Aw" * 21 + "w=")
    with pytest.raises(Exception, match="k2"):
        unseal(sealed)


def test_after_a_rotation_reseal_moves_every_sealed_value_to_the_new_key(
    database_url, session, monkeypatch
):
    user = service.create_user(session, "subject@example.cn")
    user.identity = "李四|320706199001010021"
    session.commit()
    new_keys = "k3:" + "Aw" * 21 + "w=,k2:" + "Ag" * 21 + "g="
    done = subprocess.run(
        [sys.executable, "-m", "xinyong", "accounts", "reseal"],
        env=dict(os.environ, XINYONG_DATABASE_URL=database_url, XINYONG_PRIVACY_KEYS=new_keys),
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr
    assert "resealed 1" in done.stdout
    raw = session.execute(text(f"SELECT identity FROM account_user WHERE id = {user.id}")).scalar()
    assert raw.startswith("enc:v1:k3:")
    monkeypatch.setenv("XINYONG_PRIVACY_KEYS", "k3:" + "Aw" * 21 + "w=")  # old key dropped
    session.expire_all()
    assert session.get(User, user.id).identity == "李四|320706199001010021"
