"""Upstream units send CSV (UTF-8 or GBK), Excel workbooks and JSON lines; all land the same way."""

from __future__ import annotations

import json

import pytest
from openpyxl import Workbook
from sqlalchemy import select

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises
from xinyong.errors import FileRefused
from xinyong.registry.importer import import_file
from xinyong.registry.models import Enterprise
from xinyong.sources.layouts import REGISTRY_ENTERPRISES
from xinyong.sources.models import Reject

ENT = REGISTRY_ENTERPRISES.name


def _names(session) -> list[str]:
    return sorted(session.scalars(select(Enterprise.name)))


def test_an_excel_workbook_with_real_dates_and_numbers(tmp_path, engine, session):
    from datetime import datetime

    book = Workbook()
    sheet = book.active
    sheet.append(REGISTRY_ENTERPRISES.headers)
    for n in (1, 2):
        row = enterprise_row(n)
        cells = [row.get(h, "") or None for h in REGISTRY_ENTERPRISES.headers]
        cells[REGISTRY_ENTERPRISES.headers.index("成立日期")] = datetime(2018, 5, 20)
        cells[REGISTRY_ENTERPRISES.headers.index("注册资本（万元）")] = 100.5
        sheet.append(cells)
    bad = enterprise_row(3, 统一社会信用代码=credit_code(3)[:-1] + "I", 登记状态="")
    sheet.append([bad.get(h) or None for h in REGISTRY_ENTERPRISES.headers])
    path = tmp_path / "enterprises.xlsx"
    book.save(path)

    result = import_file(engine, path, ENT)
    assert (result.counts.inserted, result.counts.rejected) == (2, 1)
    ent = session.scalars(select(Enterprise).order_by(Enterprise.id)).first()
    assert str(ent.established_on) == "2018-05-20" and ent.registered_capital_fen == 100_500_000
    problems = {r.field: r for r in session.scalars(select(Reject))}
    assert set(problems) == {"统一社会信用代码", "登记状态"}  # every problem of the row is listed
    code = problems["统一社会信用代码"]
    assert code.line == 4 and "第18位" in code.reason_zh and "character 18" in code.reason_en


def test_json_lines_with_a_broken_line(tmp_path, engine, session):
    path = tmp_path / "enterprises.jsonl"
    lines = [json.dumps(enterprise_row(n), ensure_ascii=False) for n in (1, 2)]
    lines.insert(1, '{"统一社会信用代码": "9132')
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    result = import_file(engine, path, ENT)
    assert (result.counts.inserted, result.counts.rejected) == (2, 1)
    reject = session.scalars(select(Reject)).one()
    assert reject.line == 2 and "JSON" in reject.reason_zh and "line 2" in reject.reason_en


def test_gbk_and_utf8_files_give_the_same_records(tmp_path, engine, session):
    rows = [enterprise_row(1, 企业名称="连云港市赣榆区海头镇鑫淼水产品有限公司")]
    import_file(engine, write_enterprises(tmp_path / "gbk.csv", rows, encoding="gbk"), ENT)
    again = import_file(engine, write_enterprises(tmp_path / "utf8.csv", rows), ENT)
    assert again.counts.unchanged == 1
    assert _names(session) == ["连云港市赣榆区海头镇鑫淼水产品有限公司"]


def test_a_declared_encoding_that_does_not_match_is_refused(tmp_path, engine, session):
    path = write_enterprises(tmp_path / "e.csv", [enterprise_row(1)], encoding="gbk")
    with pytest.raises(FileRefused) as refused:
        import_file(engine, path, ENT, encoding="utf-8")
    assert "utf-8" in refused.value.message_en and _names(session) == []


def test_an_unsupported_file_type_is_refused(tmp_path, engine):
    path = tmp_path / "enterprises.pdf"
    path.write_bytes(b"%PDF-1.4")
    with pytest.raises(FileRefused) as refused:
        import_file(engine, path, ENT)
    assert ".xlsx" in refused.value.message_zh
