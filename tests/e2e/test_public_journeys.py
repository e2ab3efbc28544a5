"""A creditor's journeys on the public site: find an agency, read its profile, verify it and
take the report away as a PDF; switch the site to English; use it on a phone."""

from __future__ import annotations

import re

from playwright.sync_api import expect

LAW_FIRM = "江苏田湾律师事务所"


def test_search_then_profile_then_verify_then_pdf(page, portal, shoot, tmp_path):
    page.goto(portal.url("/"))
    box = page.get_by_label("搜索企业")
    box.press_sequentially("田湾律师", delay=40)
    suggestion = page.locator("#suggestions a", has_text=LAW_FIRM)
    expect(suggestion).to_be_visible()
    expect(suggestion.locator("mark")).to_have_text(re.compile("田湾"))
    shoot(page, "home-suggestions", full_page=False)

    # Enter gives the full results page with highlights and filters.
    box.press("Enter")
    page.wait_for_url("**/search?q=*")
    expect(page.locator("#results .result h2 a").first).to_contain_text(LAW_FIRM)
    expect(page.locator("#results mark").first).to_be_visible()
    page.get_by_label("登记状态").select_option(label="存续（在业）")
    page.get_by_role("button", name="搜索").click()
    expect(page.locator("#results .result").first).to_contain_text("存续")
    shoot(page, "search-results")

    page.locator("#results .result h2 a", has_text=LAW_FIRM).first.click()
    page.wait_for_url("**/e/*")
    expect(page.get_by_role("heading", level=1)).to_contain_text(LAW_FIRM)
    expect(page.get_by_text("来源 Source：国家企业信用信息公示系统（企业登记）")).to_be_visible()
    shoot(page, "profile", full_page=False)

    page.get_by_role("button", name="三步核验 Verify").click()
    page.wait_for_url(re.compile(r"/verifications/[0-9a-f]{32}$"))
    verdict = page.locator("#verdict .verdict")
    expect(verdict).to_contain_text("核验结论")
    expect(page.locator("ol.steps > li")).to_have_count(3)
    shoot(page, "verification")

    # The share link opens the same stored result for anyone.
    shared = page.locator("#share").input_value()
    other = page.context.browser.new_page()
    other.goto(shared)
    expect(other.locator("#verdict .verdict")).to_have_text(verdict.inner_text())
    other.close()

    page.get_by_role("button", name="出具核验报告（PDF）").click()
    page.wait_for_url(re.compile(r"/reports/XY\d{8}-\w+$"))
    with page.expect_download() as download:
        page.get_by_role("link", name="下载 PDF").click()
    pdf = tmp_path / "report.pdf"
    download.value.save_as(pdf)
    assert pdf.read_bytes().startswith(b"%PDF-")
    assert download.value.suggested_filename.endswith(".pdf")


def test_a_verification_of_an_unknown_name_says_what_is_wrong(page, portal):
    page.goto(portal.url("/verifications"))
    page.get_by_label("统一社会信用代码或企业名称").fill("查无此公司的名字有限公司")
    page.get_by_role("button", name="开始核验").click()
    expect(page.get_by_role("alert").or_(page.locator("#verdict"))).to_be_visible()


def test_the_site_switches_to_english_and_back(page, portal, shoot):
    page.goto(portal.url("/"))
    page.get_by_role("link", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("Red & black lists")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Check any enterprise, choose a lawful agency"
    )
    shoot(page, "home-en", full_page=False)
    # The choice sticks (a cookie) on the next page.
    page.goto(portal.url("/lists"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Red and black lists")
    page.get_by_role("link", name="中文").click()
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")


def test_the_home_page_and_a_profile_work_on_a_phone(phone, portal, shoot):
    phone.goto(portal.url("/"))
    box = phone.get_by_label("搜索企业")
    box_width = box.bounding_box()["width"]
    assert box_width > 200, "the search box fills the phone's width"
    # Nothing is wider than the screen: no sideways scrolling on the page itself.
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    box.press_sequentially("田湾", delay=40)
    expect(phone.locator("#suggestions a", has_text=LAW_FIRM)).to_be_visible()
    shoot(phone, "phone-home", full_page=False)
    phone.locator("#suggestions a", has_text=LAW_FIRM).tap()
    expect(phone.get_by_role("heading", level=1)).to_contain_text(LAW_FIRM)
    shoot(phone, "phone-profile", full_page=False)


def test_suggestions_can_be_chosen_with_the_keyboard(page, portal):
    page.goto(portal.url("/"))
    box = page.get_by_label("搜索企业")
    box.press_sequentially("田湾律师", delay=40)
    expect(page.locator("#suggestions a").first).to_be_visible()
    box.press("ArrowDown")
    expect(page.locator("#suggestions a").first).to_be_focused()
    page.keyboard.press("Enter")
    page.wait_for_url("**/e/*")


def test_a_place_and_a_trade_typed_together_find_the_firms_that_hold_both(page, portal):
    # The way people ask a portal: 连云港 物流. No name holds it whole; the page says so and
    # lists the names holding both words, each word marked.
    page.goto(portal.url("/"))
    page.get_by_label("搜索企业").fill("连云港 物流")
    page.get_by_label("搜索企业").press("Enter")
    page.wait_for_url("**/search?q=*")
    expect(page.locator("#words")).to_contain_text("包含其中每个词：连云港、物流")
    first = page.locator("#results .result h2 a").first
    expect(first).to_contain_text("连云港")
    expect(first).to_contain_text("物流")
    expect(first.locator("mark")).to_have_text(["连云港", "物流"])
