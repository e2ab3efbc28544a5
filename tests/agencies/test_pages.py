"""The calculator page shows the article's two readings and compares agencies for one case."""

from __future__ import annotations

import json
import re

from xinyong.verification import service as verification_service

from .conftest import code_of


def test_the_calculator_shows_both_readings_and_their_difference(client):
    page = client.get("/fees", params={"debt": "80000"})
    assert page.status_code == 200
    html = page.text
    # 80,000 recovered: marginal 15,000 + 6,000 = 21,000; whole amount 20% of 80,000 = 16,000.
    assert "前 50,000 元按 30% 计 15,000 元" in html
    assert "超过 50,000 元的 30,000 元按 20% 计 6,000 元" in html
    assert "全额按 20% 计 16,000 元" in html
    assert '两种算法相差 <b class="bad">5,000 元</b>' in html
    assert "多回收反而少付" in html  # the whole-amount drop at 50,000 is called out
    assert "司发通〔2021〕87号" in html  # and a law firm could not charge either
    chart = json.loads(re.search(r"var a = (\{.*?\});", html).group(1))
    marginal = dict(map(tuple, chart["marginal"]))
    whole = dict(map(tuple, chart["whole_amount"]))
    assert whole[50000.0] == 15000.0 and whole[50000.01] == 10000.0  # the jump, drawn
    assert marginal[50000.01] == 15000.0


def test_the_comparison_lists_agencies_by_fee_and_links_their_quotes(client, drop):
    html = client.get("/fees", params={"debt": "500000", "service": "litigation"}).text
    rows = re.findall(r'<tr class="compared">.*?<td class="num">([\d,.–]+)</td>', html, re.S)
    fees = [float(r.split("–")[-1].replace(",", "")) for r in rows]
    assert fees and fees == sorted(fees)
    chart = json.loads(re.search(r"var c = (\[.*?\]);", html, re.S).group(1))
    assert [row["high"] for row in chart] == fees
    code = code_of(drop[1], "江苏田湾律师事务所")
    quoted = client.get(
        "/fees", params={"debt": "30000", "recovered": "10000", "hours": "4", "agency": code}
    )
    assert "不足最低收费 3,000 元" in quoted.text


def test_a_firm_billing_by_the_hour_does_not_pass_for_cheapest_when_no_hours_are_given(client):
    """Sorted by price with no hours typed, the hourly part of a firm's fee is not in its total:
    each such row says so and at what rate, so the cheapest line is not taken at its word."""
    html = client.get("/fees", params={"debt": "180000", "sort": "price"}).text
    rows = re.findall(r'<tr class="compared">(.*?)</tr>', html, re.S)
    hourly = [r for r in rows if "计时收费，未填工时，合计未含此项" in r]
    assert hourly and all("另按每小时" in r for r in hourly)
    with_hours = client.get("/fees", params={"debt": "180000", "hours": "40"}).text
    assert "合计未含此项" not in with_hours


def test_directory_and_profile_pages(client, drop):
    html = client.get("/agencies", params={"amount": "200000", "sort": "price"}).text
    assert "江苏田湾律师事务所" in html and "郁洲" not in html
    everyone = client.get("/agencies", params={"unlisted": "true"}).text
    assert "江苏郁洲律师事务所" in everyone and "不予列入名录" in everyone
    code = code_of(drop[1], "江苏郁洲律师事务所")
    profile = client.get(f"/agencies/{code}").text
    assert "未列入名录" in profile and "第 1 档" in profile and "尚未评定" in profile
    # The regions it serves by name, not by division code (320700).
    served = profile.split("服务区域")[1].split("</tr>")[0]
    assert "连云港市" in served and "320700" not in served
    english = client.get(f"/agencies/{code}", params={"lang": "en"}).text
    assert "Lianyungang" in english.split("Regions")[1].split("</tr>")[0]
    assert client.get("/agencies/913207000000000000").status_code == 404
    js = client.get("/static/echarts.min.js")
    assert js.status_code == 200 and "echarts" in js.text[:2000]


def test_a_page_works_each_agencys_verification_out_once(client, drop, monkeypatch):
    """The agency's verdict and its stars' "verification passed" are one verification: a page
    made anew works it out once per agency, not once for each (the steps are a miss's cost)."""
    worked: list[str] = []
    steps = verification_service.run_verification

    def counted(session, request, **kw):
        worked.append(request.code)
        return steps(session, request, **kw)

    monkeypatch.setattr(verification_service, "run_verification", counted)
    code = code_of(drop[1], "江苏田湾律师事务所")
    page = client.get(f"/agencies/{code}")
    assert page.status_code == 200 and page.headers["x-cache"] == "miss"
    assert 'id="stars"' in page.text and "核验结论 通过" in page.text
    assert worked == [code]
    worked.clear()
    assert client.get("/agencies").headers["x-cache"] == "miss"
    assert worked and len(worked) == len(set(worked))
