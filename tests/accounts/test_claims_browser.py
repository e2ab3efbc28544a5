"""In a real browser: a person turned away because another account registered their firm's code
files a dispute from the account page; the first registrant is told another account contests
it; an operator upholds it on the organisations page, whose history names the people; the
person sees the outcome and the firm on their account page; the operator suspends the firm and
reinstates it, each with a reason the members read."""

from __future__ import annotations

from pathlib import Path

import pytest

from xinyong.accounts import service

CHROMIUM = Path("/usr/bin/chromium")
pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="no Chromium at /usr/bin/chromium")
PASSWORD = "correct horse battery"


@pytest.fixture
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield b
        b.close()


def _signed_in(browser, base: str, email: str):
    context = browser.new_context(locale="zh-CN")
    context.set_default_timeout(15000)
    page = context.new_page()
    page.goto(base + "/login")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("form[action='/login'] button")
    page.wait_for_url("**/account")
    return page


def test_an_operator_upholds_a_claim_dispute_in_the_browser(
    browser, live_server, session, people, monkeypatch
):
    monkeypatch.setenv("XINYONG_COOKIE_SECURE", "false")  # plain http on 127.0.0.1
    service.create_user(session, "wang@example.cn", password=PASSWORD, display_name="王敏")
    session.commit()

    wang = _signed_in(browser, live_server, "wang@example.cn")
    form = wang.locator("form[action='/account/organisations']")
    form.locator("input[name=credit_code]").fill(people.creditor_code)
    form.locator("input[name=name]").fill("连云港甲贸易有限公司")
    form.locator("button").click()
    assert "已由其他账户登记" in wang.locator("#org-error").inner_text()
    dispute = wang.locator("form[action='/account/claim-disputes']")
    assert dispute.locator("input[name=credit_code]").input_value() == people.creditor_code
    dispute.locator("textarea[name=statement]").fill("本人系该公司财务负责人，持有公司授权书。")
    dispute.locator("button").click()
    wang.wait_for_url("**/account#disputes")
    assert "待处理" in wang.locator("#disputes table").inner_text()
    assert "cred@example.cn" not in wang.content()

    # The first registrant learns that another account contests the claim — not which.
    cred = _signed_in(browser, live_server, "cred@example.cn")
    told = cred.locator("#notices").inner_text()
    assert "另一账户对本机构的登记提出了异议" in told
    assert "wang@example.cn" not in cred.content() and "王敏" not in told

    op = _signed_in(browser, live_server, "op@example.cn")
    op.click("text=机构与登记异议 Organisations & claim disputes")
    op.wait_for_url("**/operator/organisations")
    case = op.locator("#disputes section.entry")
    assert "wang@example.cn" in case.inner_text() and "财务负责人" in case.inner_text()
    case.get_by_label("异议成立的理由（必填）", exact=True).fill("授权书经电话核实")
    case.get_by_role("button", name="异议成立", exact=True).click()
    assert "异议成立" in op.locator("#done").inner_text()
    assert op.locator("#disputes section.entry").count() == 0
    org_id = service.organisation_by_code(session, people.creditor_code).id
    members = op.locator(f"#org-{org_id} table").inner_text()
    assert "wang@example.cn" in members and "cred@example.cn" in members

    op.locator(f"#org-{org_id} details summary").click()
    history = op.locator(f"#org-{org_id} .org-history").inner_text()
    assert "登记异议成立 · 涉及 王敏 <w***@example.cn> · 操作人 op <o***@example.cn>" in history
    assert "user:" not in history

    # Suspended by mistake, reinstated (恢复) with a reason: the members read both.
    section = op.locator(f"#org-{org_id}")
    section.get_by_label("理由（必填）", exact=True).fill("营业执照待核实")
    section.get_by_role("button", name="执行", exact=True).click()
    assert "机构已暂停" in op.locator("#done").inner_text()
    section = op.locator(f"#org-{org_id}")
    section.get_by_label("恢复理由（必填）", exact=True).fill("营业执照已核实无误")
    section.get_by_role("button", name="恢复", exact=True).click()
    assert "机构已恢复" in op.locator("#done").inner_text()
    assert "已批准" in op.locator(f"#org-{org_id} h2").inner_text()

    wang.goto(live_server + "/account")
    row = wang.locator("#disputes table").inner_text()
    assert "异议成立" in row and "授权书经电话核实" in row
    assert "连云港甲贸易有限公司" in wang.locator("#orgs").inner_text()
    notices = wang.locator("#notices").inner_text()
    assert "登记异议成立" in notices and "恢复机构" in notices and "营业执照已核实无误" in notices
    assert "进入债权人工作台" in wang.locator("#orgs").inner_text()  # it may entrust cases again
