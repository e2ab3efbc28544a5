"""Personal data of individuals: which fields are personal, masked by default, unmasked only for a
role that may and a purpose from a fixed list; every unmasked read and export in the append-only
access audit log, whose batches are anchored in the ledger; the data subject's view of it;
retention purge of ended records."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from xinyong.accounts import metering
from xinyong.accounts import roles as R
from xinyong.accounts.crypto import subject_ref
from xinyong.accounts.errors import Forbidden, NotSignedIn
from xinyong.accounts.models import AccessAudit, AccessAuditBatch
from xinyong.accounts.principal import Principal
from xinyong.codes.masking import mask_id_number, mask_person_name
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.errors import InvalidInput, NotFound
from xinyong.types import utcnow


class PrivacyRules(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    # Personal fields of records ended longer ago than this are purged (facts are kept).
    personal_retention_days: int = 5 * 365
    # The audit log is anchored in the ledger once this many entries are waiting.
    audit_batch_size: int = 100


# The fixed list of purposes, and the roles that may unmask personal data for each.
PURPOSES: dict[str, tuple[str, str, tuple[str, ...]]] = {
    "litigation": (
        "诉讼、仲裁中确认当事人",
        "identify a party to litigation or arbitration",
        (R.CREDITOR, R.AGENCY_MEMBER, R.OPERATOR),
    ),
    "enforcement": ("协助法院执行", "assist court enforcement", (R.AGENCY_MEMBER, R.OPERATOR)),
    "credit_review": (
        "签约、授信前的信用审查",
        "credit review before a contract or loan",
        (R.CREDITOR, R.OPERATOR),
    ),
    "supervision": ("监管执法、投诉处理", "supervision and complaint handling", (R.OPERATOR,)),
}


def offered_scopes(held: set[str]) -> dict[str, tuple[str, str]]:
    """The key scopes worth offering someone holding these roles: a key does no more than its
    owner's roles allow, so `unmask` for a role no purpose names, or `operator` for a
    non-operator, would only make a key that is refused."""
    unmaskers = {role for *_, allowed in PURPOSES.values() for role in allowed}
    return {
        scope: names
        for scope, names in R.SCOPES.items()
        if (scope != "unmask" or held & unmaskers) and (scope != "operator" or R.OPERATOR in held)
    }


def _mask_phone(value: str) -> str:
    digits = value.strip()
    return (
        digits[:3] + "*" * max(0, len(digits) - 7) + digits[-4:]
        if len(digits) >= 7
        else "*" * len(digits)
    )


def _mask_address(value: str) -> str:
    text = value.strip()
    return text[:6] + "*" * max(0, len(text) - 6)


MASKERS: dict[str, Callable[[str], str]] = {
    "name": mask_person_name,
    "id_number": mask_id_number,
    "phone": _mask_phone,
    "address": _mask_address,
}


@dataclass(frozen=True)
class PersonalFields:
    """Which fields of a record type are a person's, and whether a row is about a person."""

    fields: dict[str, str]  # field → category (name, id_number, phone, address)
    is_person: Callable[[Any], bool]


# Other domains (complaints, cases) register their records here.
CLASSIFIED: dict[str, PersonalFields] = {}


def register_personal_fields(
    record_type: str, fields: dict[str, str], is_person: Callable[[Any], bool] = lambda _: True
) -> None:
    for category in fields.values():
        if category not in MASKERS:
            raise ValueError(f"unknown personal data category {category!r}")
    CLASSIFIED[record_type] = PersonalFields(fields, is_person)


register_personal_fields(
    "dishonest_record",
    {"party_name": "name", "party_id": "id_number"},
    lambda r: r.party_kind == "person",
)
register_personal_fields(
    "enforcement_case",
    {"party_name": "name", "party_id": "id_number"},
    lambda r: r.party_kind == "person",
)


def masked(record_type: str, row: Any, values: dict[str, Any]) -> dict[str, Any]:
    """The values with the row's personal fields masked (no change for an organisation's row)."""
    rules = CLASSIFIED.get(record_type)
    if rules is None or not rules.is_person(row):
        return values
    out = dict(values)
    for field, category in rules.fields.items():
        if out.get(field):
            out[field] = MASKERS[category](str(out[field]))
    return out


def person_ref(name: str, id_number: str | None) -> str:
    """A person as courts publish them: full name and masked ID number."""
    return subject_ref("person", name, mask_id_number(id_number) if id_number else "")


def enterprise_ref(credit_code: str) -> str:
    return subject_ref("org", credit_code)


# --- may this caller unmask? ----------------------------------------------------------------


def check_unmask(principal: Principal, purpose: str | None) -> tuple[str, str]:
    """The purpose and role the unmasking is done under, or 401/403/422 saying why not."""
    if purpose not in PURPOSES:
        raise InvalidInput(
            f"查看未遮蔽的个人信息须说明用途 purpose，应为 {'、'.join(PURPOSES)} 之一",
            f"state a purpose to see unmasked personal data: one of {', '.join(PURPOSES)}",
            field="purpose",
        )
    zh, en, allowed = PURPOSES[purpose]
    if principal.anonymous:
        raise NotSignedIn("须登录后查看未遮蔽的个人信息", "sign in to see unmasked personal data")
    for role in allowed:
        if role in principal.roles:
            if not principal.allows("unmask"):
                raise Forbidden(
                    f"接口密钥 {principal.key_prefix} 没有 unmask 权限范围",
                    f"API key {principal.key_prefix} lacks the 'unmask' scope",
                )
            return purpose, role
    names_zh = "、".join(R.ROLE_NAMES[r][0] for r in allowed)
    names_en = ", ".join(R.ROLE_NAMES[r][1] for r in allowed)
    raise Forbidden(
        f"用途“{zh}”仅限 {names_zh} 查看未遮蔽的个人信息",
        f"for the purpose '{en}' only {names_en} may see unmasked personal data",
        field="purpose",
    )


# --- the access audit log -------------------------------------------------------------------


def record_access(
    session: Session,
    principal: Principal,
    *,
    action: str,
    record: str,
    fields: list[str],
    subject: str | None,
    purpose: str,
    role: str,
    ip: str | None,
    detail: dict[str, Any] | None = None,
    now: datetime | None = None,
) -> AccessAudit:
    """Append one line (who, role, what, purpose, when, from where); anchor when a batch is full."""
    entry = AccessAudit(
        at=now or utcnow(),
        actor=principal.actor[:300],
        actor_org=",".join(principal.org_codes)[:200] or None,
        role=role,
        action=action,
        record=record[:200],
        fields=fields,
        subject_ref=subject,
        purpose=purpose,
        ip=ip,
        detail=detail,
    )
    session.add(entry)
    session.flush()
    if pending_count(session) >= PrivacyRules().audit_batch_size:
        anchor(session, now)
    return entry


def _last_anchored(session: Session) -> int:
    return (
        session.scalar(
            select(AccessAuditBatch.last_id).order_by(AccessAuditBatch.last_id.desc()).limit(1)
        )
        or 0
    )


def pending_count(session: Session) -> int:
    return session.scalar(select(func.count()).where(AccessAudit.id > _last_anchored(session))) or 0


def entry_doc(e: AccessAudit) -> dict[str, Any]:
    return {
        "id": e.id,
        "at": e.at.isoformat(),
        "actor": e.actor,
        "actor_org": e.actor_org,
        "role": e.role,
        "action": e.action,
        "record": e.record,
        "fields": e.fields,
        "subject_ref": e.subject_ref,
        "purpose": e.purpose,
        "ip": e.ip,
    }


def batch_digest(entries: list[AccessAudit]) -> str:
    h = hashlib.sha256()
    for e in entries:
        h.update(json.dumps(entry_doc(e), sort_keys=True, ensure_ascii=False).encode())
        h.update(b"\n")
    return h.hexdigest()


def anchor(session: Session, now: datetime | None = None) -> AccessAuditBatch | None:
    """Anchor the entries not yet anchored as one `access_audit_batch` ledger leaf."""
    from xinyong.ledger import service as ledger

    now = now or utcnow()
    entries = list(
        session.scalars(
            select(AccessAudit)
            .where(AccessAudit.id > _last_anchored(session))
            .order_by(AccessAudit.id)
        )
    )
    if not entries:
        return None
    digest = batch_digest(entries)
    receipt = ledger.append(
        session,
        "access_audit_batch",
        {
            "first_id": entries[0].id,
            "last_id": entries[-1].id,
            "count": len(entries),
            "sha256": digest,
        },
        now=now,
    )
    batch = AccessAuditBatch(
        first_id=entries[0].id,
        last_id=entries[-1].id,
        count=len(entries),
        digest=digest,
        leaf_index=receipt.index,
        created_at=now,
    )
    session.add(batch)
    session.flush()
    return batch


def batch_of(session: Session, entry_id: int) -> AccessAuditBatch | None:
    return session.scalar(
        select(AccessAuditBatch).where(
            AccessAuditBatch.first_id <= entry_id, AccessAuditBatch.last_id >= entry_id
        )
    )


def verify_batch(session: Session, batch: AccessAuditBatch) -> bool:
    """The stored entries still hash to what the ledger leaf says."""
    from xinyong.ledger import service as ledger

    entries = list(
        session.scalars(
            select(AccessAudit)
            .where(AccessAudit.id >= batch.first_id, AccessAudit.id <= batch.last_id)
            .order_by(AccessAudit.id)
        )
    )
    leaf = ledger.get_leaf(session, batch.leaf_index)
    payload = ledger.canonical_leaf(leaf)["payload"]
    return payload["sha256"] == batch_digest(entries) == batch.digest and payload["count"] == len(
        entries
    )


def audit_log(
    session: Session, *, subject_refs: list[str] | None = None, limit: int = 200, offset: int = 0
) -> list[AccessAudit]:
    q = select(AccessAudit).order_by(AccessAudit.id.desc()).limit(limit).offset(offset)
    if subject_refs is not None:
        if not subject_refs:
            return []
        q = q.where(AccessAudit.subject_ref.in_(subject_refs))
    return list(session.scalars(q))


def subject_refs_of(session: Session, principal: Principal) -> list[str]:
    """What the caller is the data subject of: the person it proved to be, its organisations."""
    from xinyong.accounts.models import User

    refs = [enterprise_ref(code) for code in principal.org_codes]
    if principal.user_id is not None:
        user = session.get(User, principal.user_id)
        if user is not None and user.subject_ref:
            refs.append(user.subject_ref)
    return refs


# --- person records -------------------------------------------------------------------------

RECORD_TYPES = {
    "dishonest": (DishonestRecord, "dishonest_record"),
    "enforcement": (EnforcementCase, "enforcement_case"),
}


def _values(row: Any) -> dict[str, Any]:
    common = {
        "id": row.id,
        "party_name": row.party_name,
        "party_id": row.party_id,
        "court": row.court,
        "case_number": row.case_number,
        "filed_on": row.filed_on,
        "ended_on": row.ended_on,
        "source": row.source,
        "as_of": row.as_of,
    }
    if isinstance(row, DishonestRecord):
        common.update(
            published_on=row.published_on, performance=row.performance, obligation=row.obligation
        )
    else:
        common.update(amount_fen=row.amount_fen, case_status=row.case_status)
    return common


def find_persons(
    session: Session,
    principal: Principal,
    kind: str,
    name: str,
    now: datetime | None = None,
    limit: int = 20,
) -> list[dict[str, Any]]:
    """Person records by exact name, masked; a key's look-up counts to its daily person cap."""
    model, record_type = _kind(kind)
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise InvalidInput(
            "须填写 1–100 个字符的姓名", "give a name of 1 to 100 characters", field="name"
        )
    if principal.anonymous:
        raise NotSignedIn(
            "须登录或提供接口密钥后查询自然人记录", "sign in or send an API key to look up persons"
        )
    if not principal.allows("persons"):
        raise Forbidden(
            f"接口密钥 {principal.key_prefix} 没有 persons 权限范围",
            f"API key {principal.key_prefix} lacks the 'persons' scope",
        )
    if principal.key_id is not None:
        metering.count_person_lookup(
            session, principal.key_id, principal.person_daily_cap, f"{kind}", now
        )
    rows = session.scalars(
        select(model)
        .where(model.party_kind == "person", model.party_name == name)
        .order_by(model.id)
        .limit(limit)
    )
    return [masked(record_type, r, _values(r)) for r in rows]


def _kind(kind: str):
    if kind not in RECORD_TYPES:
        raise InvalidInput(
            f"记录类型“{kind}”无效：应为 dishonest 或 enforcement",
            f"record kind {kind!r} is invalid: expected dishonest or enforcement",
            field="kind",
        )
    return RECORD_TYPES[kind]


def read_record(
    session: Session,
    principal: Principal,
    kind: str,
    record_id: int,
    *,
    purpose: str | None = None,
    unmask: bool = False,
    ip: str | None = None,
    now: datetime | None = None,
) -> dict[str, Any]:
    """One record: masked by default; unmasked (and audited) when asked with an allowed purpose."""
    model, record_type = _kind(kind)
    row = session.get(model, record_id)
    if row is None:
        raise NotFound(
            f"记录 {kind}/{record_id} 不存在", f"record {kind}/{record_id} does not exist"
        )
    values = _values(row)
    rules = CLASSIFIED[record_type]
    if not unmask or not rules.is_person(row):
        return {**masked(record_type, row, values), "masked": rules.is_person(row)}
    purpose, role = check_unmask(principal, purpose)
    if principal.key_id is not None:
        metering.count_person_lookup(
            session, principal.key_id, principal.person_daily_cap, kind, now
        )
    entry = record_access(
        session,
        principal,
        action="unmask",
        record=f"{record_type}:{row.id}",
        fields=sorted(rules.fields),
        subject=person_ref(row.party_name, row.party_id),
        purpose=purpose,
        role=role,
        ip=ip,
        now=now,
    )
    return {**values, "masked": False, "audit_id": entry.id}


def export_records(
    session: Session,
    principal: Principal,
    kind: str,
    ids: list[int],
    purpose: str | None,
    ip: str | None = None,
    now: datetime | None = None,
) -> list[dict[str, Any]]:
    """Unmasked records for export: one audit line per record, action `export`."""
    purpose, role = check_unmask(principal, purpose)
    model, record_type = _kind(kind)
    out = []
    for row in session.scalars(select(model).where(model.id.in_(ids)).order_by(model.id)):
        values = _values(row)
        if CLASSIFIED[record_type].is_person(row):
            if principal.key_id is not None:
                metering.count_person_lookup(
                    session, principal.key_id, principal.person_daily_cap, kind, now
                )
            record_access(
                session,
                principal,
                action="export",
                record=f"{record_type}:{row.id}",
                fields=sorted(CLASSIFIED[record_type].fields),
                subject=person_ref(row.party_name, row.party_id),
                purpose=purpose,
                role=role,
                ip=ip,
                now=now,
            )
        out.append(values)
    return out


# --- retention ------------------------------------------------------------------------------


def purge_ended(session: Session, now: datetime | None = None, days: int | None = None) -> int:
    """Mask the personal fields of person records ended more than `days` ago, in the records and
    their history; the anonymous facts (court, case number, dates, amounts) stay."""
    from xinyong.sources.provenance import RecordHistory

    now = now or utcnow()
    days = PrivacyRules().personal_retention_days if days is None else days
    cutoff = (now - timedelta(days=days)).date()
    purged = 0
    for model, record_type in RECORD_TYPES.values():
        rules = CLASSIFIED[record_type]
        rows = session.scalars(
            select(model).where(
                model.party_kind == "person", model.ended_on.is_not(None), model.ended_on < cutoff
            )
        )
        for row in rows:
            changed = False
            for field, category in rules.fields.items():
                value = getattr(row, field)
                if value and MASKERS[category](value) != value:
                    setattr(row, field, MASKERS[category](value))
                    changed = True
            for h in session.scalars(
                select(RecordHistory).where(
                    RecordHistory.record_type == record_type, RecordHistory.record_id == row.id
                )
            ):
                data = dict(h.data)
                for field, category in rules.fields.items():
                    if data.get(field):
                        data[field] = MASKERS[category](str(data[field]))
                if data != h.data:
                    h.data = data
                    changed = True
            purged += changed
    session.flush()
    return purged
