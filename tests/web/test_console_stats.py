"""An operator and an auditor read the statistics: charts drawn from the same figures as the
tables and GET /api/v1/stats, an empty state for a quiet period, a bad month said plainly."""

from __future__ import annotations

import json
import re

import pytest

from tests.stats.story import NOW, agencies_and_ledger, build_quarter
from xinyong.accounts import service as accounts

PASSWORD = "auditor-password-2026"


@pytest.fixture
def quarter(session, tmp_path, clock):
    clock.now = NOW
    return build_quarter(session, agencies_and_ledger(session, tmp_path))


@pytest.fixture
def auditor_key(session) -> dict[str, str]:
    user = accounts.create_user(
        session, "audit@example.cn", password=PASSWORD, display_name="审计员赵敏", roles=["auditor"]
    )
    headers = accounts.issue_api_key(session, user, "stats", scopes=["read"]).headers
    session.commit()
    return headers


def _figures(html: str) -> dict:
    found = re.search(r'<script type="application/json" id="stats-data">(.*?)</script>', html, re.S)
    assert found, "the page carries its figures for the charts"
    return json.loads(found.group(1))


def _rows(html: str, table_id: str) -> list[list[str]]:
    table = re.search(rf'<table[^>]*id="{table_id}">(.*?)</table>', html, re.S).group(1)
    rows = []
    for tr in re.findall(r"<tr>(.*?)</tr>", table, re.S):
        cells = re.findall(r"<t[hd][^>]*>(.*?)</t[hd]>", tr, re.S)
        rows.append([re.sub(r"<[^>]+>", "", c).strip() for c in cells])
    return rows


def test_the_operator_sees_the_quarter_in_charts_and_tables(operator, quarter):
    response = operator.get("/operator/stats", params={"from": "2026-03", "to": "2026-05"})
    assert response.status_code == 200
    html = response.text
    for chart in ("chart-complaints", "chart-sla", "chart-recovery"):
        assert f'id="{chart}"' in html
    # Nothing is rated in this story: the grade chart gives way to its empty state.
    assert 'id="chart-grades"' not in html and "尚无企业评级" in html
    assert _rows(html, "table-complaints")[1:] == [
        ["2026-03", "3", "1", "200.00%"],
        ["2026-04", "0", "0", "—"],
        ["2026-05", "2", "2", "0.00%"],
        ["合计", "5", "3", "66.67%"],
    ]
    assert _rows(html, "table-sla")[1:] == [
        ["投诉 48 小时内答复", "1", "1", "2", "1", "25.00%"],
        ["首次调查报告 3 日内", "1", "1", "1", "1", "33.33%"],
    ]
    recovery = _rows(html, "table-recovery")
    assert recovery[2] == ["2026-04", "1", "80,000", "80,000", "100.00%", "40.0"]
    assert recovery[-1] == ["合计", "2", "180,000", "110,000", "61.11%", "50.0"]
    assert "58 天缩短至 30 天以内" in html and "未达标" in html
    figures = _figures(html)
    assert figures["recovery"]["goal_days"] == 30 and figures["recovery"]["baseline_days"] == 58


def test_the_page_and_the_api_read_the_same_figures(client, operator, quarter, auditor_key):
    html = operator.get("/operator/stats?from=2026-03&to=2026-05").text
    api = client.get("/api/v1/stats?from=2026-03&to=2026-05", headers=auditor_key)
    assert api.status_code == 200
    assert api.json() == _figures(html)
    assert client.get("/api/v1/stats").status_code == 401
    bad = client.get("/api/v1/stats?from=2026-13", headers=auditor_key)
    assert bad.status_code == 422 and bad.json()["field"] == "from"


def test_a_quiet_period_shows_empty_states_not_empty_charts(operator, clock):
    clock.now = NOW
    html = operator.get("/operator/stats?from=2024-01&to=2024-03").text
    assert "<canvas" not in html and 'id="chart-' not in html
    for empty in (
        "本期及上年同期均无投诉",
        "尚无企业评级",
        "本期没有投诉",
        "本期没有结案的委托案件",
    ):
        assert empty in html


def test_a_bad_month_says_which_and_still_shows_the_default_period(operator, clock):
    clock.now = NOW
    response = operator.get("/operator/stats?from=2026-5&to=2026-05")
    assert response.status_code == 422
    assert 'role="alert"' in response.text and "YYYY-MM" in response.text
    assert _figures(response.text)["period"]["last_month"] == "2026-06"


def test_the_stats_page_in_english(operator, quarter):
    html = operator.get("/operator/stats?from=2026-03&to=2026-05&lang=en").text
    assert "Complaints per month, year on year" in html and "Recovery rate and case cycle" in html
    assert "投诉数量" not in html


def test_an_auditor_signs_in_and_reads_statistics_and_the_audit_log_only(client, auditor_key):
    client.base_url = "https://testserver"  # the session cookie is Secure
    client.post("/login", data={"email": "audit@example.cn", "password": PASSWORD})
    page = client.get("/operator/stats")
    assert page.status_code == 200 and "审计员：审计员赵敏" in page.text
    nav = re.search(r'<nav class="tabs"[^>]*>(.*?)</nav>', page.text, re.S).group(1)
    assert "统计" in nav and "审计日志" in nav and "名单审核" not in nav
    assert client.get("/operator/audit").status_code == 200
    for operators_only in ("/operator", "/operator/lists", "/operator/agencies"):
        assert client.get(operators_only, follow_redirects=False).status_code == 303
