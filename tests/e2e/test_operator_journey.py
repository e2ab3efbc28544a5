"""An operator signs in, reviews the list proposals the rules raised, and checks the syncs."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_operator


def test_the_console_needs_the_operator_token(page, portal):
    page.goto(portal.url("/operator/lists"))
    page.wait_for_url(re.compile(r"/operator/login\?next=/operator/lists$"))
    page.get_by_label("姓名").fill("王审核")
    page.get_by_label("操作员令牌").fill("not-the-token")
    page.get_by_role("button", name="登录").click()
    expect(page.get_by_role("alert")).to_contain_text("操作员令牌不正确")
    assert not [c for c in page.context.cookies() if c["name"] == "xy_operator"]


def test_review_a_list_proposal(page, portal, shoot):
    sign_in_operator(page, portal)
    token_cookie = next(c for c in page.context.cookies() if c["name"] == "xy_operator")
    assert token_cookie["httpOnly"] and token_cookie["sameSite"] == "Strict"
    page.get_by_role("link", name=re.compile("条名单提请待审核")).click()
    entries = page.locator(".entry")
    expect(entries.first).to_be_visible()
    before = entries.count()
    first = entries.first
    subject = first.locator("h2").inner_text()
    shoot(page, "console-proposals", full_page=False)

    first.get_by_label("批准意见（可选）").fill("证据充分，同意列入")
    first.get_by_role("button", name="批准并告知当事人").click()
    expect(page.locator("#done")).to_contain_text("已批准，并已向当事人发出告知书")
    expect(page.locator(".entry")).to_have_count(before - 1)

    # The decision is in the entry's history under the operator's name.
    page.get_by_role("link", name="已批准待公示").click()
    approved = page.locator(".entry", has_text=subject.split("#")[0].split()[-1])
    expect(approved.first).to_contain_text("批准 · 王审核 · 证据充分，同意列入")
    # Publishing before the party's waiting period is over is refused, and says why.
    approved.first.get_by_role("button", name="公示").click()
    expect(page.get_by_role("alert")).to_contain_text("个工作日")


def test_rejecting_needs_a_reason(page, portal):
    sign_in_operator(page, portal)
    page.goto(portal.url("/operator/lists?state=proposed"))
    first = page.locator(".entry").first
    expect(first.get_by_label("驳回理由（必填）")).to_have_attribute("required", "")


def test_sync_dashboard_shows_rejects_with_reasons_and_reruns(page, portal, shoot):
    sign_in_operator(page, portal)
    page.get_by_role("link", name="数据同步").click()
    gsxt = page.locator("#source-gsxt")
    expect(gsxt).to_contain_text("数据是最新的")
    expect(gsxt.locator(".schedule")).to_have_text("每天 02:00")
    expect(gsxt.locator(".schedule")).to_have_attribute("title", "cron: 0 2 * * *（北京时间）")
    rejects = page.locator("#source-agencies button", has_text="看原因")
    if rejects.count():
        rejects.first.click()
        expect(page.locator("#source-agencies table.rejects").first).to_contain_text("费率")
    shoot(page, "console-syncs")
    runs_before = gsxt.locator("tr").count()
    gsxt.get_by_role("button", name="立即更新").click()
    expect(page.locator("#done")).to_contain_text("国家企业信用信息公示系统（企业登记）已更新")
    assert page.locator("#source-gsxt tr").count() >= runs_before


def test_statistics_are_drawn_with_their_tables(page, portal, shoot):
    sign_in_operator(page, portal)
    page.get_by_role("link", name="统计").first.click()
    page.wait_for_url("**/operator/stats")
    # ECharts drew the complaints and the grades (the seeders filed complaints and rated all).
    expect(page.locator("#chart-complaints canvas")).to_have_count(1)
    expect(page.locator("#chart-grades canvas")).to_have_count(1)
    expect(page.locator("#stats-summary")).to_contain_text("件投诉")
    # Each chart's figures are a table too, one click away.
    page.locator("#grades summary").click()
    expect(page.locator("#table-grades")).to_be_visible()
    expect(page.locator("#table-grades tr")).to_have_count(10)  # a header and AAA … C
    shoot(page, "console-stats")
    # Another period without any case: empty states, not empty charts.
    page.get_by_label("起始月").fill("2020-01")
    page.get_by_label("结束月（含）").fill("2020-03")
    page.get_by_role("button", name="查看").click()
    expect(page.locator("#recovery .empty")).to_contain_text("本期没有结案的委托案件")
    expect(page.locator("#chart-recovery")).to_have_count(0)


def test_approve_an_agency_after_verifying_it(page, portal, shoot):
    applicant = portal.seeded["console"]
    sign_in_operator(page, portal)
    page.get_by_role("link", name="机构审核").click()
    card = page.locator(f"#org-{applicant['org_id']}")
    expect(card).to_contain_text(applicant["applicant"])
    approve = card.get_by_role("button", name="批准")
    if card.get_by_text("尚未核验").count():
        expect(approve).to_be_disabled()
        card.get_by_role("button", name="立即三步核验").click()
        expect(page.locator("#done")).to_contain_text("三步核验完成")
        card = page.locator(f"#org-{applicant['org_id']}")
    expect(card).to_contain_text("核验记录")
    shoot(page, "console-agencies", full_page=False)
    card.get_by_label("批准理由（必填）").fill("三步核验通过，执业许可有效")
    card.get_by_role("button", name="批准", exact=True).click()
    expect(page.locator("#done")).to_contain_text(f"{applicant['applicant']}：已批准")
    # The decision and its reason are in the audit log, found by filtering on the action.
    page.get_by_role("link", name="审计日志").click()
    page.get_by_label("操作").select_option("approve_org")
    page.get_by_role("button", name="筛选").click()
    expect(page.locator("tr.audit-entry").first).to_contain_text("三步核验通过，执业许可有效")
    expect(page.locator("tr.audit-entry").first).to_contain_text("operator-token 王审核")
