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
    "/agencies",
    "/fees",
    "/templates",
    "/documents",
    "/sources",
    "/sources?lang=en",
    "/alerts?status=",
    "/operator/login",
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
    "path", ["/operator", "/operator/lists", "/operator/cases", "/operator/syncs"]
)
def test_console_page_has_no_serious_violations(page, portal, path):
    sign_in_operator(page, portal)
    page.goto(portal.url(path))
    assert serious_violations(page) == []


def test_list_entry_with_its_objection_form_has_no_serious_violations(page, portal):
    entry = portal.seeded["lists"]["published"]["black"]
    page.goto(portal.url(f"/lists/{entry['id']}"))
    page.get_by_label("申请人").focus()
    assert serious_violations(page) == []
