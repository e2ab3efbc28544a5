"""Case errors: the HTTP status each maps to, with Chinese and English titles."""

from __future__ import annotations

from xinyong.errors import XinyongError


class NotAllowed(XinyongError):
    code = "case_not_allowed"
    status = 403
    title_zh = "无权操作"
    title_en = "Not allowed"


class WrongState(XinyongError):
    code = "case_wrong_state"
    status = 409
    title_zh = "当前状态不允许此操作"
    title_en = "Not possible in the current state"


class DuplicateDebt(XinyongError):
    code = "duplicate_debt"
    status = 409
    title_zh = "重复登记的债务"
    title_en = "Debt already registered"


class AgencyNotListed(XinyongError):
    code = "agency_not_listed"
    status = 409
    title_zh = "机构未列入名录"
    title_en = "Agency not listed"


class ContractRefused(XinyongError):
    code = "contract_refused"
    status = 422
    title_zh = "委托合同未通过审查"
    title_en = "Contract refused"


# The labels a person sees for the fields case errors name (`detail["field"]`), Chinese and
# English: forms show these (`xinyong.errors.labelled`), the API keeps the identifiers.
FIELD_LABELS: dict[str, tuple[str, str]] = {
    "debtor_name": ("债务人名称", "Debtor's name"),
    "debtor_code": ("债务人统一社会信用代码", "Debtor's credit code"),
    "amount": ("债权金额", "Amount"),
    "basis": ("债权依据", "Basis of the debt"),
    "due_date": ("到期日", "Due date"),
    "agency_code": ("受托机构", "Agency"),
    "contract_number": ("委托合同编号", "Contract number"),
    "schedule_version": ("收费标准", "Fee schedule"),
    "creditor_code": ("债权人机构", "Creditor organisation"),
    "contract": ("委托合同", "Contract"),
    "files": ("图片或文件", "Images or files"),
    "text": ("进展说明", "What happened"),
    "to_state": ("转为", "Move to"),
    "note": ("说明", "Note"),
}
