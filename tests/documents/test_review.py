"""A creditor uploads a contract an agency offered and learns what is missing and what is unlawful."""

import sys
from pathlib import Path

from tests.documents.support import pdf_text
from tests.documents.test_templates import agreement_input
from xinyong.documents.forms import entrustment_agreement
from xinyong.documents.render_docx import render_docx
from xinyong.documents.render_pdf import render_pdf
from xinyong.documents.review.extract import from_text, read_contract
from xinyong.documents.review.service import review_contract, review_document

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data" / "contracts"


def test_our_own_agreement_passes_review_in_every_format():
    doc = entrustment_agreement(agreement_input())
    for data in (render_pdf(doc), render_docx(doc), doc.plain_text().encode()):
        report = review_contract(read_contract(data))
        assert report.verdict == "ok", (report.format, report.missing, report.flags)


def test_a_bad_contract_is_quoted_with_locations_and_flagged():
    report = review_contract(read_contract((DATA / "h02.txt").read_bytes()), "h02.txt")
    assert report.verdict == "unlawful_terms"
    assert set(report.missing) == {
        "no_unlawful_means",
        "complaint_48h",
        "sensitive_info",
        "termination",
        "dispute_resolution",
    }
    flags = {f.key: f for f in report.flags}
    assert set(flags) == {"upfront_fee", "fee_above_cap", "contact_relatives", "complaint_waiver"}
    upfront = flags["upfront_fee"].quotes[0]
    assert "服务启动费人民币3000元" in upfront.text
    assert upfront.location_zh == "第7行" and upfront.article == "第二条"
    assert "40%" in flags["fee_above_cap"].detail_zh

    pdf = render_pdf(review_document(report, "信用连云港"))
    text = pdf_text(pdf)
    assert "合同审查报告" in text and "缺失" in text and "预收费用" in text


def test_a_lawful_negation_is_not_flagged():
    report = review_contract(
        from_text("乙方不得联系债务人的亲属、同事。乙方不得以任何名义预先收取费用。")
    )
    assert report.flags == []


def test_an_agencys_published_maximum_is_enforced_below_the_platform_cap():
    text = "服务费按实际回收款的25%计收。"
    assert review_contract(from_text(text)).flags == []
    [flag] = review_contract(from_text(text), schedule_max_percent=20).flags
    assert flag.key == "fee_above_cap" and "公示的最高比例 20%" in flag.detail_zh


def test_precision_and_recall_on_the_labelled_set_meet_the_goal():
    sys.path.insert(0, str(ROOT / "bench"))
    from contract_review import labelled, measure, ratio

    assert len(labelled()) >= 40
    for fmt, per in measure(("text", "pdf")).items():
        for key, (tp, fp, fn) in per.items():
            assert ratio(tp, tp + fp) >= 0.95 and ratio(tp, tp + fn) >= 0.95, (fmt, key)
