"""Account API shapes."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from xinyong.accounts import roles


class LoginIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)


class RegisterIn(BaseModel):
    email: str = Field(max_length=254)
    password: str = Field(max_length=256)
    display_name: str | None = Field(None, max_length=100)


class ResetRequestIn(BaseModel):
    email: str = Field(max_length=254)


class ResetConfirmIn(BaseModel):
    token: str = Field(max_length=200)
    password: str = Field(max_length=256)


class OrgIn(BaseModel):
    credit_code: str = Field(max_length=40, description="统一社会信用代码 / credit code")
    name: str = Field(max_length=200)
    kind: str = Field(description="creditor / agency / other")


class OrgOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    credit_code: str
    name: str
    kind: str
    state: str
    decided_by: str | None = None
    decided_at: datetime | None = None
    verification_id: str | None = None
    decision_reason: str | None = None


class DecisionIn(BaseModel):
    verification_id: str | None = Field(
        None, pattern=r"^[0-9a-f]{32}$", description="三步核验记录编号 / verification id"
    )
    reason: str | None = Field(None, max_length=500, description="决定理由 / reason")


class UserIn(BaseModel):
    email: str = Field(max_length=254)
    password: str | None = Field(None, max_length=256)
    display_name: str | None = Field(None, max_length=100)
    roles: list[str] = Field(default_factory=list, max_length=len(roles.USER_ROLES))


class MembershipOut(BaseModel):
    org_id: int
    credit_code: str
    name: str
    kind: str
    state: str
    role: str


class Me(BaseModel):
    kind: str
    roles: list[str]
    user_id: int | None = None
    email: str | None = None
    name: str
    scopes: list[str] | None = None
    key: str | None = None
    memberships: list[MembershipOut] = Field(default_factory=list)
    csrf_token: str | None = None


class KeyIn(BaseModel):
    name: str = Field("default", min_length=1, max_length=100)
    scopes: list[str] = Field(default_factory=lambda: list(roles.DEFAULT_SCOPES), max_length=10)
    org_id: int | None = Field(None, ge=1, le=2**62)
    expires_at: datetime | None = None
    daily_quota: int | None = Field(None, ge=0, le=10**9)
    monthly_quota: int | None = Field(None, ge=0, le=10**10)
    person_daily_cap: int | None = Field(None, ge=0, le=10**6)


class KeyOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    prefix: str
    name: str
    scopes: list[str]
    org_id: int | None = None
    daily_quota: int | None = None
    monthly_quota: int | None = None
    person_daily_cap: int | None = None
    expires_at: datetime | None = None
    revoked_at: datetime | None = None
    created_at: datetime
    last_used_at: datetime | None = None


class IssuedKeyOut(KeyOut):
    token: str = Field(description="完整密钥，仅显示这一次 / the full key, shown this once only")


class UsageLine(BaseModel):
    month: str
    key: str
    key_name: str
    owner: str
    org_code: str | None = None
    org_name: str | None = None
    kind: str
    endpoint: str
    calls: int


class Usage(BaseModel):
    month: str
    total_calls: int
    person_lookups: int
    lines: list[UsageLine]


class OutboxOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: int
    recipient: str
    subject: str
    body: str
    created_at: datetime


# --- organisation claims (accounts/claims.py) -----------------------------------------------


class ReasonIn(BaseModel):
    reason: str = Field(
        max_length=500, description="理由（记入机构历史）/ reason, kept in the history"
    )


class AddMemberIn(ReasonIn):
    email: str = Field(
        max_length=254, description="已注册用户的电子邮箱 / a registered user's e-mail"
    )


class RevokeOrgIn(ReasonIn):
    state: str = Field(pattern="^(rejected|suspended)$", description="rejected / suspended")


class MemberOut(BaseModel):
    user_id: int
    email: str
    display_name: str
    role: str


class OrgEventOut(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    action: str
    user_id: int | None
    reason: str
    actor: str
    at: datetime
    by: str = Field(
        "", description="谁操作（显示名与遮蔽的邮箱）/ who acted, name and masked e-mail"
    )
    about: str | None = Field(None, description="所涉人员 / the person it concerns, if any")


class OrgReviewOut(OrgOut):
    members: list[MemberOut]
    history: list[OrgEventOut]
    open_disputes: int


class DisputeIn(BaseModel):
    credit_code: str = Field(max_length=40, description="统一社会信用代码 / credit code")
    statement: str = Field(
        max_length=2000, description="与该机构的关系及依据 / your tie and grounds"
    )


class MyDisputeOut(BaseModel):
    """A dispute as its filer reads it: the organisation's public name, not who registered it."""

    id: int
    credit_code: str
    org_name: str
    statement: str
    state: str
    decision_reason: str | None
    decided_at: datetime | None
    created_at: datetime


class DisputeOut(MyDisputeOut):
    org_id: int
    filed_by: int
    filer_email: str
    decided_by: str | None


class DisputeDecisionIn(ReasonIn):
    uphold: bool = Field(description="true: 异议成立，申请人加入机构 / upheld, the filer joins")
