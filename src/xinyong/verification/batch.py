"""Batch verification: read a CSV or XLSX of counterparties, verify each row, write CSV or XLSX results.

Bad rows (an empty row, a missing cell, a malformed code) are reported with their row, field
and the expected value, in Chinese and English, and the other rows are verified regardless.
"""

from __future__ import annotations

import csv
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from sqlalchemy.orm import Session

from xinyong.codes import check_code
from xinyong.errors import FileRefused
from xinyong.sources.readers import cell_text, detect_encoding
from xinyong.verification.rules import Rules, default_rules
from xinyong.verification.schemas import (
    VERDICT_EN,
    BatchOut,
    BatchProblem,
    BatchRow,
    VerificationOut,
    VerificationRequest,
)
from xinyong.verification.service import verify

CODE_HEADERS = ("统一社会信用代码", "信用代码", "代码", "注册号", "credit_code", "code")
NAME_HEADERS = ("企业名称", "名称", "单位名称", "主体名称", "name", "enterprise_name")
SERVICE_HEADERS = ("核验服务", "服务", "service")
EXPECTED_CODE = (
    "18位统一社会信用代码（或15位注册号、9位组织机构代码）",
    "an 18-character unified social credit code (or a 15-digit registration number "
    "or a 9-character organisation code)",
)
OUTPUT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
OUTPUT_COLUMNS = (
    ("行号 row", "row"),
    ("输入代码 code given", "code"),
    ("输入名称 name given", "name"),
    ("统一社会信用代码 credit code", "credit_code"),
    ("企业名称 enterprise", "enterprise_name"),
    ("核验结论 verdict", "verdict"),
    ("verdict (en)", "verdict_en"),
    ("原因 reasons", "reasons_zh"),
    ("reasons (en)", "reasons_en"),
    ("核验编号 verification id", "verification_id"),
    ("问题 problem", "problem"),
)

Progress = Callable[[int, int], None]


def _read(path: Path) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and every row with its number as the user sees it (blank rows kept, so they
    can be reported; blank rows after the last filled one are ignored)."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        from openpyxl import load_workbook

        try:
            book = load_workbook(path, read_only=True, data_only=True)
        except Exception as exc:  # openpyxl raises several types for a non-workbook
            raise FileRefused(
                f"文件 {path.name} 不是有效的 Excel（.xlsx）工作簿：{exc}",
                f"file {path.name} is not a valid Excel (.xlsx) workbook: {exc}",
                file=path.name,
            ) from None
        try:
            table = [
                [cell_text(v) for v in row]
                for row in book.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            book.close()
    elif suffix in (".csv", ".txt"):
        with path.open("r", encoding=detect_encoding(path), newline="") as fh:
            table = list(csv.reader(fh))
    else:
        raise FileRefused(
            f"文件 {path.name} 类型不受支持，应为 .csv 或 .xlsx",
            f"file {path.name} has an unsupported type, expected .csv or .xlsx",
            file=path.name,
        )
    if not table:
        raise FileRefused(
            f"文件 {path.name} 为空，缺少表头", f"file {path.name} is empty, no header row"
        )
    header = [h.strip().lstrip("\ufeff") for h in table[0]]
    rows = list(enumerate(table[1:], start=2))
    while rows and not any(c.strip() for c in rows[-1][1]):
        rows.pop()
    return header, rows


def _column(header: list[str], names: tuple[str, ...]) -> int | None:
    folded = [h.lower() for h in header]
    for name in names:
        if name.lower() in folded:
            return folded.index(name.lower())
    return None


def _cell(cells: list[str], index: int | None) -> str | None:
    if index is None or index >= len(cells):
        return None
    return cells[index].strip()


def _reasons(out: VerificationOut) -> tuple[str, str]:
    """The reasons that decided the verdict (failures and warnings), else the passing notes."""
    reasons = [r for r in out.reasons if r.outcome != "info"] or out.reasons
    return (
        "；".join(f"[{r.rule_id}] {r.message_zh}" for r in reasons),
        "; ".join(f"[{r.rule_id}] {r.message_en}" for r in reasons),
    )


def _row_problem(
    row: int, cells: list[str], code_at: int | None, name_at: int | None, header: list[str]
) -> BatchProblem | None:
    if not any(c.strip() for c in cells):
        return BatchProblem(
            row=row,
            message_zh=f"第{row}行为空行：应填写统一社会信用代码或企业名称",
            message_en=f"row {row} is empty: expected a credit code or an enterprise name",
        )
    for at in (code_at, name_at):
        if at is not None and at >= len(cells):
            return BatchProblem(
                row=row,
                field=header[at],
                message_zh=f"第{row}行缺少“{header[at]}”列（该行只有{len(cells)}列，表头有{len(header)}列）",
                message_en=f"row {row} has no '{header[at]}' column (it has {len(cells)} cells, "
                f"the header {len(header)})",
            )
    code, name = _cell(cells, code_at), _cell(cells, name_at)
    if not code and not name:
        fields = "、".join(header[i] for i in (code_at, name_at) if i is not None)
        return BatchProblem(
            row=row,
            field=fields,
            message_zh=f"第{row}行“{fields}”均为空：应填写统一社会信用代码或企业名称",
            message_en=f"row {row}: '{fields}' empty; expected a credit code or an enterprise name",
        )
    if code:
        check = check_code(code)
        if not check.valid:
            field = header[code_at]
            return BatchProblem(
                row=row,
                field=field,
                value=code,
                message_zh=f"第{row}行“{field}”的值“{code}”不是有效代码："
                + "；".join(p.message_zh for p in check.errors)
                + f"。应为{EXPECTED_CODE[0]}",
                message_en=f"row {row}, '{field}': '{code}' is not a valid code: "
                + "; ".join(p.message_en for p in check.errors)
                + f". Expected {EXPECTED_CODE[1]}",
            )
    return None


def verify_file(
    session: Session,
    path: Path,
    *,
    service: str | None = None,
    rules: Rules | None = None,
    now: datetime | None = None,
    progress: Progress | None = None,
) -> BatchOut:
    """Verify every row of a CSV or XLSX file; each verification is stored (the caller commits)."""
    rules = rules or default_rules()
    rules.service(service)  # an unknown service refuses the whole file before any work
    header, rows = _read(path)
    code_at, name_at = _column(header, CODE_HEADERS), _column(header, NAME_HEADERS)
    service_at = _column(header, SERVICE_HEADERS)
    if code_at is None and name_at is None:
        raise FileRefused(
            f"文件 {path.name} 缺少“统一社会信用代码”或“企业名称”列（表头：{'、'.join(header)}）；"
            f"可用列名：{'、'.join(CODE_HEADERS + NAME_HEADERS)}",
            f"file {path.name} has neither a credit-code nor a name column (header: "
            f"{', '.join(header)}); accepted: {', '.join(CODE_HEADERS + NAME_HEADERS)}",
            file=path.name,
        )
    out_rows: list[BatchRow] = []
    problems: list[BatchProblem] = []
    counts = {"rows": len(rows), "verified": 0, "pass": 0, "warning": 0, "fail": 0, "problems": 0}
    for done, (row_no, cells) in enumerate(rows, start=1):
        code, name = _cell(cells, code_at) or None, _cell(cells, name_at) or None
        problem = _row_problem(row_no, cells, code_at, name_at, header)
        row_service = _cell(cells, service_at) or service
        if problem is None and row_service not in (None, *rules.services):
            field = header[service_at]
            problem = BatchProblem(
                row=row_no,
                field=field,
                value=row_service,
                message_zh=f"第{row_no}行“{field}”的值“{row_service}”不是已知的核验服务，"
                f"应为：{'、'.join(rules.services)}",
                message_en=f"row {row_no}, '{field}': '{row_service}' is not a known service; "
                f"expected one of {', '.join(rules.services)}",
            )
        if problem is not None:
            problems.append(problem)
            counts["problems"] += 1
            out_rows.append(BatchRow(row=row_no, code=code, name=name, problem=problem))
        else:
            request = VerificationRequest(code=code, name=name, service=row_service)
            result = verify(session, request, rules=rules, now=now)
            zh, en = _reasons(result)
            counts["verified"] += 1
            counts[VERDICT_EN[result.verdict]] += 1
            out_rows.append(
                BatchRow(
                    row=row_no,
                    code=code,
                    name=name,
                    verification_id=result.id,
                    credit_code=result.enterprise.credit_code if result.enterprise else None,
                    enterprise_name=result.enterprise.name if result.enterprise else None,
                    verdict=result.verdict,
                    verdict_en=result.verdict_en,
                    reasons_zh=zh,
                    reasons_en=en,
                )
            )
        if progress:
            progress(done, len(rows))
    return BatchOut(file=path.name, rows=out_rows, problems=problems, counts=counts)


def _cells(row: BatchRow) -> list[object]:
    values = row.model_dump()
    problem = row.problem
    values["problem"] = f"{problem.message_zh} / {problem.message_en}" if problem else ""
    return [values[key] if values[key] is not None else "" for _, key in OUTPUT_COLUMNS]


def write_output(result: BatchOut, path: Path) -> Path:
    """The results as CSV (UTF-8 with BOM, so Excel reads the Chinese) or XLSX, by suffix."""
    suffix = path.suffix.lower()
    path.parent.mkdir(parents=True, exist_ok=True)
    if suffix == ".xlsx":
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet("核验结果 results")
        sheet.append([title for title, _ in OUTPUT_COLUMNS])
        for row in result.rows:
            sheet.append(_cells(row))
        book.save(path)
    elif suffix == ".csv":
        with path.open("w", encoding="utf-8-sig", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([title for title, _ in OUTPUT_COLUMNS])
            writer.writerows(_cells(row) for row in result.rows)
    else:
        raise FileRefused(
            f"结果文件 {path.name} 类型不受支持，应为 .csv 或 .xlsx",
            f"result file {path.name} has an unsupported type, expected .csv or .xlsx",
            file=path.name,
        )
    return path
