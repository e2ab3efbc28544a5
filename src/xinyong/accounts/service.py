"""Account services: users, organisations, memberships, sign-in with lockout, sessions, API keys,
password resets. Other domains' tests call `create_user`, `create_organisation`, `add_member` and
`issue_api_key` to act as a creditor, an agency member or an operator."""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.accounts import notify, roles
from xinyong.accounts.config import AccountSettings, account_settings
from xinyong.accounts.errors import AccountLocked, BadCredentials, Conflict
from xinyong.accounts.models import (
    ORG_STATE_NAMES,
    ApiKey,
    Membership,
    Organisation,
    PasswordReset,
    User,
    WebSession,
)
from xinyong.accounts.passwords import hash_password, needs_rehash, verify_password
from xinyong.agencies.models import Agency
from xinyong.codes.uscc import check_uscc
from xinyong.errors import InvalidInput, NotFound
from xinyong.registry.models import Enterprise
from xinyong.search.normalise import normalise
from xinyong.types import utcnow

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]{1,189}\.[^@\s.]{2,63}$")
KEY_PREFIX = "xk_"


def sha256_hex(value: str) -> str:
    return hashlib.sha256(value.encode()).hexdigest()


def normalise_email(email: str) -> str:
    value = (email or "").strip().lower()
    if not _EMAIL.match(value):
        raise InvalidInput(
            f"电子邮箱“{email}”格式无效：应为 名称@域名",
            f"e-mail {email!r} is invalid: expected name@domain",
            field="email",
        )
    return value


def check_password_strength(password: str, settings: AccountSettings | None = None) -> None:
    least = (settings or account_settings()).min_password_length
    if len(password or "") < least or len(password) > 256:
        raise InvalidInput(
            f"密码长度应为 {least}–256 个字符",
            f"the password must be {least} to 256 characters long",
            field="password",
        )


def _check_roles(given: Iterable[str]) -> list[str]:
    out = []
    for role in given:
        if role not in roles.USER_ROLES:
            raise InvalidInput(
                f"角色“{role}”无效：应为 {'、'.join(roles.USER_ROLES)} 之一",
                f"role {role!r} is invalid: expected one of {', '.join(roles.USER_ROLES)}",
                field="role",
            )
        if role not in out:
            out.append(role)
    return out


# --- users and organisations ----------------------------------------------------------------


def create_user(
    session: Session,
    email: str,
    *,
    password: str | None = None,
    display_name: str | None = None,
    roles: Iterable[str] = (),
    subject_ref: str | None = None,
) -> User:
    """A new user; platform roles (operator, auditor, api_client) go on the user, organisation
    roles (creditor, agency_member) come from `add_member`. Flushed, not committed."""
    address = normalise_email(email)
    if password is not None:
        check_password_strength(password)
    if session.scalar(select(User.id).where(User.email == address)) is not None:
        raise Conflict(f"邮箱 {address} 已注册", f"{address} is already registered", field="email")
    platform = [r for r in _check_roles(roles) if r not in ("creditor", "agency_member")]
    user = User(
        email=address,
        display_name=(display_name or address.split("@")[0]).strip()[:100],
        password_hash=hash_password(password) if password is not None else None,
        roles=platform,
        disabled=False,
        failed_logins=0,
        subject_ref=subject_ref,
        created_at=utcnow(),
    )
    session.add(user)
    session.flush()
    return user


def get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound(f"用户 {user_id} 不存在", f"user {user_id} does not exist", field="user")
    return user


def user_by_email(session: Session, email: str) -> User | None:
    return session.scalar(select(User).where(User.email == (email or "").strip().lower()))


def set_roles(session: Session, user: User, new_roles: Iterable[str]) -> User:
    user.roles = [r for r in _check_roles(new_roles) if r not in ("creditor", "agency_member")]
    session.flush()
    return user


def create_organisation(
    session: Session, credit_code: str, name: str, kind: str, now: datetime | None = None
) -> Organisation:
    """An organisation tied to its credit code, under the name the registry gives that code.
    Creditors are usable at once; an agency waits for an operator's approval (after the
    three-step verification)."""
    check = check_uscc((credit_code or "").strip())
    if not check.valid:
        first = check.errors[0]
        raise InvalidInput(
            f"统一社会信用代码“{credit_code}”无效：{first.message_zh}",
            f"credit code {credit_code!r} is invalid: {first.message_en}",
            field="credit_code",
        )
    if kind not in ("creditor", "agency", "other"):
        raise InvalidInput(
            f"机构类型“{kind}”无效：应为 creditor、agency 或 other",
            f"organisation kind {kind!r} is invalid: expected creditor, agency or other",
            field="kind",
        )
    if not (name or "").strip():
        raise InvalidInput("须填写机构名称", "the organisation's name is required", field="name")
    recorded = _name_for_code(session, check.code, name.strip(), kind)
    if session.scalar(select(Organisation.id).where(Organisation.credit_code == check.code)):
        raise Conflict(
            f"代码 {check.code} 的机构已由其他账户登记。如您是该机构的人员，请联系平台工作人员"
            "（操作员）对这一登记提出异议或申请加入，经核实后处理",
            f"the organisation with code {check.code} is already registered by another account. "
            "If you work for it, contact the platform's operators to contest the claim (or to "
            "be added to it); they will check and decide",
            field="credit_code",
        )
    org = Organisation(
        credit_code=check.code,
        name=recorded[:200],
        kind=kind,
        state="pending" if kind == "agency" else "approved",
        created_at=now or utcnow(),
    )
    session.add(org)
    session.flush()
    return org


def _same_name(given: str, name: str) -> bool:
    """Equal once full-width/half-width forms (brackets), spacing and traditional characters
    are normalised, as the three-step verification compares them."""
    return normalise(given) == normalise(name)


def _name_for_code(session: Session, code: str, name: str, kind: str) -> str:
    """The name to record for a claimed code, or InvalidInput when the claim is not believable.

    A valid check digit proves nothing about who holds a code: the registry's name (or one of
    its former names) must match. An agency must be known here, in the registry or the agency
    directory, since the operator's three-step check has nothing to go on otherwise. A creditor
    from another city is in neither, and keeps the name as typed."""
    found = session.execute(
        select(Enterprise.name, Enterprise.former_names).where(Enterprise.credit_code == code)
    ).first()
    if found is not None:
        if any(_same_name(name, n) for n in (found.name, *(found.former_names or ()))):
            return found.name  # the current registered name, also when a former one was typed
        raise InvalidInput(
            f"名称与代码不符：该代码登记的名称为“{found.name}”，而非“{name}”",
            f"the name does not match the code: {code} is registered as '{found.name}', "
            f"not '{name}'",
            field="name",
        )
    listed = list(
        session.scalars(select(Agency.name).where(Agency.credit_code == code).order_by(Agency.id))
    )
    if listed:
        if any(_same_name(name, n) for n in listed):
            return listed[-1]
        raise InvalidInput(
            f"名称与代码不符：该代码在服务机构名录中的名称为“{listed[-1]}”，而非“{name}”",
            f"the name does not match the code: the agency directory lists {code} as "
            f"'{listed[-1]}', not '{name}'",
            field="name",
        )
    if kind == "agency":
        raise InvalidInput(
            f"代码 {code} 不在本平台的企业登记信息中，也不在服务机构名录中，无法核验："
            "服务机构须以已登记主体的统一社会信用代码申请",
            f"the code {code} is neither in the business registry here nor in the agency "
            "directory, so it cannot be verified: an agency must apply with the credit code of "
            "a registered entity",
            field="credit_code",
        )
    return name


def register_organisation(
    session: Session, user: User, credit_code: str, name: str, kind: str
) -> Organisation:
    """A signed-in user registers their organisation and becomes its first member (the JSON
    API and the account page both come here)."""
    check = check_uscc((credit_code or "").strip())
    if check.valid:
        mine = session.scalar(
            select(Organisation)
            .join(Membership, Membership.org_id == Organisation.id)
            .where(Membership.user_id == user.id, Organisation.credit_code == check.code)
        )
        if mine is not None:
            # Not "another account": telling users to contest their own claim would mislead.
            raise Conflict(
                f"您已登记代码 {check.code} 的机构“{mine.name}”，无须重复登记",
                f"you have already registered the organisation with code {check.code} "
                f"('{mine.name}')",
                field="credit_code",
            )
    org = create_organisation(session, credit_code, name, kind)
    add_member(session, user, org)
    return org


def get_organisation(session: Session, org_id: int) -> Organisation:
    org = session.get(Organisation, org_id)
    if org is None:
        raise NotFound(
            f"机构 {org_id} 不存在", f"organisation {org_id} does not exist", field="org"
        )
    return org


def organisations(session: Session, state: str | None = None) -> list[Organisation]:
    """Organisations in registration order, optionally in one state (pending/approved/rejected)."""
    q = select(Organisation).order_by(Organisation.id)
    if state:
        q = q.where(Organisation.state == state)
    return list(session.scalars(q))


def count_organisations(session: Session, state: str, kind: str | None = None) -> int:
    """How many organisations are in a state (of one kind): a console tile, counted, not loaded."""
    q = select(func.count()).select_from(Organisation).where(Organisation.state == state)
    if kind:
        q = q.where(Organisation.kind == kind)
    return session.scalar(q) or 0


def organisation_by_code(session: Session, credit_code: str) -> Organisation:
    found = session.scalar(select(Organisation).where(Organisation.credit_code == credit_code))
    if found is None:
        raise NotFound(
            f"代码 {credit_code} 的机构未登记",
            f"no organisation with code {credit_code} is registered",
        )
    return found


def decide_organisation(
    session: Session,
    org_id: int,
    approve: bool,
    by: str,
    verification_id: str | None = None,
    now: datetime | None = None,
    reason: str | None = None,
) -> Organisation:
    """An operator approves (or rejects) a pending organisation, naming the verification relied
    on and the reason. A decided one is not decided again here: reinstating and suspending take
    a reason into its history and the audit log (`claims`, decision 0060), which this does not."""
    org = get_organisation(session, org_id)
    if org.state != "pending":
        raise _not_pending(org, approve)
    org.state = "approved" if approve else "rejected"
    org.decided_by = by
    org.decided_at = now or utcnow()
    org.verification_id = verification_id
    org.decision_reason = reason
    session.flush()
    return org


def _not_pending(org: Organisation, approve: bool) -> Conflict:
    """Why a decided organisation is not approved or rejected again, and what to do instead."""
    zh, en = ORG_STATE_NAMES.get(org.state, (org.state, org.state))
    head_zh = f"{org.name}（机构 {org.id}）当前为“{zh}”，批准和驳回只处理待审核的机构"
    head_en = f"{org.name} (organisation {org.id}) is {en.lower()}: approve and reject decide "
    head_en += "pending organisations only"
    route = f"/api/v1/operator/organisations/{org.id}"
    if approve and org.state in ("suspended", "rejected"):
        return Conflict(
            f"{head_zh}。恢复请在机构页（/operator/organisations）或 POST {route}/reinstate "
            "说明理由（记入机构历史和审计日志）",
            f"{head_en}. Reinstate it on /operator/organisations or with POST {route}/reinstate, "
            "giving the reason (kept in its history and the audit log)",
            field="org",
        )
    if not approve and org.state in ("approved", "suspended"):
        return Conflict(
            f"{head_zh}。驳回或暂停请在机构页（/operator/organisations）或 POST {route}/revoke "
            "说明理由（记入机构历史和审计日志）",
            f"{head_en}. Reject or suspend it on /operator/organisations or with POST "
            f"{route}/revoke, giving the reason (kept in its history and the audit log)",
            field="org",
        )
    return Conflict(f"{head_zh}。", f"{head_en}.", field="org")


def add_member(
    session: Session, user: User, org: Organisation, role: str | None = None
) -> Membership:
    """Make a user a member of an organisation: a creditor of a creditor, a member of an agency."""
    role = role or ("agency_member" if org.kind == "agency" else "creditor")
    if role not in ("creditor", "agency_member"):
        raise InvalidInput(
            f"成员角色“{role}”无效：应为 creditor 或 agency_member",
            f"membership role {role!r} is invalid: expected creditor or agency_member",
            field="role",
        )
    found = session.scalar(
        select(Membership).where(Membership.user_id == user.id, Membership.org_id == org.id)
    )
    if found:
        found.role = role
        session.flush()
        return found
    member = Membership(user_id=user.id, org_id=org.id, role=role, created_at=utcnow())
    session.add(member)
    session.flush()
    return member


def memberships(session: Session, user_id: int) -> list[tuple[Membership, Organisation]]:
    rows = session.execute(
        select(Membership, Organisation)
        .join(Organisation, Organisation.id == Membership.org_id)
        .where(Membership.user_id == user_id)
        .order_by(Membership.id)
    )
    return [(m, o) for m, o in rows]


def effective_roles(session: Session, user: User) -> tuple[set[str], list[Organisation]]:
    """The user's platform roles plus those its memberships give (an agency's only once approved)."""
    held = set(user.roles or [])
    orgs = []
    for member, org in memberships(session, user.id):
        if org.state != "approved":
            continue
        held.add(member.role)
        orgs.append(org)
    return held, orgs


# --- sign-in, lockout, sessions -------------------------------------------------------------


def authenticate(
    session: Session,
    email: str,
    password: str,
    now: datetime | None = None,
    settings: AccountSettings | None = None,
) -> User:
    """The user whose password this is. Repeated failures lock the account for a while; the
    caller commits either way (so failures are counted)."""
    settings = settings or account_settings()
    now = now or utcnow()
    user = user_by_email(session, email)
    if user is not None and user.locked_until is not None and user.locked_until > now:
        raise AccountLocked(
            f"连续登录失败次数过多，账户已锁定至 {user.locked_until:%Y-%m-%d %H:%M} UTC",
            f"too many failed sign-ins: the account is locked until "
            f"{user.locked_until:%Y-%m-%d %H:%M} UTC",
            locked_until=user.locked_until.isoformat(),
        )
    good = verify_password(user.password_hash if user else None, password or "")
    if not good or user is None or user.disabled:
        if user is not None:
            user.failed_logins = (user.failed_logins or 0) + 1
            if user.failed_logins >= settings.lockout_attempts:
                user.locked_until = now + timedelta(minutes=settings.lockout_minutes)
                user.failed_logins = 0
            session.flush()
        raise BadCredentials("邮箱或密码不正确", "wrong e-mail or password")
    user.failed_logins = 0
    user.locked_until = None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    session.flush()
    return user


def start_session(
    session: Session,
    user: User,
    ip: str | None = None,
    now: datetime | None = None,
    settings: AccountSettings | None = None,
) -> tuple[str, WebSession]:
    """A new web session: the returned token goes in the cookie; only its hash is stored."""
    settings = settings or account_settings()
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = WebSession(
        token_hash=sha256_hex(token),
        user_id=user.id,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + timedelta(hours=settings.session_hours),
        ip=ip,
    )
    session.add(row)
    session.flush()
    return token, row


def session_for_token(
    session: Session, token: str, now: datetime | None = None
) -> tuple[WebSession, User] | None:
    if not token or len(token) > 200:
        return None
    now = now or utcnow()
    row = session.scalar(select(WebSession).where(WebSession.token_hash == sha256_hex(token)))
    if row is None or row.ended_at is not None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    if user is None or user.disabled:
        return None
    return row, user


def end_session(session: Session, token: str, now: datetime | None = None) -> None:
    row = session.scalar(select(WebSession).where(WebSession.token_hash == sha256_hex(token or "")))
    if row is not None and row.ended_at is None:
        row.ended_at = now or utcnow()
        session.flush()


# --- API keys -------------------------------------------------------------------------------


@dataclass(frozen=True)
class IssuedKey:
    """A new key: `token` is shown once and never stored."""

    token: str
    key: ApiKey

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def _check_scopes(scopes: Iterable[str]) -> list[str]:
    out = []
    for scope in scopes:
        if scope not in roles.SCOPES:
            raise InvalidInput(
                f"权限范围“{scope}”无效：应为 {'、'.join(roles.SCOPES)} 之一",
                f"scope {scope!r} is invalid: expected one of {', '.join(roles.SCOPES)}",
                field="scopes",
            )
        if scope not in out:
            out.append(scope)
    return out


_UNSET = object()


def issue_api_key(
    session: Session,
    user: User,
    name: str = "default",
    *,
    scopes: Iterable[str] = roles.DEFAULT_SCOPES,
    org: Organisation | None = None,
    expires_at: datetime | None = None,
    daily_quota: int | None | object = _UNSET,
    monthly_quota: int | None | object = _UNSET,
    person_daily_cap: int | None | object = _UNSET,
    now: datetime | None = None,
) -> IssuedKey:
    """Create a key for a user (and one of its organisations). Quotas left out take the
    deployment's defaults; pass None for unlimited."""
    settings = account_settings()
    now = now or utcnow()
    if not (name or "").strip() or len(name) > 100:
        raise InvalidInput(
            "密钥名称应为 1–100 个字符", "a key name is 1 to 100 characters", field="name"
        )
    if org is not None and org.id not in {o.id for _, o in memberships(session, user.id)}:
        raise InvalidInput(
            f"用户不是机构 {org.credit_code} 的成员",
            f"the user is not a member of organisation {org.credit_code}",
            field="org_id",
        )
    if expires_at is not None and expires_at <= now:
        raise InvalidInput(
            "有效期应晚于现在", "expires_at must be in the future", field="expires_at"
        )
    quotas = {}
    for field, given, default in (
        ("daily_quota", daily_quota, settings.key_daily_quota),
        ("monthly_quota", monthly_quota, settings.key_monthly_quota),
        ("person_daily_cap", person_daily_cap, settings.key_person_daily_cap),
    ):
        value = default if given is _UNSET else given
        if value is not None and (not isinstance(value, int) or value < 0):
            raise InvalidInput(
                f"{field} 应为非负整数", f"{field} must be a non-negative integer", field=field
            )
        quotas[field] = value
    prefix = KEY_PREFIX + secrets.token_hex(4)
    while session.scalar(select(ApiKey.id).where(ApiKey.prefix == prefix)) is not None:
        prefix = KEY_PREFIX + secrets.token_hex(4)
    secret = secrets.token_urlsafe(32)
    key = ApiKey(
        prefix=prefix,
        # Keys are 256 random bits, so a fast hash is enough (no dictionary to guess from).
        secret_hash=sha256_hex(secret),
        user_id=user.id,
        org_id=org.id if org else None,
        name=name.strip(),
        scopes=_check_scopes(scopes),
        expires_at=expires_at,
        created_at=now,
        **quotas,
    )
    session.add(key)
    session.flush()
    return IssuedKey(f"{prefix}_{secret}", key)


def key_for_token(session: Session, token: str) -> ApiKey | None:
    """The key a bearer token names, if the secret matches (revocation and expiry are the
    caller's to judge, so it can say which)."""
    parts = (token or "").split("_", 2)
    if len(parts) != 3 or parts[0] != "xk" or len(token) > 120:
        return None
    key = session.scalar(select(ApiKey).where(ApiKey.prefix == f"xk_{parts[1]}"))
    if key is None or not secrets.compare_digest(key.secret_hash, sha256_hex(parts[2])):
        return None
    return key


def list_keys(session: Session, user_id: int) -> list[ApiKey]:
    return list(
        session.scalars(select(ApiKey).where(ApiKey.user_id == user_id).order_by(ApiKey.id))
    )


def get_key(session: Session, key_id: int) -> ApiKey:
    key = session.get(ApiKey, key_id)
    if key is None:
        raise NotFound(f"密钥 {key_id} 不存在", f"API key {key_id} does not exist", field="key")
    return key


def revoke_key(session: Session, key: ApiKey, by: str, now: datetime | None = None) -> ApiKey:
    if key.revoked_at is None:
        key.revoked_at = now or utcnow()
        key.revoked_by = by
        session.flush()
    return key


# --- password reset -------------------------------------------------------------------------


def request_password_reset(
    session: Session, email: str, link_base: str = "/password-reset", now: datetime | None = None
) -> None:
    """Send a one-time reset link through the notifier. Says nothing about whether the address
    exists (the caller answers the same either way)."""
    now = now or utcnow()
    user = user_by_email(session, email)
    if user is None or user.disabled:
        return
    token = secrets.token_urlsafe(32)
    session.add(
        PasswordReset(
            token_hash=sha256_hex(token),
            user_id=user.id,
            created_at=now,
            expires_at=now + timedelta(minutes=account_settings().reset_minutes),
        )
    )
    link = f"{link_base}?token={token}"
    notify.notifier()(
        session,
        user.email,
        "重置密码 / Reset your password",
        f"请在 {account_settings().reset_minutes} 分钟内打开以下链接重置密码（仅可使用一次）：\n{link}\n"
        f"Open this link within {account_settings().reset_minutes} minutes to reset your "
        f"password (it works once):\n{link}",
        now,
    )
    session.flush()


def reset_password(
    session: Session, token: str, new_password: str, now: datetime | None = None
) -> User:
    now = now or utcnow()
    row = session.scalar(
        select(PasswordReset).where(PasswordReset.token_hash == sha256_hex(token or ""))
    )
    if row is None or row.used_at is not None or row.expires_at <= now:
        raise InvalidInput(
            "重置链接无效、已使用或已过期，请重新申请",
            "the reset link is invalid, used or expired: ask for a new one",
            field="token",
        )
    check_password_strength(new_password)
    user = get_user(session, row.user_id)
    user.password_hash = hash_password(new_password)
    user.failed_logins = 0
    user.locked_until = None
    row.used_at = now
    # A new password ends every open session (whoever had the old one is signed out).
    for open_session in session.scalars(
        select(WebSession).where(WebSession.user_id == user.id, WebSession.ended_at.is_(None))
    ):
        open_session.ended_at = now
    session.flush()
    return user
