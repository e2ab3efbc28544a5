"""What objections and repairs share: required materials by case type, deadlines in working days."""

from __future__ import annotations

import secrets
from datetime import date, datetime

from xinyong.errors import InvalidInput, NotFound
from xinyong.lists.clock import add_working_days, local_date
from xinyong.lists.config import Policy
from xinyong.lists.schemas import Material


class MaterialsMissing(InvalidInput):
    code = "materials_missing"
    title_zh = "申请材料不全"
    title_en = "Required materials missing"


def check_materials(
    policy: Policy, required: list[str], given: list[Material], case_zh: str, case_en: str
) -> None:
    """Every required kind present, no unknown kind; the error lists what is missing, by name."""
    for i, m in enumerate(given):
        if m.kind not in policy.materials:
            raise InvalidInput(
                f"materials[{i}].kind：未知的材料类型“{m.kind}”，可用：{'、'.join(policy.materials)}",
                f"materials[{i}].kind: unknown material kind '{m.kind}'; known: {', '.join(policy.materials)}",
                field=f"materials[{i}].kind",
            )
    have = {m.kind for m in given}
    missing = [k for k in required if k not in have]
    if missing:
        labels = policy.materials
        raise MaterialsMissing(
            f"{case_zh}须提交：{'、'.join(labels[k].label_zh for k in required)}；缺少：{'、'.join(labels[k].label_zh for k in missing)}",
            f"{case_en} requires: {', '.join(labels[k].label_en for k in required)}; missing: {', '.join(labels[k].label_en for k in missing)}",
            field="materials",
            missing=missing,
        )


def due_on(policy: Policy, submitted: datetime, working_days: int) -> date:
    return add_working_days(local_date(submitted), working_days, policy.calendar)


def is_overdue(state: str, due: date, now: datetime | None) -> bool:
    return state == "submitted" and local_date(now) > due


def new_query_code() -> str:
    return secrets.token_urlsafe(12)


def unknown_case(case_id: int, what_zh: str, what_en: str) -> NotFound:
    """The applicant's answer for a case it may not read: the same words whether the number
    does not exist or the code is wrong, so numbers cannot be probed."""
    return NotFound(
        f"{what_zh} {case_id} 不存在或查询码不符",
        f"{what_en} {case_id} does not exist or the query code is wrong",
    )


def check_query_code(case, given: str | None, what_zh: str, what_en: str) -> None:
    """A wrong or missing code looks exactly like a case that does not exist."""
    if given is None or not secrets.compare_digest(given.encode(), case.query_code.encode()):
        raise unknown_case(case.id, what_zh, what_en)
