"""A creditor entrusts a case to a listed agency and keeps its page open; the agency, in its own
browser, posts progress with a photo; the creditor's page shows it without a reload, with its ledger
proof status, and its clock and counts; the agency mediates and records money recovered, the
creditor sees the fee live and closes the case."""

from __future__ import annotations

import base64
import re
from datetime import datetime
from zoneinfo import ZoneInfo

from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, sign_in_person

# A 2×2 PNG: a real image the browser decodes and shows.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAIAAAACCAIAAAD91JpzAAAAEElEQVR4nGM4IScHRAwQCgAfJgQRoo8irwAAAABJRU5ErkJggg=="
)


def entrust_case(page, portal, debtor: str) -> int:
    """From the agency's public page to a registered, entrusted case; returns its id."""
    agency = portal.seeded["workspaces"]["agency"]
    page.goto(portal.url(f"/agencies/{agency['code']}"))
    page.get_by_role("link", name="委托案件").click()
    page.wait_for_url("**/workspace/entrust?agency=*")
    page.get_by_label("债务人名称").fill(debtor)
    page.get_by_label("债权金额（元）").fill("86000")
    page.get_by_label("到期日").fill("2025-12-31")
    page.get_by_label("债权依据（合同、判决等）").fill(f"《买卖合同》{debtor} 货款")
    page.get_by_label("委托合同编号").fill("WT-E2E-" + str(abs(hash(debtor)) % 10000))
    page.get_by_label(re.compile("我已阅读并接受该机构第")).check()
    page.get_by_role("button", name="登记并委托").click()
    page.wait_for_url(re.compile(r"/cases/\d+$"))
    return int(page.url.rsplit("/", 1)[1])


def test_progress_appears_live_on_the_creditors_open_page(page, browser, portal, shoot):
    sign_in_person(page, portal, "creditor")
    case_id = entrust_case(page, portal, "连云港东方五金有限公司")
    expect(page.locator("h1")).to_contain_text("已委托")
    expect(page.locator(".clock")).to_contain_text("剩余")
    # Ready to listen: the stream is open (and the page is never reloaded below).
    expect(page.locator("#timeline")).to_have_attribute("data-connected", "1")
    page.evaluate("window.__still_here = true")

    agency_context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    agency_context.set_default_timeout(15000)
    staff = agency_context.new_page()
    try:
        sign_in_person(staff, portal, "agency")
        staff.goto(portal.url("/workspace/agency"))
        row = staff.locator(f"tr[data-case='{case_id}']")
        expect(row).to_contain_text("剩余")
        shoot(staff, "workspace-agency")
        row.get_by_role("link", name=re.compile("ZW-")).click()
        staff.get_by_label("进展说明").fill("已走访债务人门店，对方承认欠款并同意协商")
        staff.get_by_label("图片或文件（可多选）").set_input_files(
            {"name": "门店.png", "mimeType": "image/png", "buffer": PNG}
        )
        staff.get_by_label(re.compile("这是调查报告")).check()
        staff.get_by_role("button", name="发布进展").click()
        expect(staff.get_by_role("status").first).to_contain_text("进展已发布")

        item = page.locator("#timeline > li", has_text="已走访债务人门店")
        expect(item).to_be_visible()
        expect(item).to_contain_text("调查报告")
        expect(item.locator(".proof").first).to_have_attribute(
            "data-status", re.compile("pending|included")
        )
        expect(item.locator("img.thumb")).to_be_visible()
        assert page.evaluate("window.__still_here") is True  # no reload: it came over the stream
        expect(page.locator("#state")).to_contain_text("调查中")
        # The header follows: the report came in time, and the photo is counted.
        expect(page.locator("#first-report")).to_contain_text("按时")
        expect(page.locator("#first-report")).not_to_contain_text("剩余")
        expect(page.locator("#evidence-count")).to_have_text(
            staff.locator("#evidence-count").inner_text()
        )
        shoot(page, "case-live")

        # The agency takes the case to mediation and records the money that came back.
        staff.get_by_label("转为").select_option(label="调解中")
        staff.get_by_label(re.compile("^说明")).fill("双方同意到调解中心调解")
        staff.get_by_role("button", name="推进").click()
        expect(staff.locator("#state")).to_have_text("调解中")
        staff.get_by_label("本次回收金额（元）").fill("20000")
        # The day defaults to today; the agency says how the money came in.
        expect(staff.get_by_label("回款日期（北京时间）")).to_have_value(
            datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()
        )
        staff.get_by_label("回款方式").select_option(label="银行转账")
        staff.get_by_label(re.compile("^回款说明")).fill("经调解，债务人付至债权人账户")
        staff.get_by_role("button", name="登记回款").click()
        expect(staff.locator("#state")).to_have_text("部分回收")
        shoot(staff, "case-recovery-agency")
    finally:
        agency_context.close()

    # The creditor's open page shows the money and the fee it makes, still without a reload.
    expect(page.locator("#state")).to_have_text("部分回收")
    expect(page.locator("#recovered")).to_contain_text("20,000.00")
    expect(page.locator("#recoveries")).to_be_visible()
    expect(page.locator("#recoveries tbody tr")).to_contain_text("银行转账")
    expect(page.locator("#fee")).to_contain_text("元")
    expect(page.locator("#fee .fee-lines li").first).to_be_visible()
    assert page.evaluate("window.__still_here") is True
    shoot(page, "case-fee-live")

    # The creditor closes the case with a reason; it lands on the timeline.
    page.get_by_label(re.compile("^原因")).fill("债务人已开始付款，撤回委托")
    page.get_by_role("button", name="结案").click()
    expect(page.locator("#state")).to_have_text("已结案")
    expect(page.locator("#timeline")).to_contain_text("债务人已开始付款，撤回委托")

    # The creditor's workspace lists the case with its first report in time.
    page.goto(portal.url("/workspace/creditor"))
    expect(page.locator(f"tr[data-case='{case_id}']")).to_contain_text("按时")
    shoot(page, "workspace-creditor")


def test_workspaces_on_a_phone(browser, portal, shoot):
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(15000)
    phone = context.new_page()
    try:
        sign_in_person(phone, portal, "creditor")
        phone.goto(portal.url("/workspace/creditor"))
        expect(phone.locator("h1")).to_contain_text("债权人工作台")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the page is {width}px wide on a 390px phone"
        shoot(phone, "workspace-creditor-phone")
    finally:
        context.close()
    context = browser.new_context(
        viewport=PHONE, locale="zh-CN", is_mobile=True, has_touch=True, device_scale_factor=2
    )
    context.set_default_timeout(15000)
    phone = context.new_page()
    try:
        sign_in_person(phone, portal, "agency")
        phone.goto(portal.url("/workspace/agency"))
        expect(phone.locator("h1")).to_contain_text("机构工作台")
        width = phone.evaluate("document.documentElement.scrollWidth")
        assert width <= PHONE["width"] + 1, f"the page is {width}px wide on a 390px phone"
        shoot(phone, "workspace-agency-phone")
    finally:
        context.close()
