"""axe-core (vendored) finds no serious or critical accessibility problem on the main pages."""

from __future__ import annotations

import pytest

from tests.e2e.conftest import serious_violations, sign_in_operator

LAW_FIRM = "江苏田湾律师事务所"


def _code(portal) -> str:
    return next(s for s in portal.manifest["sector"] if s["name"] == LAW_FIRM)["credit_code"]


PUBLIC = [
    "/",
    "/?lang=en",
    "/search?q=律师",
    "/e/{code}",
    "/verifications",
    "/lists",
    "/lists/progress",
    "/agencies",
    "/fees",
    "/templates",
    "/documents",
    "/sources",
    "/sources?lang=en",
    "/alerts?status=",
    "/operator/login",
    "/login",
    "/register",
    "/password-reset",
]


@pytest.mark.parametrize("path", PUBLIC)
def test_public_page_has_no_serious_violations(page, portal, path):
    response = page.goto(portal.url(path.format(code=_code(portal))))
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []


def test_verification_result_has_no_serious_violations(page, portal):
    page.goto(portal.url("/verifications"))
    page.get_by_label("统一社会信用代码或企业名称").fill(LAW_FIRM)
    page.get_by_role("button", name="开始核验").click()
    page.wait_for_url("**/verifications/*")
    assert serious_violations(page) == []


@pytest.mark.parametrize(
    "path",
    [
        "/operator",
        "/operator/lists",
        "/operator/cases",
        "/operator/complaints",
        "/operator/syncs",
        "/operator/stats",
        "/operator/agencies",
        "/operator/alerts",
        "/operator/audit",
        "/operator/outbox",
        "/operator/access-log",
    ],
)
def test_console_page_has_no_serious_violations(page, portal, path):
    sign_in_operator(page, portal)
    page.goto(portal.url(path))
    assert serious_violations(page) == []


def test_list_entry_with_its_objection_form_has_no_serious_violations(page, portal):
    entry = portal.seeded["lists"]["published"]["black"]
    page.goto(portal.url(f"/lists/{entry['id']}"))
    page.get_by_label("申请人", exact=True).focus()
    assert serious_violations(page) == []


WORKSPACE_PAGES = {
    "creditor": [
        "/workspace/creditor",
        "/workspace/entrust?agency={agency}",
        "/workspace/watch",
        "/account",
        "/account/access-log",
        "/complaints/new?agency={agency}",
    ],
    "agency": ["/workspace/agency", "/workspace/agency/fees"],
}


@pytest.mark.parametrize(
    "who,path", [(who, path) for who, paths in WORKSPACE_PAGES.items() for path in paths]
)
def test_workspace_page_has_no_serious_violations(page, portal, who, path):
    from tests.e2e.conftest import sign_in_person

    sign_in_person(page, portal, who)
    agency = portal.seeded["workspaces"]["agency"]["code"]
    response = page.goto(portal.url(path.format(agency=agency)))
    assert response.status == 200
    page.wait_for_load_state("networkidle")
    assert serious_violations(page) == []


def test_a_case_page_with_its_progress_form_has_no_serious_violations(page, browser, portal):
    from playwright.sync_api import expect

    from tests.e2e.conftest import sign_in_person
    from tests.e2e.test_case_journey import entrust_case

    sign_in_person(page, portal, "creditor")
    case_id = entrust_case(page, portal, "连云港南城物流有限公司")
    assert serious_violations(page) == []  # the creditor's view
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN")
    staff = context.new_page()
    try:
        sign_in_person(staff, portal, "agency")
        staff.goto(portal.url(f"/cases/{case_id}"))
        staff.get_by_label("进展说明").focus()  # the agency's view, with its progress form
        assert serious_violations(staff) == []
        # In English its headings, labels and buttons (the move form's too) are English.
        staff.goto(portal.url(f"/cases/{case_id}?lang=en"))
        expect(staff.get_by_label("Move to")).to_be_visible()
        assert staff.evaluate(UNTRANSLATED) == []
    finally:
        context.close()


def test_the_error_page_has_no_serious_violations(page, portal):
    response = page.goto(portal.url("/no-such-page"))
    assert response.status == 404
    assert serious_violations(page) == []


# Pages that switch with ?lang=en: their headings, labels, table headers and buttons must be in
# English. Chinese data (names, addresses, issued documents) is marked lang="zh-CN" and skipped.
ENGLISH = [
    "/agencies",
    "/agencies/{code}",
    "/fees?debt=80000",
    "/fees?debt=30000&agency={code}",
    "/e/{code}",
    "/documents",
    "/documents/payment-order",
    "/templates",
    "/operator/stats",
    "/operator/alerts",
    "/no-such-page",
]
UNTRANSLATED = """() => {
  const cjk = /[\u3400-\u9fff]/;
  const out = [];
  for (const el of document.querySelectorAll('main h1, main h2, main h3, main label, main th, main button, main legend, main summary')) {
    const copy = el.cloneNode(true);
    copy.querySelectorAll('[lang^="zh"]').forEach(n => n.remove());
    const part = el.closest('[lang]');  // a part marked Chinese inside the page (not <html>)
    if (part !== document.documentElement && part.lang.startsWith('zh')) continue;
    const text = copy.textContent.replace(/\\s+/g, ' ').trim();
    if (cjk.test(text)) out.push(el.tagName.toLowerCase() + ': ' + text.slice(0, 80));
  }
  return out;
}"""


@pytest.mark.parametrize("path", ENGLISH)
def test_english_pages_have_no_untranslated_headings_labels_or_buttons(page, portal, path):
    if path.startswith("/operator"):
        sign_in_operator(page, portal)
    sep = "&" if "?" in path else "?"
    page.goto(portal.url(path.format(code=_code(portal)) + sep + "lang=en"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.evaluate(UNTRANSLATED) == []


def test_the_language_check_does_see_chinese(page, portal):
    """The check above can fail: on the Chinese page it finds the headings and labels."""
    page.goto(portal.url("/fees?debt=80000&lang=zh"))
    found = page.evaluate(UNTRANSLATED)
    assert any(f.startswith("h1: 收费计算器") for f in found)
    assert any(f.startswith("label:") for f in found)


def test_a_part_fetched_after_the_page_speaks_the_pages_language(page, portal):
    """A shared ?lang=en link sets no cookie: the watch button, fetched by htmx once the page
    has loaded, must still come in English (it came in Chinese)."""
    from playwright.sync_api import expect

    page.context.clear_cookies()
    page.goto(portal.url(f"/e/{_code(portal)}?lang=en"))
    expect(page.locator("#watch a.button")).to_have_text("Sign in to watch this enterprise")
    page.goto(portal.url(f"/e/{_code(portal)}"))
    expect(page.locator("#watch a.button")).to_have_text("登录后关注这家企业")
