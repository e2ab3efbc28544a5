"""Filling the entrustment agreement and the PI authorization from plain inputs."""

from __future__ import annotations

from decimal import Decimal

import cn2an

from xinyong.documents.fees import fee_example, fee_text
from xinyong.documents.model import Document
from xinyong.documents.schemas import AuthorizationInput, EntrustmentInput
from xinyong.documents.templates import fill, get_template
from xinyong.errors import InvalidInput
from xinyong.settings import get_settings


def yuan_upper(amount: Decimal) -> str:
    """人民币大写 (e.g. 壹万贰仟叁佰肆拾伍元陆角), as financial documents write amounts."""
    return cn2an.an2cn(f"{amount:.2f}", "rmb")


def _or_blank(value: str) -> str:
    return value or "＿＿＿＿＿＿"


def entrustment_agreement(data: EntrustmentInput) -> Document:
    """债务委托协议 from the creditor, the agency, the case and the agency's fee schedule."""
    s = get_settings()
    c, a, case = data.creditor, data.agency, data.case
    if not a.id_number:
        raise InvalidInput(
            "受托机构须填写统一社会信用代码（agency.id_number）",
            "the agency's unified social credit code is required (agency.id_number)",
            field="agency.id_number",
        )
    if data.dispute == "court":
        dispute = f"任何一方均可以向{data.court_place}有管辖权的人民法院提起诉讼。"
    else:
        dispute = (
            f"任何一方均可以将争议提交{data.arbitration_commission}，按照申请仲裁时该会现行有效的"
            "仲裁规则进行仲裁。仲裁裁决是终局的，对双方均有约束力。"
        )
    values = {
        "platform_name": s.site_name,
        "agreement_number": data.agreement_number,
        "creditor_name": c.name,
        "creditor_id": _or_blank(c.id_number),
        "creditor_address": _or_blank(c.address),
        "creditor_phone": _or_blank(c.phone),
        "agency_name": a.name,
        "agency_credit_code": a.id_number,
        "agency_address": _or_blank(a.address),
        "agency_representative": _or_blank(a.representative),
        "agency_phone": _or_blank(a.phone),
        "debtor_name": case.debtor_name,
        "debt_basis": case.basis,
        "principal_yuan": f"{case.principal_yuan:,.2f}",
        "principal_upper": yuan_upper(case.principal_yuan),
        "due_date": f"{case.due_date.year}年{case.due_date.month}月{case.due_date.day}日",
        "term_months": data.term_months,
        "report_interval_days": data.report_interval_days,
        "fee_text": fee_text(data.fee),
        "fee_example": fee_example(data.fee, case.principal_yuan),
        "fee_schedule_ref": data.fee.schedule_ref,
        "agency_complaint_channel": data.agency_complaint_channel,
        "retention_days": data.retention_days,
        "dispute_text": dispute,
    }
    return fill(get_template("entrustment_agreement", data.version), values)


def pi_authorization(data: AuthorizationInput) -> Document:
    """个人信息处理授权书 following the PIPL's notice and consent rules."""
    s = get_settings()
    p = data.processor
    unknown = [x for x in data.sensitive if x not in data.categories]
    if unknown:
        raise InvalidInput(
            f"敏感个人信息“{'、'.join(unknown)}”不在个人信息种类（categories）中",
            f"sensitive items {unknown} are not among the categories",
            field="sensitive",
        )
    channel = data.rights_channel or f"{data.processor_contact}或者{s.site_name}"
    values = {
        "platform_name": s.site_name,
        "authorization_number": data.authorization_number,
        "subject_name": data.subject.name,
        "subject_id": _or_blank(data.subject.id_number),
        "processor_name": p.name,
        "processor_credit_code": _or_blank(p.id_number),
        "processor_address": _or_blank(p.address),
        "processor_contact": data.processor_contact,
        "purpose": data.purpose,
        "categories_text": "、".join(data.categories),
        "sensitive_text": "、".join(data.sensitive) if data.sensitive else "无",
        "sensitive_impact": data.sensitive_impact if data.sensitive else "不适用",
        "retention_text": data.retention_text,
        "recipients": [r.model_dump() for r in data.recipients],
        "rights_channel": channel,
        "response_days": data.response_days,
        "withdrawal_channel": data.withdrawal_channel or channel,
        "valid_until_text": data.valid_until_text,
    }
    return fill(get_template("pi_authorization", data.version), values)
