"""The agency connector: directory and fee-schedule drop files, their layouts and targets."""

from __future__ import annotations

import json
from typing import Any

from pydantic import ValidationError

from xinyong.agencies.models import Agency, FeeScheduleVersion
from xinyong.agencies.schedule import FeeSchedule
from xinyong.agencies.validation import well_formed_problems
from xinyong.sources import fields as f
from xinyong.sources.fields import Field, FieldError, register_formatter
from xinyong.sources.ingest import Target
from xinyong.sources.layouts import Layout

# Agency kinds (机构类别): code → label. Files may carry the Chinese label or the code.
KINDS = {
    "law_firm": ("律师事务所", "law firm"),
    "legal_service": ("基层法律服务所", "grassroots legal service office"),
    "mediation": ("调解组织", "mediation organisation"),
    "auction": ("司法拍卖辅助机构", "judicial auction company"),
    "account_management": ("商账管理机构", "commercial account management"),
    "consulting": ("咨询公司", "consulting firm"),
    "other": ("其他", "other"),
}
# Services (服务项目): code → label.
SERVICES = {
    "litigation": ("诉讼代理", "litigation"),
    "non_litigation": ("非诉讼清收", "out-of-court recovery"),
    "payment_order": ("支付令申请", "payment-order application"),
    "mediation": ("纠纷调解", "mediation"),
    "enforcement": ("执行代理", "enforcement"),
    "auction": ("司法拍卖辅助", "judicial auction support"),
    "account_management": ("商账管理", "account management"),
    "credit_investigation": ("资信调查", "credit investigation"),
    "consulting": ("法律咨询", "legal advice"),
}


def _labels(table: dict[str, tuple[str, str]]) -> dict[str, str]:
    return {zh: code for code, (zh, _) in table.items()}


kind = f.one_of(*KINDS, aliases=_labels(KINDS))


def services(raw: str) -> list[str]:
    known = _labels(SERVICES)
    out = []
    for item in f.text_list(raw):
        code = item if item in SERVICES else known.get(item)
        if code is None:
            raise FieldError(
                f"服务项目“{item}”无效，应为：{'、'.join(known)}",
                f"service '{item}' is not known, expected one of: {', '.join(SERVICES)}",
            )
        out.append(code)
    return out


def divisions(raw: str) -> list[str]:
    return [f.division_code(item) for item in f.text_list(raw)]


def version(raw: str) -> int:
    value = raw.strip()
    if not value.isdigit() or int(value) < 1:
        raise FieldError(f"版本号“{raw}”应为正整数", f"version '{raw}' must be a positive integer")
    return int(value)


def schedule_document(raw: str) -> dict[str, Any]:
    """A fee schedule in JSON: parsed, checked for gaps, overlaps and rates, stored canonical."""
    try:
        schedule = FeeSchedule.model_validate(json.loads(raw))
    except json.JSONDecodeError as exc:
        raise FieldError(
            f"收费标准不是有效的 JSON（第 {exc.pos + 1} 个字符）：{exc.msg}",
            f"the fee schedule is not valid JSON (character {exc.pos + 1}): {exc.msg}",
        ) from None
    except ValidationError as exc:
        where = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise FieldError(
            f"收费标准格式有误：{where}", f"the fee schedule is malformed: {where}"
        ) from None
    problems = well_formed_problems(schedule)
    if problems:
        raise FieldError(
            "收费标准未通过校验：" + "；".join(p.message_zh for p in problems),
            "the fee schedule was rejected: " + "; ".join(p.message_en for p in problems),
        )
    return canonical(schedule)


def canonical(schedule: FeeSchedule) -> dict[str, Any]:
    return schedule.model_dump(mode="json", by_alias=True, exclude_none=True)


register_formatter(schedule_document, lambda doc: json.dumps(doc, ensure_ascii=False))
register_formatter(services, "；".join)
register_formatter(divisions, "；".join)


def _as_of() -> Field:
    return Field("更新日期", "as_of", f.day, description="上游数据截至日期 / upstream as-of date")


AGENCY_PROFILES = Layout(
    name="agencies.profiles",
    title_zh="服务机构名录",
    title_en="Agency directory",
    key=("credit_code",),
    fields=(
        Field("统一社会信用代码", "credit_code", f.credit_code, required=True),
        Field("机构名称", "name", f.text, required=True),
        Field("机构类别", "kind", kind, required=True),
        Field("服务项目", "services", services),
        Field("服务区域", "regions", divisions, description="行政区划代码 / division codes"),
        Field("联系电话", "phone", f.text),
        Field("联系地址", "address", f.text),
        Field("网址", "website", f.text),
        Field("机构简介", "description", f.text),
        _as_of(),
    ),
)

FEE_SCHEDULES = Layout(
    name="agencies.fee_schedules",
    title_zh="收费标准",
    title_en="Fee schedules",
    key=("credit_code", "version"),
    fields=(
        Field("统一社会信用代码", "credit_code", f.credit_code, required=True),
        Field("版本", "version", version, required=True),
        Field("生效日期", "effective_from", f.day, required=True),
        Field("失效日期", "effective_to", f.day),
        Field("名称", "title", f.text),
        Field("收费标准", "schedule", schedule_document, required=True),
        _as_of(),
    ),
)

AGENCY_LAYOUTS = (AGENCY_PROFILES, FEE_SCHEDULES)
AGENCY_FILE_STEMS = {"agencies": AGENCY_PROFILES.name, "fee_schedules": FEE_SCHEDULES.name}


def _agency_columns(values: dict[str, Any]) -> dict[str, Any]:
    return dict(values, services=values.get("services") or [], regions=values.get("regions") or [])


AGENCY_TARGETS = {
    AGENCY_PROFILES.name: Target(
        AGENCY_PROFILES, Agency.__table__, _agency_columns, unique_by=None
    ),
    FEE_SCHEDULES.name: Target(FEE_SCHEDULES, FeeScheduleVersion.__table__),
}
