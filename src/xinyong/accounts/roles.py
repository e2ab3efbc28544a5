"""The fixed set of roles and scopes, and what each role may do with personal data."""

from __future__ import annotations

VISITOR = "visitor"  # anyone, not signed in
CREDITOR = "creditor"  # a member of a creditor organisation
AGENCY_MEMBER = "agency_member"  # a member of an approved agency organisation
OPERATOR = "operator"  # platform staff
AUDITOR = "auditor"  # reads the access audit log and statements, changes nothing
API_CLIENT = "api_client"  # a machine account of an organisation (its keys call the API)

ROLES = (VISITOR, CREDITOR, AGENCY_MEMBER, OPERATOR, AUDITOR, API_CLIENT)
# Roles a user account can hold (visitor is what nobody signed in is).
USER_ROLES = (CREDITOR, AGENCY_MEMBER, OPERATOR, AUDITOR, API_CLIENT)
# Roles held through an organisation membership rather than on the user.
MEMBERSHIP_ROLES = {CREDITOR: "creditor", AGENCY_MEMBER: "agency"}

ROLE_NAMES = {
    VISITOR: ("访客", "visitor"),
    CREDITOR: ("债权人", "creditor"),
    AGENCY_MEMBER: ("服务机构成员", "agency member"),
    OPERATOR: ("操作员", "operator"),
    AUDITOR: ("审计员", "auditor"),
    API_CLIENT: ("接口客户端", "API client"),
}

# API key scopes: a key can do no more than its scopes and its owner's roles allow.
SCOPES = {
    "read": ("读取公开信用信息", "read public credit information"),
    "persons": (
        "查询自然人记录（计入每日上限）",
        "look up natural persons (counts to a daily cap)",
    ),
    "unmask": (
        "在说明用途后查看未遮蔽的个人信息",
        "see unmasked personal data for a stated purpose",
    ),
    "write": ("提交申请、异议、案件等", "file applications, objections, cases"),
    "operator": ("操作员操作", "operator actions"),
}
DEFAULT_SCOPES = ("read",)
