"""A creditor downloads the entrustment agreement and the PI authorization, filled in, as DOCX and PDF."""

from decimal import Decimal

import pytest

from tests.documents.support import docx_text, has_chinese_font, ink, pdf_text, render_pages
from xinyong.documents.fees import FeeDescription, fee_for, fee_text
from xinyong.documents.forms import entrustment_agreement, pi_authorization, yuan_upper
from xinyong.documents.render_docx import render_docx
from xinyong.documents.render_pdf import render_pdf
from xinyong.documents.schemas import AuthorizationInput, EntrustmentInput, Party, Recipient
from xinyong.documents.templates import all_templates, get_template, placeholders
from xinyong.errors import InvalidInput, NotFound

TIERED = {
    "method": "marginal",
    "bands": [
        {"up_to_yuan": "50000", "rate_percent": "30"},
        {"up_to_yuan": "100000", "rate_percent": "25"},
        {"rate_percent": "20"},
    ],
    "schedule_ref": "乙方收费标准2026年第1版",
}


def agreement_input(**changes) -> EntrustmentInput:
    data = {
        "creditor": {"name": "王建国", "id_number": "320706198001011234", "phone": "13800000000"},
        "agency": {
            "name": "江苏海州明理律师事务所",
            "id_number": "31320000MD01234567",
            "address": "连云港市海州区朝阳东路1号",
        },
        "case": {
            "debtor_name": "连云港恒丰商贸有限公司",
            "basis": "2025年3月1日签订的《买卖合同》",
            "principal_yuan": "80000.00",
            "due_date": "2026-06-30",
        },
        "fee": TIERED,
    }
    data.update(changes)
    return EntrustmentInput.model_validate(data)


def test_the_agreement_carries_every_mandatory_clause_with_the_parties_filled_in(tmp_path):
    doc = entrustment_agreement(agreement_input())
    pdf, docx = render_pdf(doc), render_docx(doc)

    for text in (pdf_text(pdf), docx_text(docx).replace("\n", "")):
        assert "债务委托协议" in text
        assert "江苏海州明理律师事务所" in text and "连云港恒丰商贸有限公司" in text
        assert "捌万元整" in text  # the principal in capitals
        # no unlawful means, fees only on what is recovered, 48 hours, PI rules
        assert "使用暴力或者以暴力相威胁" in text and "跟踪、尾随" in text
        assert "冒充国家机关工作人员" in text and "近亲属、同事、邻居" in text
        assert "实际回收款" in text and "未实际回收的，乙方不收取任何服务费" in text
        assert "不得以任何名义向甲方预先收取" in text
        assert "四十八小时内作出书面答复" in text
        assert "不得转委托他人处理个人信息" in text and "第二十一条" in text
        assert "保密义务" in text and "解除" in text and "有管辖权的人民法院提起诉讼" in text
        # the tiered schedule in words and one worked example (80,000 → 15,000 + 7,500)
        assert "超过5万元至10万元（含）的部分，按25%计收" in text
        assert "乙方服务费为人民币22,500.00元" in text

    pages = render_pages(pdf, tmp_path)
    assert len(pages) >= 3 and all(ink(p) > 0.005 for p in pages)
    assert has_chinese_font(), "install a CJK font (fonts-arphic-uming) so STSong-Light renders"


def test_arbitration_replaces_the_court_when_chosen():
    doc = entrustment_agreement(agreement_input(dispute="arbitration"))
    text = doc.plain_text()
    assert "提交连云港仲裁委员会" in text and "仲裁裁决是终局的" in text
    assert "提起诉讼。" not in text


def test_the_authorization_follows_the_pipl_and_lists_recipients(tmp_path):
    data = AuthorizationInput(
        subject=Party(name="王建国", id_number="320706198001011234"),
        processor=Party(name="江苏海州明理律师事务所", id_number="31320000MD01234567"),
        processor_contact="电话0518-85550000，邮箱privacy@example.cn",
        recipients=[
            Recipient(
                name="连云港市海州区人民法院",
                purpose="申请支付令",
                method="提交",
                categories="姓名、身份证件号码、住址",
            )
        ],
    )
    pdf = render_pdf(pi_authorization(data))
    text = pdf_text(pdf)
    assert "个人信息处理授权书" in text
    for article in ("第十三条第一款第一项", "第十四条", "第十七条", "第二十三条", "第二十九条"):
        assert article in text
    for article in ("第四十四条", "第四十五条", "第四十六条", "第四十七条", "第十五条"):
        assert article in text
    assert "连云港市海州区人民法院" in text and "申请支付令" in text
    assert "授权人有权随时撤回本授权" in text and "15个工作日内" in text
    assert docx_text(render_docx(pi_authorization(data))).count("单独同意") >= 2
    assert render_pages(pdf, tmp_path)


def test_an_authorization_without_recipients_says_none():
    data = AuthorizationInput(
        subject=Party(name="李四"), processor=Party(name="某机构"), processor_contact="0518-1"
    )
    text = pi_authorization(data).plain_text()
    assert "接收方名称" in text and "无 — — — —" in text


def test_sensitive_items_must_be_among_the_categories():
    with pytest.raises(InvalidInput) as e:
        pi_authorization(
            AuthorizationInput(
                subject=Party(name="李四"),
                processor=Party(name="某机构"),
                processor_contact="x",
                categories=["姓名"],
                sensitive=["行踪轨迹"],
            )
        )
    assert "行踪轨迹" in e.value.message_zh


def test_templates_are_versioned_data_and_every_placeholder_is_filled():
    assert set(all_templates()) >= {"entrustment_agreement", "pi_authorization"}
    t = get_template("entrustment_agreement")
    assert t.version == "2026.1" and get_template("entrustment_agreement", "2026.1") is t
    assert {"no_unlawful_means", "fee_on_recovery", "complaint_48h", "sensitive_info"} <= set(
        t.clauses
    )
    assert "fee_text" in placeholders(t)
    with pytest.raises(NotFound):
        get_template("entrustment_agreement", "1999.1")
    with pytest.raises(NotFound):
        get_template("no_such_template")


def test_a_blank_template_names_its_version_and_leaves_the_rest_for_the_hand():
    from xinyong.documents.templates import BLANK, blank

    text = blank(get_template("entrustment_agreement"), "信用连云港").plain_text()
    assert "示范文本 2026.1 版" in text and f"{BLANK} 版" not in text
    assert BLANK in text  # the parties, the amounts, the dates: filled in by hand


def test_fees_in_bands_marginal_and_whole():
    marginal = FeeDescription.model_validate(TIERED)
    assert fee_for(marginal, Decimal("80000")) == Decimal("22500.00")
    assert fee_for(marginal, Decimal("200000")) == Decimal("47500.00")
    whole = FeeDescription.model_validate({**TIERED, "method": "whole"})
    assert fee_for(whole, Decimal("80000")) == Decimal("20000.00")
    assert "按实际回收款总额的25%计收" in fee_text(whole)
    assert fee_for(marginal, Decimal("0")) == Decimal("0.00")
    with pytest.raises(ValueError):
        FeeDescription.model_validate(
            {
                "bands": [
                    {"up_to_yuan": "100000", "rate_percent": 20},
                    {"up_to_yuan": "50000", "rate_percent": 30},
                ]
            }
        )


def test_amounts_in_capitals():
    assert yuan_upper(Decimal("12345.60")) == "壹万贰仟叁佰肆拾伍元陆角"
