"""Payment order (支付令) wizard: statutory conditions, the competent court, fee, timeline."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any, Literal

import yaml
from pydantic import BaseModel, Field

from xinyong.codes.divisions import lookup_division
from xinyong.documents.forms import yuan_upper
from xinyong.documents.model import Block, Document
from xinyong.documents.schemas import Party

_CENT = Decimal("0.01")


@lru_cache
def config() -> dict[str, Any]:
    path = resources.files("xinyong.documents").joinpath("data/config/payment_order.yaml")
    return yaml.safe_load(path.read_text("utf-8"))


class PaymentOrderInput(BaseModel):
    """The creditor's answers to the wizard. Booleans are the statutory questions."""

    creditor: Party
    debtor: Party
    debtor_division_code: str = Field(
        "", description="债务人住所地县级行政区划代码，如 320706 / debtor's county division"
    )
    claim_kind: Literal["money", "securities", "other"] = "money"
    amount_yuan: Decimal = Field(gt=0, decimal_places=2)
    due_date: date
    amount_fixed: bool = True
    creditor_owes_counter_performance: bool = False
    other_disputes_between_parties: bool = False
    debtor_in_china: bool = True
    debtor_reachable: bool = Field(
        True, description="能够向债务人送达（住址明确、未下落不明）/ can be served"
    )
    pre_action_preservation_applied: bool = False
    interest_yuan: Decimal = Field(Decimal("0"), ge=0)
    interest_agreed: bool = Field(
        True, description="债权凭证约定了逾期利息或违约金 / the document agrees interest"
    )
    facts: str = Field("", description="事实与理由 / facts and grounds")
    evidence: list[str] = Field(default_factory=list)


class Problem(BaseModel):
    condition: str
    message_zh: str
    message_en: str
    instead_zh: str
    basis: str


class Court(BaseModel):
    name: str
    confirmed: bool
    note_zh: str


class Timeline(BaseModel):
    acceptance_by: date
    order_by: date
    debtor_days: int
    note_zh: str


class PaymentOrderAssessment(BaseModel):
    eligible: bool
    problems: list[Problem]
    claim_yuan: Decimal
    ordinary_fee_yuan: Decimal
    fee_yuan: Decimal
    fee_explanation_zh: str
    court: Court
    timeline: Timeline
    summary_zh: str


def property_case_fee(amount: Decimal) -> Decimal:
    """诉讼费用交纳办法 Art. 13(1): the ordinary property-case fee, cumulative by band."""
    total, low = Decimal(0), Decimal(0)
    for band in config()["property_case_fee"]:
        high = None if band["up_to_yuan"] is None else Decimal(band["up_to_yuan"])
        if "fixed_yuan" in band:
            total += Decimal(band["fixed_yuan"])
        else:
            top = amount if high is None else min(amount, high)
            if top > low:
                total += (top - low) * Decimal(band["rate"])
        if high is None or amount <= high:
            break
        low = high
    return total.quantize(_CENT, rounding=ROUND_HALF_UP)


def payment_order_fee(amount: Decimal) -> Decimal:
    share = Fraction(config()["payment_order_fee_share"])
    fee = property_case_fee(amount) * share.numerator / share.denominator
    return fee.quantize(_CENT, rounding=ROUND_HALF_UP)


def competent_court(division_code: str) -> Court:
    """The basic people's court of the debtor's domicile (SPC interpretation Art. 23)."""
    cfg = config()
    code = division_code.strip()
    if code in cfg["courts"]:
        court = cfg["courts"][code]
        return Court(
            name=court["name"],
            confirmed=True,
            note_zh=court.get("note_zh", "债务人住所地基层人民法院。"),
        )
    if code in cfg["unconfirmed_zones"]:
        zone = cfg["unconfirmed_zones"][code]
        return Court(
            name=f"{zone}案件的集中管辖法院（待确认）",
            confirmed=False,
            note_zh=f"{zone}为功能区，其案件由指定的基层人民法院管辖；本平台尚未核实具体法院，"
            "请在申请前向连云港市中级人民法院诉讼服务中心或拨打12368诉讼服务热线确认。",
        )
    if len(code) == 6 and code.isdigit():
        d = lookup_division(code)
        if d.known and d.county:
            return Court(
                name=f"{d.full_name}人民法院（基层人民法院）",
                confirmed=False,
                note_zh=f"债务人住所地在{d.full_name}，应向该区、县的基层人民法院申请；"
                "法院全称请以人民法院公告为准。",
            )
    return Court(
        name="债务人住所地的基层人民法院",
        confirmed=False,
        note_zh="未能确定债务人住所地所属的区、县：请向债务人住所地（法人为主要办事机构所在地）"
        "的区、县人民法院申请。",
    )


def _problems(data: PaymentOrderInput, today: date) -> list[Problem]:
    cpl, spc = config()["law"]["cpl"], config()["law"]["spc"]
    sue = "可以直接向有管辖权的人民法院提起民事诉讼（可申请适用小额诉讼或简易程序）。"
    checks = [
        (
            data.claim_kind in ("money", "securities"),
            "claim_kind",
            "支付令只适用于请求给付金钱或者汇票、本票、支票、股票、债券等有价证券",
            "a payment order is only for money or negotiable securities",
            "请求交付货物、履行劳务等的，应当提起民事诉讼。",
            f"{cpl}第二百二十五条；{spc}第四百二十九条",
        ),
        (
            data.due_date <= today,
            "due",
            f"债务尚未到期（到期日 {data.due_date}）",
            f"the debt is not yet due (due {data.due_date})",
            "请待履行期限届满后再申请；到期前可与债务人协商或要求提供担保。",
            f"{spc}第四百二十九条、第四百三十条",
        ),
        (
            data.amount_fixed,
            "amount_fixed",
            "请求给付的数额不确定",
            "the amount is not fixed",
            "数额有争议或需要核算的，应当提起民事诉讼。" + sue,
            f"{spc}第四百二十九条",
        ),
        (
            not data.creditor_owes_counter_performance,
            "no_counter_performance",
            "债权人自己还负有对待给付义务",
            "the creditor still owes counter-performance",
            "请先履行自己的义务，或者提起民事诉讼。",
            f"{spc}第四百二十九条",
        ),
        (
            not data.other_disputes_between_parties,
            "no_other_disputes",
            "债权人与债务人之间还有其他债务纠纷",
            "the parties have other debt disputes",
            sue,
            f"{cpl}第二百二十五条",
        ),
        (
            data.debtor_in_china,
            "debtor_in_china",
            "债务人不在我国境内",
            "the debtor is not in China",
            "涉外案件请依照民事诉讼法涉外编的规定提起诉讼或者申请仲裁。",
            f"{spc}第四百二十九条",
        ),
        (
            data.debtor_reachable,
            "debtor_reachable",
            "支付令不能送达债务人（下落不明或者只能公告送达）",
            "the order cannot be served on the debtor (whereabouts unknown, notice only)",
            "支付令不适用公告送达。" + sue + "诉讼中可以依法公告送达。",
            f"{cpl}第二百二十五条；{spc}第四百二十九条",
        ),
        (
            not data.pre_action_preservation_applied,
            "no_preservation",
            "债权人已向人民法院申请诉前保全",
            "the creditor has applied for pre-action preservation",
            "已申请诉前保全的，应当依法在期限内提起诉讼或者申请仲裁。",
            f"{spc}第四百二十九条",
        ),
        (
            data.interest_yuan == 0 or data.interest_agreed,
            "interest_agreed",
            "债权凭证没有约定逾期利息或者违约金，却请求给付利息",
            "interest is claimed though the debt document agrees none",
            "请只就本金申请支付令，或者就利息提起诉讼。",
            f"{spc}第四百三十条",
        ),
    ]
    return [
        Problem(condition=key, message_zh=zh, message_en=en, instead_zh=instead, basis=basis)
        for ok, key, zh, en, instead, basis in checks
        if not ok
    ]


def assess(data: PaymentOrderInput, today: date) -> PaymentOrderAssessment:
    """Whether a payment order is the right route, and if so: court, fee and timeline."""
    cfg = config()
    problems = _problems(data, today)
    claim = (data.amount_yuan + data.interest_yuan).quantize(_CENT)
    ordinary = property_case_fee(claim)
    fee = payment_order_fee(claim)
    t = cfg["timeline"]
    acceptance_by = today + timedelta(days=t["acceptance_days"])
    timeline = Timeline(
        acceptance_by=acceptance_by,
        order_by=acceptance_by + timedelta(days=t["order_days"]),
        debtor_days=t["debtor_days"],
        note_zh=(
            f"法院在收到申请后{t['acceptance_days']}日内通知是否受理；受理后{t['order_days']}日内"
            f"发出支付令或者裁定驳回；债务人自收到支付令之日起{t['debtor_days']}日内清偿或者提出书面异议。"
            f"债务人既不异议又不履行的，可以申请强制执行（申请执行期间为{t['enforcement_limit_years']}年）；"
            "异议成立的，督促程序终结，除申请人不同意外转入诉讼程序。所列日期为最迟日期的估算。"
        ),
    )
    if problems:
        summary = "本案不宜申请支付令：" + "；".join(p.message_zh for p in problems) + "。"
        summary += "建议：" + problems[0].instead_zh
    else:
        summary = (
            f"符合申请支付令的条件。请向{competent_court(data.debtor_division_code).name}申请，"
            f"申请费{fee:,}元（普通财产案件受理费{ordinary:,}元的三分之一）。"
        )
    return PaymentOrderAssessment(
        eligible=not problems,
        problems=problems,
        claim_yuan=claim,
        ordinary_fee_yuan=ordinary,
        fee_yuan=fee,
        fee_explanation_zh=(
            f"按{cfg['law']['fees']}第十三条财产案件标准分段累计，请求金额{claim:,}元的案件受理费为"
            f"{ordinary:,}元；依第十四条，申请支付令比照该标准的三分之一交纳，即{fee:,}元。"
        ),
        court=competent_court(data.debtor_division_code),
        timeline=timeline,
        summary_zh=summary,
    )


def application(data: PaymentOrderInput, result: PaymentOrderAssessment) -> Document:
    """支付令申请书 for an eligible claim."""
    c, d = data.creditor, data.debtor
    request = f"请求人民法院向被申请人发出支付令，督促被申请人给付申请人人民币{data.amount_yuan:,.2f}元（大写：{yuan_upper(data.amount_yuan)}）"
    if data.interest_yuan:
        request += f"及逾期利息（违约金）人民币{data.interest_yuan:,.2f}元"
    request += "。"
    blocks = [
        Block(
            "paragraph",
            f"申请人：{c.name}，证件号码/统一社会信用代码：{c.id_number or '＿＿'}，住所：{c.address or '＿＿'}，联系电话：{c.phone or '＿＿'}。",
        ),
        Block(
            "paragraph",
            f"被申请人：{d.name}，证件号码/统一社会信用代码：{d.id_number or '＿＿'}，住所：{d.address or '＿＿'}，联系电话：{d.phone or '＿＿'}。",
        ),
        Block("heading", "请求事项"),
        Block("paragraph", request),
        Block("heading", "事实与理由"),
        Block("paragraph", data.facts or "＿＿＿＿＿＿"),
        Block(
            "paragraph",
            f"上述债务已于{data.due_date.year}年{data.due_date.month}月{data.due_date.day}日到期，数额确定，"
            "申请人对被申请人不负有对待给付义务，双方之间没有其他债务纠纷，被申请人在我国境内且下落明确，"
            "支付令能够送达被申请人。申请人未向人民法院申请诉前保全。依照《中华人民共和国民事诉讼法》"
            "第二百二十五条的规定，特向贵院申请支付令。",
        ),
        Block("heading", "证据"),
    ]
    blocks += [Block("item", f"{i}. {e}") for i, e in enumerate(data.evidence, 1)] or [
        Block("item", "1. ＿＿＿＿＿＿")
    ]
    blocks += [
        Block("paragraph", f"此致\n{result.court.name}"),
        Block(
            "signature", rows=[["", f"申请人：{c.name}（签字或盖章）"], ["", "　　年　　月　　日"]]
        ),
        Block(
            "note",
            f"申请费：{result.fee_yuan:,}元。{result.fee_explanation_zh}"
            + ("" if result.court.confirmed else f"管辖提示：{result.court.note_zh}"),
        ),
    ]
    return Document(title="支付令申请书", blocks=blocks, footer="支付令申请书")
