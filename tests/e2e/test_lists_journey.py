"""Anyone searches the published red and black lists and reads an entry."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.e2e.conftest import sign_in_operator


def test_search_the_lists_and_read_an_entry(page, portal, shoot):
    lists = portal.seeded["lists"]
    black, red = lists["published"]["black"], lists["published"]["red"]
    page.goto(portal.url("/lists"))
    expect(page.locator("main")).to_contain_text(f"共 {sum(lists['counts'].values())} 条")

    page.get_by_role("link", name="黑名单（失信惩戒）").click()
    expect(page.locator("main")).to_contain_text(f"共 {lists['counts']['black']} 条")
    expect(page.locator("#entries")).to_contain_text(black["name"])

    page.get_by_label("主体名称或统一社会信用代码").fill(black["name"][3:7])
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#entries tr.entry")).to_have_count(black["entries"])
    shoot(page, "lists-search")

    page.locator(f"#entries a[href='/lists/{black['id']}']").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(black["name"])
    expect(page.locator("main")).to_contain_text("官方名单（依法认定并公示）")
    # The registry's own reason for the revocation, and where the fact came from, in words.
    expect(page.locator("main")).to_contain_text("吊销原因：以暴力")
    expect(page.locator("main")).to_contain_text("企业登记基本信息")

    page.goto(portal.url("/lists?type=red&q=" + red["name"][2:5]))
    expect(page.locator("#entries")).to_contain_text(red["name"])
    page.goto(portal.url("/lists?q=没有这个主体"))
    expect(page.locator("#entries .empty")).to_contain_text("没有符合条件的公示名单信息")


def test_an_unpublished_entry_is_not_shown(page, portal):
    proposed = portal.seeded["lists"]["proposed"]
    assert proposed, "entries wait for an operator's review"
    response = page.goto(portal.url(f"/lists/{proposed[0]}"))
    assert response.status == 404
    expect(page.get_by_role("alert")).to_contain_text("未公示")


def test_a_party_objects_follows_its_case_and_the_operator_reads_it(page, portal):
    """The listed firm objects on its entry's page, keeps the query code, follows the case on
    the progress page; the operator deciding it reads what the firm wrote."""
    black = portal.seeded["lists"]["published"]["black"]
    page.goto(portal.url(f"/lists/{black['id']}"))
    form = page.locator("#objection form")
    form.get_by_label("异议类型").select_option(label="信息有误")
    form.get_by_label("申请人", exact=True).fill(black["name"])
    form.get_by_label("联系方式").fill("0518-85550001")
    form.get_by_label("异议理由").fill("吊销原因记载有误，请核实")
    form.get_by_label("申请书").fill("异议申请书.pdf")
    form.get_by_label("主体身份证明").fill("营业执照.pdf")
    form.get_by_label("证明材料").fill("登记机关证明.pdf")
    form.get_by_role("button", name="提交异议").click()
    receipt = page.locator("#received")
    expect(receipt).to_contain_text("异议已受理")
    code = receipt.locator("code").inner_text()

    receipt.get_by_role("link", name="凭编号和查询码查询办理进度").click()
    page.get_by_label("查询码").fill(code)
    page.get_by_role("button", name="查询").click()
    expect(page.locator("#case")).to_contain_text("处理中")

    sign_in_operator(page, portal)
    page.get_by_role("link", name="异议与修复").click()
    card = page.locator(".result", has_text="吊销原因记载有误，请核实")
    expect(card).to_contain_text("0518-85550001")
    expect(card).to_contain_text("信息有误")
    expect(card.get_by_role("link", name=black["name"])).to_be_visible()
