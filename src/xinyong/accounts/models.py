"""Account tables: users, organisations, memberships, sessions, API keys, usage, resets, outbox, audit."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.accounts.crypto import EncryptedText
from xinyong.db import Base
from xinyong.types import UTCDateTime, utcnow

_ID = BigInteger().with_variant(Integer, "sqlite")

ORG_KINDS = ("creditor", "agency", "other")
ORG_KIND_NAMES = {
    "creditor": ("债权人", "Creditor"),
    "agency": ("服务机构", "Agency"),
    "other": ("其他机构", "Other organisation"),
}
# An agency organisation is pending until an operator approves it (after the three-step check);
# an operator may suspend one later (its members lose its rights until it is approved again).
ORG_STATES = ("pending", "approved", "rejected", "suspended")
# As people read an organisation's state: the member's account page and the operators' queue.
ORG_STATE_NAMES = {
    "pending": ("待审核", "Waiting"),
    "approved": ("已批准", "Approved"),
    "rejected": ("已驳回", "Rejected"),
    "suspended": ("已暂停", "Suspended"),
}
# A contest of an organisation's registration (someone else registered the code first).
DISPUTE_STATES = ("open", "upheld", "dismissed")
DISPUTE_STATE_NAMES = {
    "open": ("待处理", "Open"),
    "upheld": ("异议成立", "Upheld"),
    "dismissed": ("异议不成立", "Dismissed"),
}
# What an operator did to an organisation or its members, as its history and the members read it.
ORG_EVENT_NAMES = {
    "member_added": ("加入成员", "member added"),
    "member_removed": ("移出成员", "member removed"),
    "rejected": ("驳回登记", "registration rejected"),
    "suspended": ("暂停机构", "organisation suspended"),
    "reinstated": ("恢复机构", "organisation reinstated"),
    "claim_filed": ("登记异议提出", "claim dispute filed"),
    "claim_upheld": ("登记异议成立", "claim dispute upheld"),
    "claim_dismissed": ("登记异议不成立", "claim dispute dismissed"),
}
# A claim dispute as the organisation's other members read it (on /account and in the message
# the notifier sends): never who filed it, only that another account did.
CLAIM_NOTICES = {
    "claim_filed": (
        "另一账户对本机构的登记提出了异议，称其为本机构人员。平台工作人员将核实后处理，结果会告知您；"
        "如有说明或材料，请联系平台工作人员。",
        "Another account contested this organisation's registration, saying they work for it. "
        "An operator will check and decide, and you will be told the outcome; to add an "
        "explanation or documents, contact the platform's operators.",
    ),
    "claim_upheld": (
        "平台工作人员认定另一账户的登记异议成立，该账户已加入本机构。",
        "An operator upheld another account's claim dispute: that account has joined this "
        "organisation.",
    ),
    "claim_dismissed": (
        "平台工作人员认定另一账户的登记异议不成立，本机构的登记不变。",
        "An operator dismissed another account's claim dispute: this organisation's "
        "registration stands.",
    ),
}

# What a member is told when an operator changes their organisation's standing or membership.
ORG_NOTICES = {
    "rejected": (
        "平台工作人员驳回了本机构的登记：成员保留账户，但不再代表本机构行事。",
        "An operator rejected this organisation's registration: members keep their accounts "
        "but no longer act for it.",
    ),
    "suspended": (
        "平台工作人员暂停了本机构：暂停期间成员不能代表本机构行事，接口密钥不能以本机构名义调用。",
        "An operator suspended this organisation: while suspended, members cannot act for it "
        "and keys cannot call in its name.",
    ),
    "reinstated": (
        "平台工作人员恢复了本机构，成员可以重新代表本机构行事。",
        "An operator reinstated this organisation: members can act for it again.",
    ),
    "member_added": (
        "平台工作人员已将您加入本机构。",
        "An operator added you to this organisation.",
    ),
    "member_removed": (
        "平台工作人员已将您移出本机构，您以本机构名义的接口密钥已撤销。",
        "An operator removed you from this organisation; your keys in its name were revoked.",
    ),
}


class User(Base):
    """A person who signs in (or a machine account whose keys call the API)."""

    __tablename__ = "account_user"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)  # stored lower-case
    display_name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str | None] = mapped_column(String(200))  # argon2id; None = no login
    # Platform-wide roles (operator, auditor, api_client); organisation roles come from memberships.
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    # HMAC of the person's ID number: lets a data subject see who looked at their records
    # without the platform keeping the number itself.
    subject_ref: Mapped[str | None] = mapped_column(String(64), index=True)
    # The identity a data subject proved (name, ID number), encrypted at rest.
    identity: Mapped[str | None] = mapped_column(EncryptedText)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Organisation(Base):
    """A creditor, an agency or another organisation, tied to its unified social credit code."""

    __tablename__ = "account_org"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(12))
    state: Mapped[str] = mapped_column(String(12))
    verification_id: Mapped[str | None] = mapped_column(
        String(32)
    )  # the three-step check relied on
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class Membership(Base):
    """A user's role in an organisation (creditor, agency member)."""

    __tablename__ = "account_membership"
    __table_args__ = (UniqueConstraint("user_id", "org_id", name="uq_account_membership_user_org"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("account_org.id"), index=True)
    role: Mapped[str] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)


class WebSession(Base):
    """A signed-in browser: the cookie holds a random token, the table its hash and CSRF token."""

    __tablename__ = "account_session"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id"), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiKey(Base):
    """An API key: `xk_<prefix>_<secret>`; the prefix names it, only the secret's hash is kept."""

    __tablename__ = "api_key"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_hash: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id"), index=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("account_org.id"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list[str]] = mapped_column(JSON, default=list)
    daily_quota: Mapped[int | None] = mapped_column(Integer)
    monthly_quota: Mapped[int | None] = mapped_column(Integer)
    person_daily_cap: Mapped[int | None] = mapped_column(Integer)
    expires_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    revoked_by: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class ApiUsage(Base):
    """Calls of one key to one endpoint on one day (kind `call`), or its person look-ups (`person`)."""

    __tablename__ = "api_usage"
    __table_args__ = (
        UniqueConstraint("key_id", "day", "kind", "endpoint", name="uq_api_usage_key_day_endpoint"),
        Index("ix_api_usage_key_month", "key_id", "month"),
    )

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    key_id: Mapped[int] = mapped_column(ForeignKey("api_key.id"))
    day: Mapped[date] = mapped_column(Date)  # Asia/Shanghai calendar day
    month: Mapped[str] = mapped_column(String(7))  # YYYY-MM of that day
    kind: Mapped[str] = mapped_column(String(8))
    endpoint: Mapped[str] = mapped_column(String(300))  # "GET /api/v1/enterprises/{code}"
    count: Mapped[int] = mapped_column(Integer, default=0)


class PasswordReset(Base):
    """A one-time password reset token (its hash), valid for a short time."""

    __tablename__ = "account_password_reset"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("account_user.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)


class OutboxMessage(Base):
    """A message the default notifier 'sent': kept locally and shown on the operator page."""

    __tablename__ = "account_outbox"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    recipient: Mapped[str] = mapped_column(String(254))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class AccessAudit(Base):
    """One unmasked read or export: append-only (database triggers refuse UPDATE and DELETE)."""

    __tablename__ = "access_audit"
    __table_args__ = (Index("ix_access_audit_subject", "subject_ref", "at"),)

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(300))  # "user:3 a@b.cn" / "key:xk_ab12 …"
    actor_org: Mapped[str | None] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(20))
    action: Mapped[str] = mapped_column(String(12))  # unmask / export
    record: Mapped[str] = mapped_column(String(200))  # "dishonest_record:17"
    fields: Mapped[list[str]] = mapped_column(JSON, default=list)
    subject_ref: Mapped[str | None] = mapped_column(String(64))  # HMAC of the subject's id
    purpose: Mapped[str] = mapped_column(String(40))
    ip: Mapped[str | None] = mapped_column(String(64))
    detail: Mapped[dict[str, Any] | None] = mapped_column(JSON)


class AccessAuditBatch(Base):
    """A run of audit entries anchored in the ledger as one `access_audit_batch` leaf."""

    __tablename__ = "access_audit_batch"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    first_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    last_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), unique=True)
    count: Mapped[int] = mapped_column(Integer)
    digest: Mapped[str] = mapped_column(String(64))  # sha256 over the entries' canonical JSON
    leaf_index: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class ClaimDispute(Base):
    """Someone contests who registered an organisation's code: filed from /account after the
    409, decided by an operator (upheld: the filer is added as a member) with a reason."""

    __tablename__ = "account_claim_dispute"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("account_org.id"), index=True)
    filed_by: Mapped[int] = mapped_column(ForeignKey("account_user.id"), index=True)
    statement: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12))
    decision_reason: Mapped[str | None] = mapped_column(Text)
    decided_by: Mapped[str | None] = mapped_column(String(100))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)


class OrgEvent(Base):
    """One operator action on an organisation (and the member it concerns), or a claim dispute
    filed against it: its history, and what an affected person reads on /account.
    Append-only by use."""

    __tablename__ = "account_org_event"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("account_org.id"), index=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("account_user.id"), index=True)
    action: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    actor: Mapped[str] = mapped_column(String(100))
    at: Mapped[datetime] = mapped_column(UTCDateTime)
