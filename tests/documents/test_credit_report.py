"""A creditor prints an agency's credit report; anyone holding the paper checks it on the platform."""

import subprocess
from datetime import UTC, datetime

import pytest
from fastapi.testclient import TestClient

from tests.documents.support import pdf_text, render_pages
from tests.support.judicial_files import dishonest_row, penalty_row, write_drop
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.api.app import create_app
from xinyong.documents.render_pdf import render_pdf
from xinyong.documents.reports import (
    REPORT_SECTIONS,
    ReportSection,
    credit_report_document,
    get_report,
    issue_credit_report,
)
from xinyong.errors import NotFound
from xinyong.sources.config import SourceConfig
from xinyong.sources.layouts_judicial import ENFORCEMENT_DISHONEST, PENALTY_DECISIONS
from xinyong.sources.scheduler import run_syncs


@pytest.fixture
def loaded(tmp_path, engine):
    drop = tmp_path / "drop"
    write_enterprises(drop / "enterprises.csv", [enterprise_row(1), enterprise_row(2)])
    write_drop(drop / "dishonest.csv", ENFORCEMENT_DISHONEST, [dishonest_row(1)])
    write_drop(drop / "penalties.csv", PENALTY_DECISIONS, [penalty_row(1)])
    cfg = SourceConfig(name="all", title_zh="全部", title_en="all", transport="files", path=drop)
    [result] = run_syncs(engine, [cfg])
    assert result.ok
    return engine


@pytest.fixture
def client(loaded):
    with TestClient(create_app(loaded)) as c:
        yield c


def test_the_report_shows_records_with_sources_and_a_checkable_number(client, tmp_path):
    r = client.post(f"/api/v1/reports/credit/{credit_code(1)}")
    assert r.status_code == 201
    issued = r.json()
    number = issued["number"]
    assert number.startswith("XY") and issued["url"].endswith(f"/reports/{number}")

    pdf = client.get(issued["pdf_url"]).content
    text = pdf_text(pdf)
    assert "企业信用报告" in text and f"报告编号：{number}" in text
    assert "连云港市海州区测试1商贸有限公司" in text and credit_code(1) in text
    assert "连海市监罚〔2026〕1号" in text  # the penalty
    assert "失信被执行人案号" in text and "数据截至" in text
    assert issued["digest"] in text
    assert render_pages(pdf, tmp_path)

    # Whoever scans the QR code sees the same report, as stored
    page = client.get(f"/reports/{number}")
    assert page.status_code == 200 and number in page.text and "连海市监罚〔2026〕1号" in page.text
    again = client.get(f"/api/v1/reports/{number.lower()}").json()
    assert again["digest"] == issued["digest"] and again["snapshot"] == issued["snapshot"]


def test_a_reprint_is_the_same_report_even_after_the_data_changes(loaded, session):
    at = datetime(2026, 11, 28, 8, 0, tzinfo=UTC)
    report = issue_credit_report(session, credit_code(2), "信用连云港", now=at)
    session.commit()
    first = credit_report_document(report, "https://example.cn/reports/x").plain_text()
    stored = get_report(session, report.number)
    assert credit_report_document(stored, "https://example.cn/reports/x").plain_text() == first
    assert report.number.startswith("XY20261128-")
    assert "无失信被执行人、被执行人记录。" in first


def test_other_domains_add_sections_through_the_seam(loaded, session):
    def rating(_session, code):
        return ReportSection(
            key="rating",
            title_zh="信用评级",
            title_en="Rating",
            rows=[["等级", "说明"], ["A", "无失信记录"]],
            as_of="2026-11-27",
        )

    with REPORT_SECTIONS.plugged("rating", rating):
        report = issue_credit_report(session, credit_code(2), "信用连云港")
    text = pdf_text(render_pdf(credit_report_document(report, "https://example.cn/r")))
    assert "信用评级" in text and "无失信记录" in text and "数据截至 2026-11-27" in text


def test_an_unknown_number_is_not_a_report_of_ours(client, session):
    with pytest.raises(NotFound):
        get_report(session, "XY20260101-AAAAAAAA")
    r = client.get("/api/v1/reports/XY20260101-AAAAAAAA")
    assert r.status_code == 404 and "并非本平台出具" in r.json()["detail"]


def test_a_verification_prints_as_a_numbered_report_with_its_reasons(client, tmp_path):
    # Enterprise 1 is a trading company with a 失信 record: the check fails, with reasons.
    checked = client.post("/api/v1/verifications", json={"code": credit_code(1)}).json()
    assert checked["verdict"] == "不通过"
    r = client.post(f"/api/v1/reports/verification/{checked['id']}")
    assert r.status_code == 201
    issued = r.json()
    pdf = client.get(issued["pdf_url"]).content
    text = pdf_text(pdf)
    assert "三步核验报告" in text and f"报告编号：{issued['number']}" in text
    assert "不通过" in text and checked["id"] in text
    assert "失信" in text and "数据截至时间" in text and issued["digest"] in text
    # Its records and sources are named as people call them, the lists as read at the check.
    flat = "".join(text.split())
    for said in ("企业登记基本信息", "失信被执行人信息", "核验时实时读取"):
        assert said in flat, said
    assert "dishonest_record" not in flat
    assert render_pages(pdf, tmp_path)

    page = client.get(f"/reports/{issued['number']}")
    assert page.status_code == 200 and "三步核验报告" in page.text
    missing = client.post("/api/v1/reports/verification/no-such-check")
    assert missing.status_code == 404


def test_a_middle_dot_prints_as_a_dot_not_a_missing_glyph(client, tmp_path):
    """The evidence lines join their parts with "·", which STSong-Light's encoding has no
    glyph for: the printed report draws GB 2312's own middle dot there, which poppler reads
    back as the "·" the summary has (a character without a glyph is read as nothing)."""
    checked = client.post("/api/v1/verifications", json={"code": credit_code(1)}).json()
    summaries = [
        e["summary"]
        for step in checked["steps"]
        for reason in step["reasons"]
        for e in reason["evidence"]
        if "·" in e["summary"]
    ]
    assert summaries, "a summary joined with a middle dot"
    issued = client.post(f"/api/v1/reports/verification/{checked['id']}").json()
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(client.get(issued["pdf_url"]).content)
    text = tmp_path / "report.txt"
    subprocess.run(["pdftotext", "-enc", "UTF-8", str(pdf), str(text)], check=True)
    printed = "".join(text.read_text(encoding="utf-8").split())
    for summary in summaries:
        assert "".join(summary.split()) in printed, summary
    assert "\ufffd" not in printed
    assert render_pages(pdf.read_bytes(), tmp_path)
