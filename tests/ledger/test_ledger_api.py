"""A citizen's auditor fetches the checkpoint and proofs over HTTP and checks them with the vkey."""

from __future__ import annotations

import base64
import io
import zipfile

import pytest
from fastapi.testclient import TestClient

from tests.ledger.test_merkle import naive_root
from xinyong.api.app import create_app
from xinyong.db import session_factory
from xinyong.ledger import bundle, merkle, note, service
from xinyong.ledger.api import get_ledger_settings


@pytest.fixture
def client(engine, ledger_settings):
    app = create_app(engine)
    app.dependency_overrides[get_ledger_settings] = lambda: ledger_settings
    with TestClient(app) as c:
        yield c


@pytest.fixture
def logged(engine, ledger_settings):
    """Twelve entries: a debt registration with its contract scan, then verifications."""
    with session_factory(engine)() as session:
        receipts = [
            service.append(
                session,
                "debt_registration",
                {"debtor": "连云港某商贸有限公司", "amount_fen": 1250000},
                b"%PDF-1.7 contract",
                file_name="contract.pdf",
                settings=ledger_settings,
            )
        ]
        for i in range(11):
            receipts.append(
                service.append(session, "verification", {"n": i}, settings=ledger_settings)
            )
        session.commit()
    return receipts


def b64(h: bytes) -> str:
    return base64.b64encode(h).decode()


def test_checkpoint_proofs_and_leaves_check_out_with_the_public_key(client, logged):
    resp = client.get("/api/v1/ledger/checkpoint")
    assert resp.status_code == 200 and resp.headers["content-type"].startswith("text/plain")
    keys = client.get("/api/v1/ledger/keys").json()
    vkey = note.parse_vkey(keys[0]["vkey"])
    cp, _ = note.open_checkpoint(resp.text, [vkey], origin="credit.example.test/ledger")
    assert cp.size == 12
    assert cp.root_hash == naive_root([r.data for r in logged])

    leaf = client.get("/api/v1/ledger/leaves/0").json()
    assert leaf["kind"] == "debt_registration" and leaf["data"]["payload"]["amount_fen"] == 1250000
    assert base64.b64decode(leaf["data_base64"]) == logged[0].data

    proof = client.get(
        "/api/v1/ledger/proofs/inclusion", params={"leaf_hash": leaf["leaf_hash"], "tree_size": 12}
    ).json()
    assert proof["leaf_index"] == 0
    path = [base64.b64decode(p) for p in proof["inclusion_path"]]
    merkle.verify_inclusion(0, 12, logged[0].leaf_hash, path, cp.root_hash)
    # Hex works too.
    by_hex = client.get(
        "/api/v1/ledger/proofs/inclusion",
        params={"leaf_hash": logged[5].leaf_hash.hex(), "tree_size": 12},
    )
    assert by_hex.json()["leaf_index"] == 5

    old_root = naive_root([r.data for r in logged[:5]])
    cons = client.get("/api/v1/ledger/proofs/consistency", params={"first": 5, "second": 12}).json()
    path = [base64.b64decode(p) for p in cons["consistency_path"]]
    merkle.verify_consistency(5, 12, path, old_root, cp.root_hash)


def test_bad_proof_requests_say_what_is_wrong(client, logged):
    too_big = client.get(
        "/api/v1/ledger/proofs/inclusion",
        params={"leaf_hash": b64(logged[0].leaf_hash), "tree_size": 99},
    )
    assert too_big.status_code == 422
    assert (
        "tree_size=99" in too_big.json()["detail_en"]
        and "账本当前大小 12" in too_big.json()["detail_zh"]
    )
    unknown = client.get(
        "/api/v1/ledger/proofs/inclusion", params={"leaf_hash": b64(b"\x01" * 32), "tree_size": 12}
    )
    assert unknown.status_code == 404
    garbage = client.get(
        "/api/v1/ledger/proofs/inclusion", params={"leaf_hash": "zz!", "tree_size": 12}
    )
    assert garbage.status_code == 422 and garbage.json()["field"] == "leaf_hash"
    backwards = client.get("/api/v1/ledger/proofs/consistency", params={"first": 9, "second": 3})
    assert backwards.status_code == 422
    assert client.get("/api/v1/ledger/leaves/12").status_code == 404


def test_an_evidence_bundle_downloads_and_verifies(client, logged, monkeypatch):
    # Anyone gets the proof; the file itself only staff (the operator token here).
    public = client.get("/api/v1/ledger/bundles/0")
    assert public.status_code == 200
    assert not [
        n for n in zipfile.ZipFile(io.BytesIO(public.content)).namelist() if "evidence/" in n
    ]
    refused = client.get("/api/v1/ledger/bundles/0", params={"file": "true"})
    assert refused.status_code == 403 and "工作人员" in refused.json()["detail"]
    monkeypatch.setenv("XINYONG_OPERATOR_TOKEN", "ledger-staff")
    resp = client.get(
        "/api/v1/ledger/bundles/0",
        params={"file": "true"},
        headers={"Authorization": "Bearer ledger-staff"},
    )
    assert resp.status_code == 200 and resp.headers["content-type"] == "application/zip"
    names = zipfile.ZipFile(io.BytesIO(resp.content)).namelist()
    assert f"evidence/{logged[0].file_sha256}.pdf" in names
    vkey = note.parse_vkey(client.get("/api/v1/ledger/keys").json()[0]["vkey"])
    report = bundle.verify(resp.content, [vkey])
    assert report.leaf["payload"]["debtor"] == "连云港某商贸有限公司"
    history = client.get("/api/v1/ledger/checkpoints").json()
    assert [h["tree_size"] for h in history] == [12]
