"""A person who registered registers their organisation from the account page: under the name the
registry gives its code (a wrong name is refused and told the registered one), a code someone else
claimed is refused with what to do about it, and an agency waits for an operator, who sees who
applied and whose reason the applicant reads."""

from __future__ import annotations

import re

import pytest

from tests.accounts.conftest import PASSWORD
from tests.cases.conftest import ARTICLE_SCHEDULE, add_agency
from tests.support.judicial_files import register_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.accounts import service
from xinyong.errors import InvalidInput

TRADER = credit_code(11)  # 江苏彩富贸易有限公司 in the registry
COLLECTOR = credit_code(12)  # an account-management firm, renamed once
ELSEWHERE = credit_code(13, division="440300")  # a Shenzhen creditor, not in this registry


@pytest.fixture
def registry(engine, tmp_path):
    register_enterprises(
        engine,
        tmp_path / "registry",
        [
            enterprise_row(11, 企业名称="江苏彩富贸易有限公司"),
            enterprise_row(
                12,
                企业名称="连云港海州（新浦）商账管理有限公司",
                曾用名="连云港新浦商务咨询有限公司",
                经营范围="商账管理；应收账款管理服务",
            ),
        ],
    )


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _register(client, email: str):
    """Register at /register and land on the account page, as the reviewer did."""
    home = client.post("/register", data={"email": email, "password": PASSWORD})
    assert home.status_code == 200 and home.url.path == "/account", home.text
    return home


def _claim(client, html: str, code: str, name: str, kind: str):
    form = {"csrf_token": _csrf(html), "credit_code": code, "name": name, "kind": kind}
    return client.post("/account/organisations", data=form)


def _roles(html: str) -> str:
    return re.search(r"角色 Roles：(.*?)</p>", html).group(1)


def _my_org(html: str, code: str) -> str:
    return re.search(rf'<section class="org".*?{code}.*?</section>', html, re.S)[0]


def test_a_creditor_is_registered_only_under_its_registered_name(client, registry):
    home = _register(client, "zhao@example.cn")
    assert "访客" in home.text and "登记机构" in home.text and "我的机构" not in home.text

    wrong = _claim(client, home.text, TRADER, "中国工商银行连云港分行", "creditor")
    assert wrong.status_code == 422
    assert "该代码登记的名称为“江苏彩富贸易有限公司”" in wrong.text
    assert "is registered as" in wrong.text
    # What the user typed stays in the form, the wrong field marked.
    assert f'name="credit_code" value="{TRADER}"' in wrong.text
    assert re.search(
        r'name="name" value="中国工商银行连云港分行"[^>]*aria-invalid="true"', wrong.text
    )
    assert "我的机构" not in wrong.text and "债权人" not in _roles(wrong.text)

    right = _claim(client, wrong.text, TRADER, " 江苏彩富贸易有限公司 ", "creditor")
    assert right.status_code == 200 and right.url.path == "/account"
    mine = _my_org(right.text, TRADER)
    assert "江苏彩富贸易有限公司" in mine and "已批准" in mine
    assert 'href="/workspace/creditor"' in mine
    assert "债权人" in _roles(right.text)
    assert client.get("/workspace/creditor").status_code == 200

    again = _claim(client, right.text, TRADER, "江苏彩富贸易有限公司", "creditor")
    assert again.status_code == 409 and "您已登记" in again.text

    client.post("/logout", data={"csrf_token": _csrf(right.text)})
    other = _register(client, "someone@example.cn")
    taken = _claim(client, other.text, TRADER, "江苏彩富贸易有限公司", "creditor")
    assert taken.status_code == 409
    assert "已由其他账户登记" in taken.text and "请联系平台工作人员" in taken.text
    assert "contact the platform" in taken.text and "to contest the claim" in taken.text


def test_an_agency_waits_for_the_operator_who_sees_the_applicant_and_gives_a_reason(
    client, session, registry
):
    service.create_user(session, "op@example.cn", password=PASSWORD, roles=["operator"])
    session.commit()

    home = _register(client, "li@xinpu-zhangkuan.example.cn")
    # Half-width brackets and a space where the registry writes full-width ones: the same name.
    made = _claim(client, home.text, COLLECTOR, "连云港海州 (新浦) 商账管理有限公司", "agency")
    mine = _my_org(made.text, COLLECTOR)
    assert "连云港海州（新浦）商账管理有限公司" in mine and "待审核" in mine
    assert "三步核验" in mine and "agency workspace" in mine
    assert "/workspace/agency" not in mine  # not before approval
    denied = client.get("/workspace/agency")
    assert denied.status_code == 403
    assert "先在账户页登记机构" in denied.text and 'href="/account#register-org"' in denied.text
    client.post("/logout", data={"csrf_token": _csrf(made.text)})

    client.post("/login", data={"email": "op@example.cn", "password": PASSWORD})
    queue = client.get("/operator/agencies").text
    entry = re.search(r'<section class="card entry".*?</section>', queue, re.S)[0]
    assert COLLECTOR in entry and "li@xinpu-zhangkuan.example.cn" in entry
    org_id = re.search(r'id="org-(\d+)"', entry).group(1)
    rejected = client.post(
        f"/operator/agencies/{org_id}/decision",
        data={"csrf_token": _csrf(queue), "decision": "reject", "reason": "申请人邮箱与该机构无关"},
    )
    assert rejected.status_code == 200, rejected.text
    client.post("/logout", data={"csrf_token": _csrf(queue)})

    client.post("/login", data={"email": "li@xinpu-zhangkuan.example.cn", "password": PASSWORD})
    mine = _my_org(client.get("/account").text, COLLECTOR)
    assert "已驳回" in mine and "申请人邮箱与该机构无关" in mine


def test_the_api_checks_the_claim_the_same_way(client, registry):
    account = {"email": "api@example.cn", "password": PASSWORD}
    client.post("/api/v1/auth/register", json=account)
    csrf = client.post("/api/v1/auth/login", json=account).json()["csrf_token"]
    headers = {"X-CSRF-Token": csrf}

    def claim(code, name, kind):
        body = {"credit_code": code, "name": name, "kind": kind}
        return client.post("/api/v1/organisations", json=body, headers=headers)

    wrong = claim(TRADER, "中国工商银行连云港分行", "creditor")
    assert wrong.status_code == 422 and wrong.json()["field"] == "name"
    assert "江苏彩富贸易有限公司" in wrong.json()["detail_zh"]

    # A creditor from another city is not in this registry: taken as typed.
    far = claim(ELSEWHERE, "深圳市南山某科技有限公司", "creditor")
    assert far.status_code == 201 and far.json()["name"] == "深圳市南山某科技有限公司"
    # An agency must be known here: the operator's check has nothing to go on otherwise.
    unknown = claim(credit_code(14), "连云港某律师事务所", "agency")
    assert unknown.status_code == 422 and unknown.json()["field"] == "credit_code"

    # The former name is the same firm; the organisation takes the registry's current name.
    former = claim(COLLECTOR, "连云港新浦商务咨询有限公司", "agency")
    assert former.status_code == 201 and former.json()["state"] == "pending"
    assert former.json()["name"] == "连云港海州（新浦）商账管理有限公司"


def test_an_agency_only_in_the_directory_is_checked_against_its_listed_name(session):
    code = credit_code(15)
    add_agency(session, code, "连云港云台调解中心", "mediation", ARTICLE_SCHEDULE)
    with pytest.raises(InvalidInput) as refused:
        service.create_organisation(session, code, "连云港另一调解中心", "agency")
    assert (
        refused.value.detail["field"] == "name" and "连云港云台调解中心" in refused.value.message_zh
    )
    org = service.create_organisation(session, code, "连云港云台调解中心", "agency")
    assert org.state == "pending"
