"""A creditor complains about the agency of its case; the agency sees it in its inbox with the
48-hour countdown and answers; the creditor sees the answer in its workspace."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_person
from tests.e2e.test_case_journey import entrust_case


def test_a_complaint_is_answered_within_48_hours(page, browser, portal, shoot):
    sign_in_person(page, portal, "creditor")
    case_id = entrust_case(page, portal, "连云港北海水产有限公司")
    page.goto(portal.url("/workspace/creditor"))
    page.get_by_text("投诉受托机构").click()
    page.get_by_label("案件", exact=True).select_option(str(case_id))
    page.get_by_label("类别").select_option("service")
    page.get_by_label("投诉内容").fill("委托后没有人联系我，也没有任何进展报告")
    page.get_by_role("button", name="提交投诉").click()
    expect(page.get_by_role("status").first).to_contain_text("机构须在 48 小时内答复")
    mine = page.locator(".complaint", has_text="委托后没有人联系我")
    expect(mine).to_contain_text("待答复")
    expect(mine.locator(".countdown")).to_contain_text("剩余")

    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    context.set_default_timeout(15000)
    staff = context.new_page()
    try:
        sign_in_person(staff, portal, "agency")
        staff.goto(portal.url("/workspace/agency#complaints"))
        inbox = staff.locator(".complaint", has_text="委托后没有人联系我")
        expect(inbox.locator(".countdown")).to_contain_text(re.compile(r"剩余 4[78] 小时"))
        # The countdown runs in the page.
        before = inbox.locator(".left").inner_text()
        staff.wait_for_timeout(1500)
        assert inbox.locator(".left").inner_text() != before
        shoot(staff, "workspace-agency-complaints", full_page=False)
        inbox.get_by_label(re.compile("答复投诉")).fill("已安排专人跟进，今日内提交首次调查报告")
        inbox.get_by_role("button", name="提交答复").click()
        expect(staff.get_by_role("status").first).to_contain_text("答复已提交")
        expect(staff.locator(".complaint", has_text="委托后没有人联系我")).to_contain_text("已答复")
    finally:
        context.close()

    page.reload()
    mine = page.locator(".complaint", has_text="委托后没有人联系我")
    expect(mine).to_contain_text("已答复")
    expect(mine.locator(".answer-text")).to_have_text("已安排专人跟进，今日内提交首次调查报告")
    expect(mine.locator(".countdown")).to_contain_text("按时")
