"""Upstream record layouts (official field names) that connectors read and demo data writes."""

from __future__ import annotations

from dataclasses import dataclass

from xinyong.sources import fields as f
from xinyong.sources.fields import Field

ENTERPRISE_STATUSES = ("存续", "在业", "吊销", "注销", "迁出")
STATUS_ALIASES = {
    "存续（在营、开业、在册）": "存续",
    "在营（开业）企业": "在业",
    "开业": "在业",
    "在营": "在业",
    "吊销，未注销": "吊销",
    "吊销未注销": "吊销",
    "吊销，已注销": "注销",
    "已注销": "注销",
    "已迁出": "迁出",
}
SHAREHOLDER_KINDS = ("自然人股东", "企业法人", "非法人组织", "事业法人", "社团法人", "其他")
LICENCE_KINDS = ("行政许可", "行业备案")
LICENCE_STATUSES = ("有效", "过期", "注销", "撤销", "吊销")
# The statuses above in English, for the English view (the records keep the official words).
STATUS_EN = {
    "存续": "active",
    "在业": "in business",
    "吊销": "revoked",
    "注销": "cancelled",
    "迁出": "moved out",
    "有效": "valid",
    "过期": "expired",
    "撤销": "withdrawn",
}


@dataclass(frozen=True)
class Layout:
    """A file or API record layout: which fields, which identify a record, what it feeds."""

    name: str
    title_zh: str
    title_en: str
    fields: tuple[Field, ...]
    # Columns whose values together form the upstream record id (source_record_id).
    key: tuple[str, ...]

    def field(self, key: str) -> Field:
        return next(fl for fl in self.fields if fl.key == key)

    @property
    def headers(self) -> list[str]:
        return [fl.header for fl in self.fields]


def _as_of() -> Field:
    return Field("更新日期", "as_of", f.day, description="上游数据截至日期 / upstream as-of date")


REGISTRY_ENTERPRISES = Layout(
    name="registry.enterprises",
    title_zh="企业登记基本信息",
    title_en="Enterprise registration",
    key=("credit_code",),
    fields=(
        Field(
            "统一社会信用代码", "credit_code", f.credit_code, required=True, aliases=("信用代码",)
        ),
        Field("注册号", "reg_no", f.registration_number),
        Field("企业名称", "name", f.text, required=True, aliases=("名称", "主体名称")),
        Field("曾用名", "former_names", f.text_list),
        Field("法定代表人", "legal_rep", f.text, aliases=("负责人", "经营者", "执行事务合伙人")),
        Field("企业类型", "entity_type", f.text, aliases=("类型", "主体类型")),
        Field(
            "注册资本（万元）", "registered_capital_fen", f.wan_yuan_to_fen, aliases=("注册资本",)
        ),
        Field("注册资本币种", "capital_currency", f.text, aliases=("币种",)),
        Field("成立日期", "established_on", f.day, aliases=("注册日期",)),
        Field("营业期限自", "term_from", f.day),
        Field("营业期限至", "term_to", f.day),
        Field("登记机关", "registration_authority", f.text),
        Field("核准日期", "approved_on", f.day),
        Field(
            "登记状态",
            "status",
            f.one_of(*ENTERPRISE_STATUSES, aliases=STATUS_ALIASES),
            required=True,
            aliases=("经营状态",),
        ),
        Field("状态日期", "status_date", f.day, aliases=("吊销日期", "注销日期")),
        Field("状态原因", "status_reason", f.text, aliases=("吊销原因", "注销原因")),
        Field("住所", "address", f.text, aliases=("地址", "经营场所")),
        Field("行政区划代码", "division_code", f.division_code),
        Field("经营范围", "business_scope", f.text),
        Field("所属行业", "industry", f.text, aliases=("行业",)),
        _as_of(),
    ),
)

REGISTRY_SHAREHOLDERS = Layout(
    name="registry.shareholders",
    title_zh="股东及出资信息",
    title_en="Shareholders and contributions",
    key=("record_id",),
    fields=(
        Field("记录编号", "record_id", f.text, required=True),
        Field("统一社会信用代码", "credit_code", f.credit_code, required=True),
        Field("股东名称", "name", f.text, required=True, aliases=("股东", "发起人")),
        Field("股东类型", "kind", f.one_of(*SHAREHOLDER_KINDS)),
        Field("证照类型", "id_type", f.text),
        Field("证照号码", "id_number", f.text, personal=True),
        Field("认缴出资额（万元）", "subscribed_fen", f.wan_yuan_to_fen),
        Field("出资比例", "share_percent", f.percent),
        Field("认缴出资日期", "subscribed_on", f.day),
        _as_of(),
    ),
)

REGISTRY_LICENCES = Layout(
    name="registry.licences",
    title_zh="行政许可及行业备案信息",
    title_en="Licences and filings",
    key=("record_id",),
    fields=(
        Field("记录编号", "record_id", f.text, required=True),
        Field("统一社会信用代码", "credit_code", f.credit_code, required=True),
        Field("类别", "kind", f.one_of(*LICENCE_KINDS), required=True),
        Field("许可文件名称", "title", f.text, required=True, aliases=("备案名称",)),
        Field("许可文件编号", "number", f.text, aliases=("备案编号", "许可证号")),
        Field("许可机关", "issuer", f.text, aliases=("备案机关",)),
        Field("有效期自", "valid_from", f.day),
        Field("有效期至", "valid_to", f.day),
        Field("许可内容", "content", f.text),
        Field("状态", "status", f.one_of(*LICENCE_STATUSES), required=True),
        _as_of(),
    ),
)

REGISTRY_ABNORMAL = Layout(
    name="registry.abnormal",
    title_zh="经营异常名录信息",
    title_en="Abnormal-operation list",
    key=("record_id",),
    fields=(
        Field("记录编号", "record_id", f.text, required=True),
        Field("统一社会信用代码", "credit_code", f.credit_code, required=True),
        Field("列入经营异常名录原因", "reason", f.text, required=True, aliases=("列入原因",)),
        Field("列入日期", "listed_on", f.day, required=True),
        Field("作出决定机关（列入）", "listed_by", f.text, aliases=("列入机关",)),
        Field("移出经营异常名录原因", "removal_reason", f.text, aliases=("移出原因",)),
        Field("移出日期", "removed_on", f.day),
        Field("作出决定机关（移出）", "removed_by", f.text, aliases=("移出机关",)),
        _as_of(),
    ),
)

REGISTRY_LAYOUTS = (
    REGISTRY_ENTERPRISES,
    REGISTRY_SHAREHOLDERS,
    REGISTRY_LICENCES,
    REGISTRY_ABNORMAL,
)
# The file names a registry drop uses, one per layout.
REGISTRY_FILES = {
    "enterprises.csv": REGISTRY_ENTERPRISES,
    "shareholders.csv": REGISTRY_SHAREHOLDERS,
    "licences.csv": REGISTRY_LICENCES,
    "abnormal.csv": REGISTRY_ABNORMAL,
}
