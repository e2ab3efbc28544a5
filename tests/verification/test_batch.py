"""A bank uploads its counterparties as CSV or XLSX and gets a verdict per row; bad rows are reported, not fatal."""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook, load_workbook

from xinyong.codes import uscc_with_check
from xinyong.verification.batch import verify_file, write_output

UNKNOWN = uscc_with_check("91320706MA00000Q1")


def _counterparties(demo) -> list[list[str]]:
    firm = demo.member("江苏田湾律师事务所")
    return [
        ["序号", "统一社会信用代码", "企业名称"],
        ["1", firm["credit_code"], firm["name"]],
        ["2", demo.story("dishonest_agency")["credit_code"], ""],
        ["3", "", "连云港德律讨债服务有限公司"],
        ["4", "", ""],  # no code, no name
        ["", "", ""],  # an empty row in the middle
        ["6", "91320706MA1X1YH05", "某某公司"],  # 17 characters
        ["7", UNKNOWN],  # the name cell is missing altogether
        ["8", UNKNOWN, "连云港某某商贸有限公司"],
    ]


def _write_csv(path, rows, encoding="utf-8"):
    with path.open("w", encoding=encoding, newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


def test_a_gbk_csv_gives_one_verdict_per_good_row_and_reports_the_bad_ones(demo, session, tmp_path):
    path = _write_csv(tmp_path / "客户名单.csv", _counterparties(demo), encoding="gbk")
    result = verify_file(session, path)
    session.commit()

    by_row = {r.row: r for r in result.rows}
    assert by_row[2].verdict == "通过" and by_row[2].enterprise_name == "江苏田湾律师事务所"
    assert by_row[3].verdict == "不通过" and "records.dishonest" in by_row[3].reasons_zh
    assert by_row[4].verdict == "不通过" and "吊销" in by_row[4].reasons_zh
    assert by_row[9].verdict == "不通过" and "identity.not_found" in by_row[9].reasons_en

    problems = {p.row: p for p in result.problems}
    assert set(problems) == {5, 6, 7, 8}
    assert "均为空" in problems[5].message_zh and problems[5].field == "统一社会信用代码、企业名称"
    assert "空行" in problems[6].message_zh and "empty" in problems[6].message_en
    assert problems[7].field == "统一社会信用代码" and problems[7].value == "91320706MA1X1YH05"
    assert (
        "应为18位统一社会信用代码" in problems[7].message_zh
        and "Expected an 18-character" in problems[7].message_en
    )
    assert problems[8].field == "企业名称" and "缺少" in problems[8].message_zh
    assert result.counts == {
        "rows": 8, "verified": 4, "pass": 1, "warning": 0, "fail": 3, "problems": 4,
    }  # fmt: skip


def test_xlsx_in_and_out(demo, session, tmp_path):
    book = Workbook()
    for row in _counterparties(demo)[:4]:
        book.active.append(row)
    book.save(tmp_path / "counterparties.xlsx")

    result = verify_file(session, tmp_path / "counterparties.xlsx")
    out = write_output(result, tmp_path / "result.xlsx")
    rows = list(load_workbook(out).active.iter_rows(values_only=True))
    assert rows[0][:6] == (
        "行号 row", "输入代码 code given", "输入名称 name given",
        "统一社会信用代码 credit code", "企业名称 enterprise", "核验结论 verdict",
    )  # fmt: skip
    assert [r[5] for r in rows[1:]] == ["通过", "不通过", "不通过"]


def test_the_batch_api_takes_a_file_and_returns_csv(demo, client, tmp_path):
    path = _write_csv(tmp_path / "list.csv", _counterparties(demo))
    with path.open("rb") as fh:
        response = client.post(
            "/api/v1/verifications/batch",
            params={"format": "csv"},
            files={"file": ("list.csv", fh, "text/csv")},
        )
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert len(rows) == 8
    assert rows[0]["核验结论 verdict"] == "通过"
    assert "第5行" in rows[3]["问题 problem"] and rows[3]["核验结论 verdict"] == ""
    # Every verified row is a stored verification one can open by its id.
    stored = client.get(f"/api/v1/verifications/{rows[1]['核验编号 verification id']}").json()
    assert stored["verdict"] == "不通过"


def test_a_file_without_a_code_or_name_column_is_refused_with_the_accepted_headers(
    demo, client, tmp_path
):
    path = _write_csv(tmp_path / "wrong.csv", [["客户", "金额"], ["某公司", "100"]])
    with path.open("rb") as fh:
        response = client.post("/api/v1/verifications/batch", files={"file": ("wrong.csv", fh)})
    assert response.status_code == 422
    problem = response.json()
    assert "统一社会信用代码" in problem["detail_zh"] and "accepted" in problem["detail_en"]
