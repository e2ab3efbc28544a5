"""A creditor complains about the agency of its case; the agency sees it in its inbox with the
48-hour countdown and answers; the creditor sees the answer in its workspace."""

from __future__ import annotations

import re
import struct
import zlib

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


def _png(size: int = 8) -> bytes:
    """A small grey square, a real PNG the browser draws."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    rows = b"".join(b"\x00" + b"\x80" * size for _ in range(size))
    header = struct.pack(">IIBBBBB", size, size, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )


def test_a_relative_complains_from_the_agency_page_and_rates_the_answer(
    page, browser, portal, tmp_path
):
    agency = portal.seeded["workspaces"]["agency"]
    photo = tmp_path / "门口.png"
    photo.write_bytes(_png())
    # A debtor's relative finds the agency by name and complains from its page.
    page.goto(portal.url(f"/agencies/{agency['code']}"))
    page.get_by_role("link", name="投诉该机构").click()
    expect(page.locator("#c-agency-named")).to_contain_text(agency["name"])
    page.get_by_label("您是").select_option("relative")
    page.get_by_label("姓名").fill("李某")
    page.get_by_label("类别").select_option("harassment")
    page.get_by_label("投诉内容").fill("催收员来我家门口拍照，要我替亲戚还钱")
    page.get_by_label("证据").set_input_files(str(photo))
    page.get_by_role("button", name="提交投诉").click()
    code = page.locator("#code").inner_text()
    status_link = page.locator("#status-link")
    expect(status_link).to_contain_text(f"?code={code}")
    complaint_url = status_link.get_attribute("href").split("?")[0]

    # Later, from the bare address: the page asks for the code.
    page.goto(portal.url(complaint_url))
    page.get_by_label("查询码").fill("wrong-code")
    page.get_by_role("button", name="查看投诉").click()
    expect(page.get_by_role("alert")).to_contain_text("查询码不符")
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查看投诉").click()
    expect(page.locator("h1")).to_contain_text(agency["name"])
    expect(page.locator("ul.files img.thumb")).to_be_visible()

    # The agency sees the photo in its inbox and answers.
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    context.set_default_timeout(15000)
    staff = context.new_page()
    try:
        sign_in_person(staff, portal, "agency")
        staff.goto(portal.url("/workspace/agency#complaints"))
        inbox = staff.locator(".complaint", has_text="催收员来我家门口拍照")
        expect(inbox.locator("ul.files")).to_contain_text("门口.png")
        inbox.get_by_label(re.compile("答复投诉")).fill("已核实，涉事人员已停岗")
        inbox.get_by_role("button", name="提交答复").click()
        expect(staff.get_by_role("status").first).to_contain_text("答复已提交")
    finally:
        context.close()

    # The relative reads the answer and says it is not satisfied.
    page.reload()
    expect(page.locator(".answer-text")).to_have_text("已核实，涉事人员已停岗")
    page.get_by_label("2 · 不满意").check()
    page.get_by_label("意见（可选）").fill("昨晚仍接到电话")
    page.get_by_role("button", name="提交评价").click()
    expect(page.get_by_role("status").first).to_contain_text("感谢您的评价")
    expect(page.locator("#satisfaction")).to_have_text("2 / 5")


def test_a_debtor_not_satisfied_with_the_answer_asks_the_platform_to_step_in(page, browser, portal):
    agency = portal.seeded["workspaces"]["agency"]
    page.goto(portal.url(f"/complaints/new?agency={agency['code']}"))
    page.get_by_label("您是").select_option("debtor")
    page.get_by_label("姓名").fill("赵某")
    page.get_by_label("类别").select_option("fees")
    page.get_by_label("投诉内容").fill("服务费比合同约定多收了一成")
    page.get_by_role("button", name="提交投诉").click()
    page.locator("#status-link").click()
    # Before an answer there is nothing to escalate; the page says what happens instead.
    expect(page.locator("#escalate")).to_contain_text("48 小时内未答复的，投诉会自动移交平台")
    expect(page.get_by_label("申请平台介入的理由（必填）")).to_have_count(0)

    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    context.set_default_timeout(15000)
    staff = context.new_page()
    try:
        sign_in_person(staff, portal, "agency")
        staff.goto(portal.url("/workspace/agency#complaints"))
        inbox = staff.locator(".complaint", has_text="服务费比合同约定多收了一成")
        inbox.get_by_label(re.compile("答复投诉")).fill("收费符合合同")
        inbox.get_by_role("button", name="提交答复").click()
        expect(staff.get_by_role("status").first).to_contain_text("答复已提交")

        # The debtor reads the answer, is not satisfied, and hands it to the platform.
        page.reload()
        expect(page.locator(".answer-text")).to_have_text("收费符合合同")
        page.get_by_label("申请平台介入的理由（必填）").fill("合同写明 20%，实际按 30% 收取")
        page.get_by_role("button", name="移交平台处理").click()
        expect(page.get_by_role("status").first).to_contain_text("已移交平台")
        expect(page.locator("[data-state]").first).to_have_attribute("data-state", "escalated")
        expect(page.locator(".escalation-reason")).to_have_text("合同写明 20%，实际按 30% 收取")
        expect(page.get_by_role("button", name="移交平台处理")).to_have_count(0)

        # The agency sees that it was escalated, and why.
        staff.reload()
        inbox = staff.locator(".complaint", has_text="服务费比合同约定多收了一成")
        expect(inbox.locator(".escalation")).to_contain_text("投诉人对答复不满意")
        expect(inbox.locator(".escalation-reason")).to_have_text("合同写明 20%，实际按 30% 收取")
    finally:
        context.close()
