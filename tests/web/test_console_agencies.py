"""An operator works the agency approval queue: verifies each applicant, approves the one that
passes and rejects the one that fails, each decision with its reason in the audit log."""

from __future__ import annotations

import re

import pytest

from tests.support.judicial_files import register_enterprises
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.accounts import service as accounts
from xinyong.lists.clock import SHANGHAI

GOOD = credit_code(801)
REVOKED = credit_code(802)


@pytest.fixture
def applicants(engine, session, tmp_path) -> dict[str, int]:
    """Two companies that registered as agencies: one in good standing, one revoked."""
    register_enterprises(
        engine,
        tmp_path,
        [
            enterprise_row(
                801, 企业名称="连云港诚信商账管理有限公司", 经营范围="商账管理；应收账款管理服务"
            ),
            enterprise_row(
                802, 企业名称="连云港速收商务咨询有限公司", 经营范围="商账管理", 登记状态="吊销"
            ),
        ],
    )
    ids = {}
    for who, code, name in (
        ("good", GOOD, "连云港诚信商账管理有限公司"),
        ("revoked", REVOKED, "连云港速收商务咨询有限公司"),
    ):
        user = accounts.create_user(session, f"{who}@example.cn", display_name=f"{who} 经办人")
        org = accounts.create_organisation(session, code, name, "agency")
        accounts.add_member(session, user, org)
        ids[who] = org.id
    session.commit()
    return ids


def _section(html: str, org_id: int) -> str:
    return re.search(rf'<section class="card entry" id="org-{org_id}".*?</section>', html, re.S)[0]


def test_an_applicant_is_approved_only_after_a_verification_that_did_not_fail(
    operator, session, applicants
):
    good, revoked = applicants["good"], applicants["revoked"]
    queue = operator.get("/operator/agencies").text
    assert "尚未核验" in _section(queue, good) and "disabled" in _section(queue, good)
    assert re.search(r"<b>2</b>家服务机构待审核", operator.get("/operator").text)

    early = operator.post(
        f"/operator/agencies/{good}/decision", data={"decision": "approve", "reason": "材料齐全"}
    )
    assert early.status_code == 409 and "尚未进行三步核验" in early.text

    done = operator.post(f"/operator/agencies/{good}/verify")
    assert "三步核验完成" in done.text
    section = _section(done.text, good)
    assert "核验记录" in section and "disabled" not in section

    approved = operator.post(
        f"/operator/agencies/{good}/decision",
        data={"decision": "approve", "reason": "核验通过，许可齐全"},
    )
    assert "连云港诚信商账管理有限公司：已批准" in approved.text
    assert f'id="org-{good}"' not in approved.text  # no longer waiting
    session.expire_all()
    org = accounts.get_organisation(session, good)
    assert org.state == "approved" and org.decided_by == "operator-token 审核员李娜"
    member = accounts.user_by_email(session, "good@example.cn")
    assert "agency_member" in accounts.effective_roles(session, member)[0]

    again = operator.post(
        f"/operator/agencies/{good}/decision", data={"decision": "reject", "reason": "重复"}
    )
    assert again.status_code == 409 and "已于" in again.text

    # The revoked company fails step 1; it cannot be approved, and a rejection needs a reason.
    operator.post(f"/operator/agencies/{revoked}/verify")
    refused = operator.post(
        f"/operator/agencies/{revoked}/decision", data={"decision": "approve", "reason": "同意"}
    )
    assert refused.status_code == 409 and "最近一次三步核验未通过" in refused.text
    nameless = operator.post(
        f"/operator/agencies/{revoked}/decision", data={"decision": "reject", "reason": " "}
    )
    assert nameless.status_code == 422 and "请填写决定理由" in nameless.text
    operator.post(
        f"/operator/agencies/{revoked}/decision",
        data={"decision": "reject", "reason": "营业执照已吊销"},
    )
    rejected = operator.get("/operator/agencies?state=rejected").text
    assert "营业执照已吊销" in _section(rejected, revoked)
    assert "不通过" in _section(rejected, revoked)


def test_every_decision_is_in_the_audit_log_and_the_log_filters(operator, applicants, clock):
    good, revoked = applicants["good"], applicants["revoked"]
    for org_id in (good, revoked):
        operator.post(f"/operator/agencies/{org_id}/verify")
    operator.post(
        f"/operator/agencies/{good}/decision", data={"decision": "approve", "reason": "核验通过"}
    )
    operator.post(
        f"/operator/agencies/{revoked}/decision", data={"decision": "reject", "reason": "已吊销"}
    )
    log = operator.get("/operator/audit").text
    assert log.count('class="audit-entry"') == 2
    assert "批准服务机构" in log and "驳回服务机构" in log and "已吊销" in log
    assert f"account_org:{good}" in log and "operator-token 审核员李娜" in log

    only_rejections = operator.get("/operator/audit", params={"action": "reject_org"}).text
    assert only_rejections.count('class="audit-entry"') == 1 and "已吊销" in only_rejections
    by_user = operator.get("/operator/audit", params={"user": "李娜"}).text
    assert by_user.count('class="audit-entry"') == 2
    nobody = operator.get("/operator/audit", params={"user": "50%_"}).text
    assert "没有符合条件的记录" in nobody
    day = clock().astimezone(SHANGHAI).date()
    that_day = operator.get("/operator/audit", params={"since": str(day), "until": str(day)})
    assert that_day.text.count('class="audit-entry"') == 2
    before = operator.get("/operator/audit", params={"until": "2020-01-01"}).text
    assert "没有符合条件的记录" in before
    bad = operator.get("/operator/audit", params={"since": "2026/05/01"})
    assert bad.status_code == 422 and "YYYY-MM-DD" in bad.text
