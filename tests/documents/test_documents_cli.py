"""From the shell: blank templates, a contract review that fails a script, a payment order, a report."""

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.documents.support import docx_text, pdf_text
from tests.documents.test_payment_order import claim
from tests.support.registry_files import credit_code, enterprise_row, write_enterprises

DATA = Path(__file__).resolve().parents[1] / "data" / "contracts"


def _xinyong(*args: str, database_url: str, cwd: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, XINYONG_DATABASE_URL=database_url, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "xinyong", "documents", *args],
        env=env,
        capture_output=True,
        text=True,
        cwd=cwd,
    )


def test_templates_and_review_from_the_shell(tmp_path, database_url):
    run = _xinyong(
        "template",
        "pi_authorization",
        "--format",
        "docx",
        "--out",
        "a.docx",
        database_url=database_url,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "第四十七条" in docx_text((tmp_path / "a.docx").read_bytes())

    bad = _xinyong(
        "review", str(DATA / "h02.txt"), "--pdf", "r.pdf", database_url=database_url, cwd=tmp_path
    )
    assert bad.returncode == 1 and "预收费用" in bad.stdout and "缺失" in bad.stdout
    assert "合同审查报告" in pdf_text((tmp_path / "r.pdf").read_bytes())
    good = _xinyong(
        "review", str(DATA / "c27.txt"), "--json", database_url=database_url, cwd=tmp_path
    )
    assert good.returncode == 0 and json.loads(good.stdout)["verdict"] == "ok"


def test_payment_order_and_credit_report_from_the_shell(tmp_path, database_url):
    (tmp_path / "claim.json").write_text(claim().model_dump_json(), encoding="utf-8")
    run = _xinyong(
        "payment-order",
        "claim.json",
        "--today",
        "2026-11-28",
        "--out",
        "app.pdf",
        database_url=database_url,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert "连云港市赣榆区人民法院" in run.stdout and "600.00" in run.stdout
    assert "支付令申请书" in pdf_text((tmp_path / "app.pdf").read_bytes())

    (tmp_path / "late.json").write_text(
        claim(due_date="2027-03-01").model_dump_json(), encoding="utf-8"
    )
    late = _xinyong(
        "payment-order",
        "late.json",
        "--today",
        "2026-11-28",
        database_url=database_url,
        cwd=tmp_path,
    )
    assert late.returncode == 1 and "尚未到期" in late.stdout

    write_enterprises(tmp_path / "drop" / "enterprises.csv", [enterprise_row(1)])
    env = dict(os.environ, XINYONG_DATABASE_URL=database_url)
    subprocess.run(
        [sys.executable, "-m", "xinyong", "import-registry", str(tmp_path / "drop")],
        env=env,
        check=True,
        capture_output=True,
    )
    report = _xinyong(
        "report",
        credit_code(1),
        "--out",
        "report.pdf",
        "--base-url",
        "https://credit.lyg.example",
        database_url=database_url,
        cwd=tmp_path,
    )
    assert report.returncode == 0, report.stderr
    text = pdf_text((tmp_path / "report.pdf").read_bytes())
    number = json.loads(report.stdout.strip().splitlines()[-1])["number"]
    assert f"https://credit.lyg.example/reports/{number}" in text
