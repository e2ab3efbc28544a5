"""Record layouts of the judicial and penalty sources: zxgk 被执行人 / 失信被执行人, 双公示 行政处罚."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

from xinyong.codes import (
    check_organisation_code,
    is_personal_id,
    is_valid_uscc,
    mask_id_number,
    orgcode,
)
from xinyong.codes.problems import normalise
from xinyong.sources import fields as f
from xinyong.sources.fields import Field, FieldError
from xinyong.sources.layouts import Layout

PERSON = "person"
ORGANISATION = "organisation"

CASE_STATUSES = (
    "执行中",
    "已结案",
    "终结本次执行",
    "终结执行",
    "执行完毕",
    "销案",
    "不予执行",
    "驳回申请",
)
CASE_STATUS_ALIASES = {
    "未结案": "执行中",
    "在执行": "执行中",
    "结案": "已结案",
    "终结本次执行程序": "终结本次执行",
    "终本": "终结本次执行",
}
PARTY_TYPES = ("自然人", "法人或其他组织")
PARTY_TYPE_ALIASES = {
    "个人": "自然人",
    "法人或者其他组织": "法人或其他组织",
    "法人": "法人或其他组织",
    "其他组织": "法人或其他组织",
    "非自然人": "法人或其他组织",
    "企业": "法人或其他组织",
}
PERFORMANCE = ("全部未履行", "部分未履行", "全部已履行")
PERFORMANCE_ALIASES = {
    "未履行": "全部未履行",
    "部分履行": "部分未履行",
    "全部履行": "全部已履行",
    "已全部履行": "全部已履行",
}
# 双公示 行政相对人类别 (the 2021 national data items).
PENALTY_PARTY_CATEGORIES = ("法人及非法人组织", "个体工商户", "自然人")
PENALTY_PARTY_ALIASES = {
    "法人及其他组织": "法人及非法人组织",
    "法人和非法人组织": "法人及非法人组织",
    "法人": "法人及非法人组织",
    "非法人组织": "法人及非法人组织",
    "其他组织": "法人及非法人组织",
    "个体户": "个体工商户",
    "个人": "自然人",
}
PERSON_TYPES = frozenset({"自然人"})

# --- parsers the registry layouts do not need -----------------------------------------


def yuan_to_fen(raw: str) -> int:
    """Amounts published in yuan (执行标的), stored exactly as integer fen."""
    amount = f.decimal(raw.strip().removesuffix("元"))
    if amount < 0:
        raise FieldError(f"金额“{raw}”不能为负数", f"amount '{raw}' cannot be negative")
    fen = amount * 100
    if fen != fen.to_integral_value():
        raise FieldError(
            f"金额“{raw}”元精度超过一分", f"amount '{raw}' (yuan) is more precise than one fen"
        )
    return int(fen)


def fen_to_yuan(fen: int) -> str:
    return format((Decimal(fen) / 100).normalize(), "f")


# The change feed writes 执行标的 back in yuan, as zxgk publishes it.
f.register_formatter(yuan_to_fen, fen_to_yuan)


_INDEFINITE = frozenset({"长期", "永久", "长期有效", "无期限"})


def day_or_indefinite(raw: str) -> date | None:
    """A date, or 长期 (no end) which is stored as no date."""
    if raw.strip() in _INDEFINITE:
        return None
    return f.day(raw)


_PERSONAL_SHAPE = re.compile(r"[\dX*]{15}|[\dX*]{18}")


def _masked(value: str) -> str:
    """One masked form for an ID number however the source masked it (3207**********1234).

    The court site masks the birth date (3203211985****3016); re-masking to the first and
    last four makes every copy of the same number compare equal, and never shows more.
    """
    if _PERSONAL_SHAPE.fullmatch(value):
        head = value[:4]
        tail = value[-4:]
        return head + "*" * (len(value) - 8) + tail
    return mask_id_number(value)


def personal_id(raw: str) -> str:
    """A natural person's document number: kept only masked, whatever was sent."""
    return _masked(normalise(raw))


def party_id(raw: str) -> str:
    """zxgk 身份证号码/组织机构代码: a person's ID (masked) or an organisation's code.

    Personal data wins every tie: an 18-digit value that is a valid resident ID is a person
    even if it also happens to pass the credit-code check.
    """
    value = normalise(raw)
    if "*" in value or re.fullmatch(r"\d{15}", value):
        # 15 digits is the pre-1999 ID format; zxgk never lists registration numbers here.
        return _masked(value)
    if re.fullmatch(r"\d{17}[\dX]", value):
        if not is_valid_uscc(value) or is_personal_id(value):
            return _masked(value)
        return value
    if len(value) == 18:
        return f.credit_code(value)
    if len(value) == 9:
        return value if orgcode.is_valid(value) else organisation_code(value)
    # Passport, Hong Kong / Macao / Taiwan permit…: personal documents, so masked.
    return mask_id_number(value)


def organisation_code(raw: str) -> str:
    result = check_organisation_code(raw)
    if not result.valid:
        problem = result.errors[0]
        raise FieldError(problem.message_zh, problem.message_en)
    return result.code


def code_text(raw: str) -> str:
    """A secondary code (registration, tax, institution number…) compared as written, normalised."""
    return normalise(raw)


def is_masked(value: str | None) -> bool:
    return bool(value) and "*" in value


_ORGANISATION_ENDINGS = (
    "公司", "厂", "店", "中心", "合作社", "事务所", "经营部", "门市部", "商行", "工作室",
    "协会", "委员会", "银行", "学校", "医院", "集团", "研究所", "研究院", "超市", "农场",
    "社", "馆", "部", "所", "院", "站", "局",
)  # fmt: skip


def looks_like_organisation(name: str) -> bool:
    """Used only when a record says neither its party type nor an ID: a guess that errs
    towards "person", because a person shown as an organisation would go unmasked."""
    text = name.strip()
    return len(text) >= 4 and text.endswith(_ORGANISATION_ENDINGS)


# --- layouts ---------------------------------------------------------------------------


def _as_of() -> Field:
    return Field(
        "更新日期",
        "as_of",
        f.day,
        aliases=("数据更新日期",),
        description="上游数据截至日期 / as-of date",
    )


ENFORCEMENT_DEBTORS = Layout(
    name="enforcement.debtors",
    title_zh="被执行人信息",
    title_en="Judgment debtors (被执行人)",
    key=("case_number", "party_name"),
    fields=(
        Field("案号", "case_number", f.text, required=True, aliases=("执行案号",)),
        Field(
            "被执行人姓名/名称",
            "party_name",
            f.text,
            required=True,
            aliases=("被执行人姓名", "被执行人名称", "被执行人"),
        ),
        Field(
            "身份证号码/组织机构代码",
            "party_id",
            party_id,
            personal=True,
            aliases=("身份证号码", "组织机构代码", "证件号码"),
        ),
        Field("性别", "gender", f.text, description="读取但不保存 / read, not stored"),
        Field("年龄", "age", f.text, description="读取但不保存 / read, not stored"),
        Field("执行法院", "court", f.text, required=True),
        Field("立案时间", "filed_on", f.day, required=True, aliases=("立案日期",)),
        Field("执行标的（元）", "amount_fen", yuan_to_fen, aliases=("执行标的", "执行标的(元)")),
        Field(
            "案件状态",
            "case_status",
            f.one_of(*CASE_STATUSES, aliases=CASE_STATUS_ALIASES),
            aliases=("执行状态",),
        ),
        Field("结案日期", "case_closed_on", f.day, aliases=("结案时间",)),
        _as_of(),
    ),
)

ENFORCEMENT_DISHONEST = Layout(
    name="enforcement.dishonest",
    title_zh="失信被执行人信息",
    title_en="Dishonest judgment debtors (失信被执行人)",
    key=("case_number", "party_name"),
    fields=(
        Field(
            "被执行人姓名/名称",
            "party_name",
            f.text,
            required=True,
            aliases=("失信被执行人姓名/名称", "被执行人姓名", "被执行人名称", "失信被执行人名称"),
        ),
        Field(
            "主体类型",
            "party_type",
            f.one_of(*PARTY_TYPES, aliases=PARTY_TYPE_ALIASES),
            aliases=("失信人类型", "被执行人类型"),
        ),
        Field(
            "身份证号码/组织机构代码",
            "party_id",
            party_id,
            personal=True,
            aliases=("身份证号码", "组织机构代码", "证件号码"),
        ),
        Field("性别", "gender", f.text, description="读取但不保存 / read, not stored"),
        Field("年龄", "age", f.text, description="读取但不保存 / read, not stored"),
        Field(
            "法定代表人或者负责人姓名",
            "legal_rep",
            f.text,
            aliases=("法定代表人或负责人姓名", "法定代表人/负责人姓名", "法定代表人"),
        ),
        Field("省份", "province", f.text, aliases=("省份地区",)),
        Field("执行法院", "court", f.text, required=True),
        Field("案号", "case_number", f.text, required=True),
        Field("立案时间", "filed_on", f.day, aliases=("立案日期",)),
        Field("发布时间", "published_on", f.day, required=True, aliases=("发布日期",)),
        Field("执行依据文号", "basis_number", f.text),
        Field("做出执行依据单位", "basis_issuer", f.text, aliases=("作出执行依据单位",)),
        Field("生效法律文书确定的义务", "obligation", f.text),
        Field(
            "被执行人的履行情况",
            "performance",
            f.one_of(*PERFORMANCE, aliases=PERFORMANCE_ALIASES),
            aliases=("履行情况",),
        ),
        Field("已履行部分", "performed_part", f.text),
        Field("未履行部分", "unperformed_part", f.text),
        Field("失信被执行人行为具体情形", "conduct", f.text, aliases=("失信行为具体情形",)),
        _as_of(),
    ),
)


def _cf(
    header: str, key: str, code: str, parse=f.text, *, required: bool = False, more=()
) -> Field:
    """A 双公示 data item: its national name, and its field code in lower and upper case."""
    return Field(
        header,
        key,
        parse,
        required=required,
        aliases=(code, code.upper(), *more),
        description=code,
        personal=parse is personal_id,
    )


PENALTY_DECISIONS = Layout(
    name="penalties.decisions",
    title_zh="行政处罚信息",
    title_en="Administrative penalties (双公示 行政处罚)",
    key=("decision_number", "party_name"),
    fields=(
        _cf("行政相对人名称", "party_name", "cf_xdr_mc", required=True),
        _cf(
            "行政相对人类别",
            "party_category",
            "cf_xdr_lb",
            f.one_of(*PENALTY_PARTY_CATEGORIES, aliases=PENALTY_PARTY_ALIASES),
            required=True,
        ),
        _cf(
            "统一社会信用代码",
            "party_credit_code",
            "cf_xdr_shxym",
            f.credit_code,
            more=("行政相对人代码_1(统一社会信用代码)", "行政相对人代码_1（统一社会信用代码）"),
        ),
        _cf(
            "工商注册号",
            "party_reg_no",
            "cf_xdr_gsdj",
            code_text,
            more=("cf_xdr_gszc", "CF_XDR_GSZC", "行政相对人代码_2(工商注册号)"),
        ),
        _cf(
            "组织机构代码",
            "party_org_code",
            "cf_xdr_zzjg",
            code_text,
            more=("行政相对人代码_3(组织机构代码)",),
        ),
        _cf(
            "税务登记号",
            "party_tax_no",
            "cf_xdr_swdj",
            code_text,
            more=("行政相对人代码_4(税务登记号)",),
        ),
        _cf(
            "事业单位证书号",
            "party_institution_no",
            "cf_xdr_sydw",
            code_text,
            more=("行政相对人代码_5(事业单位证书号)",),
        ),
        _cf(
            "社会组织登记证号",
            "party_social_org_no",
            "cf_xdr_shzz",
            code_text,
            more=("行政相对人代码_6(社会组织登记证号)",),
        ),
        _cf("法定代表人", "legal_rep", "cf_frdb"),
        _cf("法定代表人证件类型", "legal_rep_id_type", "cf_fr_zjlx"),
        _cf("法定代表人证件号码", "legal_rep_id_number", "cf_fr_zjhm", personal_id),
        _cf("证件类型", "party_id_type", "cf_xdr_zjlx"),
        _cf("证件号码", "party_id_number", "cf_xdr_zjhm", personal_id),
        _cf("行政处罚决定书文号", "decision_number", "cf_wsh", required=True, more=("决定书文号",)),
        _cf("违法行为类型", "violation_type", "cf_wfxw"),
        _cf("违法事实", "facts", "cf_sy"),
        _cf("处罚依据", "legal_basis", "cf_yj"),
        _cf("处罚类别", "penalty_types", "cf_cflb", required=True),
        _cf("处罚内容", "content", "cf_nr"),
        _cf(
            "罚款金额（万元）", "fine_fen", "cf_nr_fk", f.wan_yuan_to_fen, more=("罚款金额(万元)",)
        ),
        _cf(
            "没收违法所得、没收非法财物的金额（万元）",
            "confiscated_fen",
            "cf_nr_wfff",
            f.wan_yuan_to_fen,
            more=("没收违法所得、没收非法财物的金额(万元)",),
        ),
        _cf("暂扣或吊销证照名称及编号", "licence_action", "cf_nr_zkdx"),
        _cf("处罚决定日期", "decided_on", "cf_jdrq", f.day, required=True),
        _cf("处罚有效期", "valid_until", "cf_yxq", day_or_indefinite),
        _cf("公示截止期", "publish_until", "cf_gsjzq", day_or_indefinite),
        _cf("处罚机关", "authority", "cf_cfjg", required=True),
        _cf("处罚机关统一社会信用代码", "authority_credit_code", "cf_cfjgdm", f.credit_code),
        _cf("数据来源单位", "data_source_unit", "cf_sjly"),
        _cf("数据来源单位统一社会信用代码", "data_source_credit_code", "cf_sjlydm", f.credit_code),
        _cf("备注", "remarks", "bz"),
        _as_of(),
    ),
)

JUDICIAL_LAYOUTS = (ENFORCEMENT_DEBTORS, ENFORCEMENT_DISHONEST, PENALTY_DECISIONS)
