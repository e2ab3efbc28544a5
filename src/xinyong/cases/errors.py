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
