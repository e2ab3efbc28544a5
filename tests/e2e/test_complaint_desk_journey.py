"""An operator works the complaints queue: the complaint its complainant escalated is on top with
the reason; the operator takes it and resolves it, and the complainant reads the resolution."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.e2e.conftest import serious_violations, sign_in_operator, sign_in_person


def test_an_operator_takes_and_resolves_an_escalated_complaint(page, browser, portal, shoot):
    desk = portal.seeded["complaint_desk"]
    sign_in_operator(page, portal, "王审核")
    page.get_by_role("link", name="投诉处理").click()
    page.wait_for_url("**/operator/complaints")
    top = page.locator(".complaint-row").first
    expect(top).to_have_attribute("id", f"complaint-{desk['id']}")
    expect(top.locator(".escalation")).to_contain_text("投诉人申请平台介入")
    expect(top.locator(".escalation-reason")).to_have_text(desk["reason"])
    expect(top.locator(".holder")).to_contain_text("未认领")
    shoot(page, "console-complaints", full_page=False)

    top.get_by_role("link", name=f"投诉 {desk['id']}").click()
    expect(page.locator(".answer-text")).to_have_text("已停止上门催收")
    expect(page.locator("#escalation .escalation-reason")).to_have_text(desk["reason"])
    page.get_by_role("button", name="认领").click()
    expect(page.locator("#done")).to_contain_text(f"已认领投诉 {desk['id']}")
    expect(page.locator("#holder")).to_contain_text("由您处理")
    expect(page.locator(".complaint-history")).to_contain_text("认领 · 王审核")
    assert serious_violations(page) == []

    # Blanks pass the browser's `required` but not the platform: the error says what is missing.
    page.get_by_label(re.compile("办结意见")).fill("   ")
    page.get_by_role("button", name="办结", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("办结意见为必填项")
    expect(page.get_by_role("alert")).to_contain_text("the resolution is required")
    page.get_by_label(re.compile("办结意见")).fill("已约谈该所负责人，责令停止上门催收并书面致歉")
    page.get_by_role("button", name="办结", exact=True).click()
    expect(page.locator("#done")).to_contain_text("已办结")
    expect(page.locator("[data-state]").first).to_have_attribute("data-state", "resolved")
    expect(page.locator("#handling")).to_have_count(0)

    # The complainant's page shows it resolved, with the resolution.
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    context.set_default_timeout(15000)
    theirs = context.new_page()
    try:
        theirs.goto(portal.url(f"/complaints/{desk['id']}?code={desk['code']}"))
        expect(theirs.locator("[data-state]").first).to_have_attribute("data-state", "resolved")
        expect(theirs.locator("body")).to_contain_text(
            "已约谈该所负责人，责令停止上门催收并书面致歉"
        )
    finally:
        context.close()


def test_a_person_signed_in_without_the_operator_role_is_sent_to_the_operator_sign_in(page, portal):
    sign_in_person(page, portal, "creditor")
    page.goto(portal.url("/operator/complaints"))
    page.wait_for_url(re.compile(r"/operator/login\?next=/operator/complaints$"))
    expect(page.locator(".complaint-row")).to_have_count(0)
