"""A creditor compares what the listed agencies would charge for one debt."""

from __future__ import annotations

from playwright.sync_api import expect


def test_compare_fees_for_a_case(page, portal, shoot):
    page.goto(portal.url("/"))
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="收费计算").click()
    page.get_by_label("债务金额 debt").fill("80000")
    page.get_by_role("button", name="计算 Calculate").click()
    page.wait_for_url("**/fees?debt=80000*")
    expect(page.get_by_text("本案：债务 80,000 元，回收 80,000 元")).to_be_visible()
    # The article's example explained line by line under both readings, with its chart.
    expect(page.locator("#article .reading")).to_have_count(2)
    expect(page.locator("#article-chart canvas")).to_have_count(1)
    # Every listed agency's fee for this case, compared in a chart and a table.
    rows = page.locator("#compare tr.compared")
    assert rows.count() >= 3
    expect(page.locator("#compare-chart canvas")).to_have_count(1)
    first = rows.first.locator("td").nth(2).inner_text()
    assert first.replace(",", "").replace(".", "").replace("–", "").strip().isdigit()
    shoot(page, "fees-compare", full_page=False)

    # One agency's quote, line by line.
    rows.first.locator("a").first.click()
    expect(page.locator("#agency-quote table.quote")).to_be_visible()
    expect(page.locator("#agency-quote")).to_contain_text("合计 Total")
