"""A small drop folder in three file types, and the fake upstream process fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from openpyxl import Workbook

from tests.support.registry_files import credit_code, enterprise_row, write_csv, write_enterprises
from tests.support.upstream_process import fake_upstream  # noqa: F401  (the fixture)
from xinyong.sources.catalog import layout
from xinyong.sources.layouts import Layout

ENTERPRISES = 20
COLLECTORS = {4: "连云港市海州区诚信讨债服务有限公司", 9: "连云港市快易要账商务咨询有限公司"}
# Revoked for violent collection in an earlier year, as the demo data has some.
REVOKED_COLLECTOR = 2
VIOLENT = "以暴力、威胁等非法手段催收债务，被依法吊销营业执照"
TODAY = "2026-11-25"


def headers(lay: Layout, **by_key: str) -> dict[str, str]:
    """A row keyed by official headers, given values by field key (robust to header renames)."""
    return {lay.field(key).header: value for key, value in by_key.items()}


def abnormal_row(n: int, removed: bool = False) -> dict[str, str]:
    return headers(
        layout("registry.abnormal"),
        record_id=f"YC2025{n:04d}",
        credit_code=credit_code(n),
        reason="未依照规定报送年度报告",
        listed_on="2025-07-01",
        listed_by="连云港市海州区市场监督管理局",
        removed_on="2026-03-01" if removed else "",
        as_of="2026-11-01",
    )


def dishonest_row(n: int) -> dict[str, str]:
    return headers(
        layout("enforcement.dishonest"),
        party_name=f"连云港市海州区测试{n}商贸有限公司",
        party_type="法人或其他组织",
        party_id=credit_code(n),
        legal_rep="王建国",
        court="连云港市海州区人民法院",
        case_number=f"（2025）苏0706执{1000 + n}号",
        published_on="2025-09-01",
        performance="全部未履行",
        as_of="2026-11-01",
    )


def debtor_row(n: int) -> dict[str, str]:
    return headers(
        layout("enforcement.debtors"),
        case_number=f"（2025）苏0706执{1000 + n}号",
        party_name=f"连云港市海州区测试{n}商贸有限公司",
        party_id=credit_code(n),
        court="连云港市海州区人民法院",
        filed_on="2025-03-01",
        amount_fen="52000",
        case_status="执行中",
        as_of="2026-11-01",
    )


def penalty_row(n: int) -> dict[str, str]:
    return headers(
        layout("penalties.decisions"),
        party_name=f"连云港市海州区测试{n}商贸有限公司",
        party_category="法人及非法人组织",
        party_credit_code=credit_code(n),
        decision_number=f"连海市监处罚〔2025〕{n}号",
        penalty_types="罚款",
        fine_fen="0.5",
        decided_on="2025-05-01",
        authority="连云港市海州区市场监督管理局",
        as_of="2026-11-01",
    )


def write_xlsx(path: Path, lay: Layout, rows: list[dict[str, str]]) -> Path:
    book = Workbook()
    sheet = book.active
    sheet.append(lay.headers)
    for row in rows:
        sheet.append([row.get(h, "") for h in lay.headers])
    book.save(path)
    return path


def write_jsonl(path: Path, rows: list[dict[str, str]]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return path


def enterprise_rows() -> list[dict[str, str]]:
    rows = [enterprise_row(n) for n in range(1, ENTERPRISES + 1)]
    for n, name in COLLECTORS.items():
        rows[n - 1]["企业名称"] = name
    rows[REVOKED_COLLECTOR - 1].update(
        {
            "企业名称": "连云港鼎力追债服务有限公司",
            "登记状态": "吊销",
            "状态日期": "2025-03-26",
            "状态原因": VIOLENT,
        }
    )
    return rows


def build_drop(folder: Path, excel: bool = False) -> Path:
    """Enterprises as GBK CSV, the abnormal list as CSV or XLSX, 失信 as JSONL, 被执行人 and 处罚 as CSV.

    Excel is optional because reading a workbook costs each server start a tenth of a second.
    """
    folder.mkdir(parents=True, exist_ok=True)
    write_enterprises(folder / "enterprises.csv", enterprise_rows(), encoding="gbk")
    abnormal = layout("registry.abnormal")
    listed = [abnormal_row(n, removed=n == 3) for n in (2, 3, 5)]
    if excel:
        write_xlsx(folder / "abnormal.xlsx", abnormal, listed)
    else:
        write_csv(folder / "abnormal.csv", abnormal, listed)
    write_jsonl(folder / "dishonest.jsonl", [dishonest_row(n) for n in range(11, 17)])
    write_csv(
        folder / "debtors.csv", layout("enforcement.debtors"), [debtor_row(n) for n in (11, 12)]
    )
    write_csv(folder / "penalties.csv", layout("penalties.decisions"), [penalty_row(5)])
    (folder / "manifest.json").write_text('{"demo": true}', "utf-8")  # not a layout: ignored
    return folder


@pytest.fixture
def drop(tmp_path: Path) -> Path:
    return build_drop(tmp_path / "drop")
