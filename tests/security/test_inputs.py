"""Hostile input fails safely: SQL injection, path traversal, oversized bodies and uploads of the
wrong type or size are answered with a clear 4xx, never a 500, and change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from xinyong.accounts.models import User
from xinyong.api.app import create_app

INJECTIONS = [
    "' OR '1'='1",
    "'; DROP TABLE account_user; --",
    '" OR 1=1 --',
    "1 UNION SELECT email, password_hash FROM account_user --",
    "%' AND 1=0 UNION SELECT NULL --",
]


@pytest.mark.parametrize("evil", INJECTIONS)
def test_sql_injection_is_just_text(client, session, credentials, evil):
    before = session.scalar(select(func.count()).select_from(User))
    urls = [
        ("/api/v1/enterprises", {"q": evil}),
        (f"/api/v1/codes/{evil}", None),
        (f"/api/v1/enterprises/{evil}", None),
        ("/api/v1/lists", {"code": evil, "type": evil}),
        ("/api/v1/alerts", {"credit_code": evil}),
        ("/api/v1/persons/dishonest", {"name": evil}),
    ]
    for name, value in credentials["operator"]["cookies"].items():
        client.cookies.set(name, value)
    for url, params in urls:
        r = client.get(url, params=params, headers=credentials["operator"]["headers"])
        assert r.status_code < 500, (url, r.status_code, r.text[:200])
        assert "$argon2" not in r.text and "@example.cn" not in r.text  # nothing leaked
    login = client.post("/api/v1/auth/login", json={"email": evil, "password": evil})
    assert login.status_code in (401, 422)
    assert session.scalar(select(func.count()).select_from(User)) == before  # table intact


@pytest.mark.parametrize(
    "path",
    [
        "/static/../../pyproject.toml",
        "/static/..%2f..%2fpyproject.toml",
        "/static/%2e%2e/%2e%2e/pyproject.toml",
        "/api/v1/reports/..%2f..%2fetc%2fpasswd/pdf",
        "/api/v1/ledger/bundles/..%2f..%2fetc%2fpasswd",
        "/e/..%2f..%2fetc%2fpasswd",
    ],
)
def test_path_traversal_reaches_no_file(client, path):
    r = client.get(path)
    assert r.status_code in (404, 422), (path, r.status_code)
    assert "[project]" not in r.text and "root:" not in r.text


def test_an_uploaded_file_is_judged_by_its_bytes_and_size(client, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    exe = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + b"\x00" * 200
    r = client.post(
        "/api/v1/verifications/batch", files={"file": ("../../agencies.csv", exe, "text/csv")}
    )
    assert r.status_code == 422 and r.json()["field"] == "file"
    assert "CSV" in r.json()["detail_en"] and "XLSX" in r.json()["detail_en"]
    assert not (tmp_path.parent / "agencies.csv").exists()

    big = b"code\n" + b"91320706MA00000000\n" * (11 * 1024 * 1024 // 19)
    r = client.post("/api/v1/verifications/batch", files={"file": ("big.csv", big, "text/csv")})
    assert r.status_code == 413 and "10 MB" in r.json()["detail_en"]

    page = client.post(
        "/documents/review", files={"file": ("contract.docx", exe, "application/octet-stream")}
    )
    assert page.status_code == 422 and "DOCX" in page.text


def test_an_oversized_body_is_refused_before_it_is_read(engine, monkeypatch):
    monkeypatch.setenv("XINYONG_MAX_BODY_BYTES", str(64 * 1024))
    with TestClient(create_app(engine), base_url="https://testserver") as c:
        declared = c.post(
            "/api/v1/fees/quote",
            content=b"{" + b" " * 70_000 + b"}",
            headers={"content-type": "application/json"},
        )
        assert declared.status_code == 413 and "64 KB" in declared.json()["detail_en"]

        def chunks():  # no Content-Length: counted as it arrives
            for _ in range(20):
                yield b" " * 8192

        streamed = c.post(
            "/api/v1/fees/quote", content=chunks(), headers={"content-type": "application/json"}
        )
        assert streamed.status_code == 413


def test_oversized_fields_are_refused_with_the_field_named(client):
    r = client.post(
        "/api/v1/auth/register", json={"email": "a" * 10_000 + "@x.cn", "password": "p"}
    )
    assert r.status_code == 422 and "email" in r.text
    r = client.get("/api/v1/enterprises", params={"q": "连" * 3_000})
    assert r.status_code < 500
    r = client.get("/api/v1/lists/99999999999999999999999")
    assert r.status_code == 422


def test_static_files_are_served_from_their_folder_only(client):
    assert client.get("/static/echarts.min.js").status_code == 200
    assert Path("pyproject.toml").exists()  # the file the traversal tests try to reach
