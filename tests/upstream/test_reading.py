"""A connector reads the upstream page by page with cursors, and only with its token."""

from __future__ import annotations

import pytest

from tests.support.registry_files import credit_code
from tests.support.upstream_process import upstream_process
from tests.upstream.conftest import ENTERPRISES, TODAY, build_drop, enterprise_rows
from xinyong.sources.catalog import layout


@pytest.fixture(scope="module")
def upstream(tmp_path_factory):
    """One server for these tests: they only read."""
    folder = build_drop(tmp_path_factory.mktemp("reading") / "drop", excel=True)
    state = folder.parent / "state.sqlite3"
    with upstream_process(folder, state=state, token="s3cret", today=TODAY) as running:
        yield running


def test_paging_with_cursors_returns_every_record_exactly_once(upstream):
    seen: list[str] = []
    cursor = None
    pages = 0
    while True:
        page = upstream.page("registry.enterprises", cursor, page_size=6)
        pages += 1
        assert page["dataset"] == "registry.enterprises"
        assert len(page["records"]) <= 6
        seen += [r["统一社会信用代码"] for r in page["records"]]
        cursor = page["next_cursor"]
        if not page["has_more"]:
            break
    assert pages == 4  # 20 records in pages of 6
    assert sorted(seen) == sorted(credit_code(n) for n in range(1, ENTERPRISES + 1))

    # Nothing new: an empty page that hands the same cursor back.
    again = upstream.page("registry.enterprises", cursor)
    assert (again["records"], again["next_cursor"], again["has_more"]) == ([], cursor, False)


def test_records_carry_the_official_headers_and_the_file_text_as_it_was(upstream):
    page = upstream.page("registry.enterprises", page_size=1)
    headers = layout("registry.enterprises").headers
    first = enterprise_rows()[0]
    assert page["records"] == [{h: first.get(h, "") for h in headers}]  # read from a GBK file
    assert page["as_of"] == TODAY

    abnormal, _ = upstream.read_all("registry.abnormal")  # from an Excel workbook
    assert [r["记录编号"] for r in abnormal] == ["YC20250002", "YC20250003", "YC20250005"]
    assert abnormal[1]["移出日期"] == "2026-03-01"

    dishonest, _ = upstream.read_all("enforcement.dishonest")  # from JSON lines
    assert len(dishonest) == 6 and dishonest[0]["案号"] == "（2025）苏0706执1011号"


def test_the_dataset_list_says_what_is_served(upstream):
    listing = upstream.http.get("/api/datasets").json()
    by_name = {d["name"]: d for d in listing["datasets"]}
    assert by_name["registry.enterprises"]["records"] == 20
    assert by_name["registry.abnormal"]["records"] == 3
    assert by_name["enforcement.dishonest"]["key"] == ["案号", "被执行人姓名/名称"]
    assert by_name["registry.shareholders"]["records"] == 0  # known layout, no file in this drop
    assert listing["version"] == 32

    missing = upstream.http.get("/api/registry.nothing")
    assert missing.status_code == 404
    assert "registry.enterprises" in missing.json()["detail_en"]


def test_without_the_right_token_the_upstream_says_401(upstream):
    with upstream.client(token="") as anonymous, upstream.client(token="wrong") as guesser:
        for client in (anonymous, guesser):
            for path in ("/api/registry.enterprises", "/api/datasets", "/_admin/state"):
                response = client.get(path)
                assert response.status_code == 401
                assert response.headers["content-type"] == "application/problem+json"
                assert response.headers["www-authenticate"].startswith("Bearer")
                assert "访问令牌" in response.json()["detail"]
        assert anonymous.get("/healthz").status_code == 200  # health checks need no token

    assert upstream.http.get("/api/registry.enterprises").status_code == 200


def test_a_malformed_cursor_or_one_from_the_future_is_refused(upstream):
    bad = upstream.http.get("/api/registry.enterprises", params={"updated_since": "abc"})
    assert bad.status_code == 422 and "next_cursor" in bad.json()["detail_en"]

    ahead = upstream.http.get("/api/registry.enterprises", params={"updated_since": "999"})
    assert ahead.status_code == 409  # the upstream was reset: say so rather than "nothing new"
    assert "重置" in ahead.json()["detail_zh"]
