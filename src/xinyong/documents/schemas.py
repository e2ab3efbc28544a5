"""Inputs and outputs of the documents domain (Pydantic): parties, cases, forms, reviews."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from xinyong.documents.fees import FeeDescription


class Party(BaseModel):
    name: str = Field(min_length=1, max_length=200)
    id_number: str = Field("", description="身份证件号码或统一社会信用代码 / ID or credit code")
    address: str = ""
    phone: str = ""
    representative: str = Field("", description="法定代表人或负责人 / legal representative")


class DebtCase(BaseModel):
    debtor_name: str = Field(min_length=1, max_length=200)
    basis: str = Field(
        "借款合同", description="债权依据，如《借款合同》、货款 / what the debt arises from"
    )
    principal_yuan: Decimal = Field(gt=0, decimal_places=2)
    due_date: date


class EntrustmentInput(BaseModel):
    """What the debt-entrustment agreement (债务委托协议) is filled from."""

    creditor: Party
    agency: Party
    case: DebtCase
    fee: FeeDescription
    agency_complaint_channel: str = Field(
        "乙方客服电话及书面函件", description="乙方受理投诉的渠道 / how to complain to the agency"
    )
    term_months: int = Field(6, ge=1, le=60)
    report_interval_days: int = Field(7, ge=1, le=30)
    retention_days: int = Field(30, ge=0, le=365)
    dispute: Literal["court", "arbitration"] = "court"
    court_place: str = Field("甲方住所地", description="起诉法院所在地 / where to sue")
    arbitration_commission: str = "连云港仲裁委员会"
    agreement_number: str = "＿＿＿＿＿＿"
    version: str | None = Field(None, description="模板版本，默认最新 / template version")


class Recipient(BaseModel):
    name: str
    contact: str = ""
    purpose: str
    method: str = "存储、使用"
    categories: str


class AuthorizationInput(BaseModel):
    """What the personal-information processing authorization (个人信息处理授权书) needs."""

    subject: Party
    processor: Party
    processor_contact: str = Field(description="个人信息保护联系方式 / privacy contact")
    purpose: str = "委托处理债权催收及相关法律服务"
    categories: list[str] = Field(
        default_factory=lambda: ["姓名", "联系电话", "通讯地址", "身份证件号码", "债权凭证"],
        min_length=1,
    )
    sensitive: list[str] = Field(default_factory=lambda: ["身份证件号码"])
    sensitive_impact: str = (
        "该信息一旦泄露或者被非法使用，可能导致授权人的人格尊严受到侵害或者人身、财产安全受到危害，"
        "被授权人已采取加密存储、最小授权访问等措施"
    )
    retention_text: str = "自本授权生效之日起至委托事项办结后三十日"
    recipients: list[Recipient] = Field(default_factory=list)
    rights_channel: str = ""
    response_days: int = Field(15, ge=1, le=30)
    withdrawal_channel: str = ""
    valid_until_text: str = "委托事项办结之日"
    authorization_number: str = "＿＿＿＿＿＿"
    version: str | None = None


class TemplateInfo(BaseModel):
    id: str
    version: str
    versions: list[str]
    published_on: date
    title: str
    title_en: str
    clauses: list[str]
