"""A caller who sends a wrong parameter is told, in Chinese and in English, where it is, what they
sent and what is expected — in the same problem shape as every other refusal."""

from __future__ import annotations

import re

from tests.support.registry_files import credit_code

ENGLISH_IN_CHINESE = re.compile(r"Input should|Field required|valid integer|JSON decode")


def _problem(response, field: str) -> dict:
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["type"] == "urn:xinyong:problem:invalid_input"
    assert body["field"] == field
    assert not ENGLISH_IN_CHINESE.search(body["detail_zh"]), body["detail_zh"]
    assert body["detail"] == f"{body['detail_zh']}（{body['detail_en']}）"
    return body


def test_a_page_number_below_one_says_where_what_was_given_and_what_is_expected(client):
    body = _problem(client.get("/api/v1/enterprises", params={"q": "金鼎", "page": 0}), "page")
    assert body["detail_zh"] == "query.page 的值“0”无效：应大于或等于 1"
    assert body["detail_en"] == (
        "query.page: '0' was given, but input should be greater than or equal to 1"
    )
    [error] = body["errors"]
    assert error["location"] == "query.page" and error["type"] == "greater_than_equal"


def test_missing_proof_parameters_are_each_named(client):
    body = _problem(client.get("/api/v1/ledger/proofs/inclusion"), "leaf_hash")
    assert body["detail_zh"] == "缺少必填项 query.leaf_hash；缺少必填项 query.tree_size"
    assert "query.tree_size is required" in body["detail_en"]
    assert [e["field"] for e in body["errors"]] == ["leaf_hash", "tree_size"]


def test_a_fee_quote_with_a_bad_body_names_the_field_inside_it(client):
    wrong = client.post(
        "/api/v1/fees/quote", json={"debt_amount": "十万", "agency": credit_code(1)}
    )
    body = _problem(wrong, "debt_amount")
    assert "body.debt_amount 的值“十万”无效：应为数字" in body["detail_zh"]
    assert "body.debt_amount: '十万' was given" in body["detail_en"]
    # The model's own rule keeps its two languages apart.
    neither = _problem(client.post("/api/v1/fees/quote", json={"debt_amount": "100"}), "body")
    assert neither["detail_zh"] == "body：须给出 agency 或 schedule 之一"
    assert neither["detail_en"] == "body: give exactly one of agency or schedule"
    broken = client.post(
        "/api/v1/fees/quote", content=b"{debt", headers={"content-type": "application/json"}
    )
    assert "请求体不是有效的 JSON" in _problem(broken, "body")["detail_zh"]


def test_a_date_that_is_no_date_says_the_format(client):
    wrong = client.get(
        f"/api/v1/enterprises/{credit_code(1)}", params={"as_known_on": "2026-13-01"}
    )
    body = _problem(wrong, "as_known_on")
    assert body["detail_zh"] == "query.as_known_on 的值“2026-13-01”无效：应为日期，格式 YYYY-MM-DD"
    assert "month value is outside expected range" in body["detail_en"]


def test_a_browser_gets_the_same_sentences_on_a_page(client):
    page = client.get(
        "/search", params={"q": "律师", "page": "two"}, headers={"Accept": "text/html"}
    )
    assert page.status_code == 422
    assert "query.page 的值“two”无效：应为整数" in page.text
