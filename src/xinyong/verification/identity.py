"""Step 1 (身份核验): the code is well formed and registered, matches the name given, and the entity is active."""

from __future__ import annotations

from opencc import OpenCC
from sqlalchemy.orm import Session

from xinyong.codes import check_code
from xinyong.registry.models import Enterprise
from xinyong.registry.service import enterprise_by_code
from xinyong.search.normalise import normalise
from xinyong.sources.linking import _candidates, name_variants
from xinyong.verification.findings import Findings, evidence
from xinyong.verification.schemas import VerificationRequest

_T2S = OpenCC("t2s")


def _by_code(session: Session, code: str, found: Findings) -> Enterprise | None:
    check = check_code(code)
    if not check.valid:
        found.add(
            "identity.code_invalid",
            f"代码“{code}”格式不正确：" + "；".join(p.message_zh for p in check.errors),
            f"the code '{code}' is not well formed: "
            + "; ".join(p.message_en for p in check.errors),
        )
        return None
    ent = enterprise_by_code(session, check.kind, check.code)
    if ent is None:
        found.add(
            "identity.not_found",
            f"代码 {check.code} 格式正确，但登记信息中查无此主体：可能是伪造或尚未收录的代码",
            f"the code {check.code} is well formed but no such entity is registered: "
            f"it may be forged or not yet known here",
        )
    return ent


def _names_match(given: str, name: str) -> bool:
    """Equal once width, spacing and traditional characters are normalised."""
    return normalise(given) == normalise(name)


def _by_name(session: Session, name: str, found: Findings) -> Enterprise | None:
    variants = name_variants(name) | name_variants(_T2S.convert(name))
    # The registry keeps names as written; ask for every likely spelling, compare normalised.
    rows = _candidates(session.connection(), {}, variants)
    codes = sorted(
        {
            r.credit_code
            for r in rows
            if any(_names_match(name, n) for n in (r.name, *(r.former_names or ())))
        }
    )
    if not codes:
        found.add(
            "identity.not_found",
            f"登记信息中查无名称为“{name}”的主体（含曾用名）",
            f"no entity named '{name}' is registered (former names included)",
        )
        return None
    if len(codes) > 1:
        found.add(
            "identity.ambiguous",
            f"名称“{name}”对应多个主体（{'、'.join(codes)}），请提供统一社会信用代码",
            f"the name '{name}' matches several entities ({', '.join(codes)}); give the credit code",
        )
        return None
    return enterprise_by_code(session, "uscc", codes[0])


def check_identity(
    session: Session, request: VerificationRequest, found: Findings
) -> Enterprise | None:
    """The enterprise the request means, or None with the reason why it cannot be identified."""
    ent = (
        _by_code(session, request.code, found)
        if request.code
        else _by_name(session, request.name or "", found)
    )
    if ent is None:
        return None
    record = [evidence("enterprise", ent)]
    given = request.name
    if given and not _names_match(given, ent.name):
        former = next((n for n in ent.former_names or () if _names_match(given, n)), None)
        if former:
            found.add(
                "identity.former_name",
                f"“{given}”是该主体的曾用名，现名称为“{ent.name}”",
                f"'{given}' is a former name of this entity, now named '{ent.name}'",
                record,
            )
        else:
            found.add(
                "identity.name_mismatch",
                f"名称与代码不符：代码 {ent.credit_code} 登记的名称为“{ent.name}”，而非“{given}”",
                f"the name does not match the code: {ent.credit_code} is registered as "
                f"'{ent.name}', not '{given}'",
                record,
            )
    if ent.status not in found.rules.active_statuses:
        when = f"（{ent.status_date}）" if ent.status_date else ""
        why = f"，原因：{ent.status_reason}" if ent.status_reason else ""
        why_en = f"; reason: {ent.status_reason}" if ent.status_reason else ""
        found.add(
            "identity.inactive",
            f"登记状态为“{ent.status}”{when}{why}，不能从事经营活动",
            f"registration status is '{ent.status}'"
            + (f" since {ent.status_date}" if ent.status_date else "")
            + f"{why_en}; it may not do business",
            record,
        )
    elif not any(r.outcome == "fail" for r in found.reasons):
        how_zh = "代码有效、已登记" if request.code else f"名称“{ent.name}”已登记"
        how_en = "the code is valid and registered" if request.code else "the name is registered"
        if request.code and given:
            how_zh, how_en = how_zh + "，名称一致", how_en + ", the name matches"
        found.add(
            "identity.confirmed",
            f"{how_zh}，统一社会信用代码 {ent.credit_code}，登记状态“{ent.status}”",
            f"{how_en}; credit code {ent.credit_code}, status '{ent.status}'",
            record,
        )
    return ent
