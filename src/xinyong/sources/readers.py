"""File readers for source drops (CSV in UTF-8 or GBK, XLSX, JSONL): refuse unreadable files, stream rows."""

from __future__ import annotations

import codecs
import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from xinyong.errors import FileRefused

_CHUNK = 1 << 20
# GB18030 is a superset of GBK and GB2312, so one decoder reads all three.
_ENCODING_ALIASES = {
    "gbk": "gb18030",
    "gb2312": "gb18030",
    "utf-8": "utf-8-sig",
    "utf8": "utf-8-sig",
}


def _decodes_fully(path: Path, encoding: str) -> tuple[bool, int]:
    """Decode the whole file in chunks (flat memory); return (ok, byte offset of the failure)."""
    decoder = codecs.getincrementaldecoder(encoding)()
    offset = 0
    with path.open("rb") as fh:
        while chunk := fh.read(_CHUNK):
            try:
                decoder.decode(chunk)
            except UnicodeDecodeError as exc:
                return False, offset + exc.start
            offset += len(chunk)
        try:
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return False, offset
    return True, -1


def detect_encoding(path: Path, declared: str | None = None) -> str:
    """UTF-8 (with or without BOM) or GBK/GB18030; a file that is neither is refused whole."""
    if declared:
        encoding = _ENCODING_ALIASES.get(declared.lower(), declared.lower())
        ok, at = _decodes_fully(path, encoding)
        if not ok:
            raise FileRefused(
                f"文件 {path.name} 不是声明的 {declared} 编码（第 {at} 字节处无法解码）",
                f"file {path.name} is not in the declared encoding {declared} (undecodable at byte {at})",
                file=str(path),
            )
        return encoding
    for encoding in ("utf-8-sig", "gb18030"):
        ok, _ = _decodes_fully(path, encoding)
        if ok:
            return encoding
    raise FileRefused(
        f"文件 {path.name} 编码无法识别，应为 UTF-8 或 GBK",
        f"file {path.name} has an unrecognised encoding, expected UTF-8 or GBK",
        file=str(path),
    )


class BrokenRow(list):
    """A row the reader itself could not read (e.g. a JSONL line that is not JSON)."""

    def __init__(self, reason_zh: str, reason_en: str) -> None:
        super().__init__()
        self.reason_zh = reason_zh
        self.reason_en = reason_en


@dataclass
class SourceFile:
    """A tabular drop: its header and a stream of (line number, cells) rows."""

    path: Path
    encoding: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


def _header(path: Path, rows: Iterator, close) -> list[str]:
    """The first row, stripped; an empty file is refused (and closed)."""
    try:
        return [str(h if h is not None else "").strip() for h in next(rows)]
    except StopIteration:
        close()
        raise FileRefused(
            f"文件 {path.name} 为空，缺少表头",
            f"file {path.name} is empty, no header row",
            file=str(path),
        ) from None


def open_csv(path: Path, encoding: str | None = None) -> SourceFile:
    encoding = detect_encoding(path, encoding)
    fh = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(fh)
    header = _header(path, reader, fh.close)

    def rows() -> Iterator[tuple[int, list[str]]]:
        with fh:
            line = 1
            for cells in reader:
                line += 1
                start = line
                # A quoted cell may span lines; reader.line_num is the last physical line.
                line = reader.line_num
                # Blank rows are skipped; tested in C (any, join), not cell by cell in Python.
                if not any(cells) or "".join(cells).isspace():
                    continue
                yield start, cells

    return SourceFile(path=path, encoding=encoding, header=header, rows=rows())


def cell_text(value: object) -> str:
    """A JSON or spreadsheet value as the text a CSV cell would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, datetime):
        return (
            value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
        )
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        # Spreadsheets store 100 as 100.0; Decimal(repr) keeps what was typed.
        return str(Decimal(repr(value)).normalize()) if value == value else ""
    if isinstance(value, list):
        return "；".join(cell_text(v) for v in value)
    return str(value)


def open_jsonl(path: Path, encoding: str | None = None) -> SourceFile:
    """One JSON object per line, keyed by the layout's headers; the first object fixes the header."""
    encoding = detect_encoding(path, encoding or "utf-8")
    fh = path.open("r", encoding=encoding)

    def parse(line_no: int, text: str) -> dict:
        try:
            obj = json.loads(text, parse_float=Decimal)
        except json.JSONDecodeError as exc:
            return {"__error__": f"{exc.msg} (column {exc.colno})"}
        return obj if isinstance(obj, dict) else {"__error__": "not a JSON object"}

    first: dict | None = None
    first_line = 0
    for first_line, text in enumerate(fh, start=1):
        if text.strip():
            first = parse(first_line, text)
            break
    if not first or "__error__" in first:
        fh.close()
        why = (first or {}).get("__error__", "empty file")
        raise FileRefused(
            f"文件 {path.name} 第 {first_line} 行不是 JSON 对象：{why}",
            f"file {path.name} line {first_line} is not a JSON object: {why}",
            file=str(path),
        )
    header = list(first)

    def rows() -> Iterator[tuple[int, list[str]]]:
        with fh:
            yield first_line, [cell_text(first.get(h)) for h in header]
            for line_no, text in enumerate(fh, start=first_line + 1):
                if not text.strip():
                    continue
                obj = parse(line_no, text)
                if "__error__" in obj:
                    why = obj["__error__"]
                    yield (
                        line_no,
                        BrokenRow(
                            f"第 {line_no} 行不是有效的 JSON 对象：{why}",
                            f"line {line_no} is not a valid JSON object: {why}",
                        ),
                    )
                    continue
                yield line_no, [cell_text(obj.get(h)) for h in header]

    return SourceFile(path=path, encoding=encoding, header=header, rows=rows())


def open_xlsx(path: Path, encoding: str | None = None) -> SourceFile:
    """The first sheet of a workbook, streamed in read-only mode; row numbers are Excel's."""
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises several types for a file that is not a workbook
        raise FileRefused(
            f"文件 {path.name} 不是有效的 Excel（.xlsx）工作簿：{exc}",
            f"file {path.name} is not a valid Excel (.xlsx) workbook: {exc}",
            file=str(path),
        ) from None
    sheet = book.worksheets[0]
    values = sheet.iter_rows(values_only=True)
    header = [cell_text(v) for v in _header(path, values, book.close)]
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list[str]]]:
        try:
            for row_no, row in enumerate(values, start=2):
                cells = [cell_text(v) for v in row[: len(header)]]
                if any(c.strip() for c in cells):
                    yield row_no, cells + [""] * (len(header) - len(cells))
        finally:
            book.close()

    return SourceFile(path=path, encoding="xlsx", header=header, rows=rows())


def open_source(path: Path, encoding: str | None = None) -> SourceFile:
    """Open a drop by its file type: .csv/.txt, .xlsx or .jsonl/.ndjson."""
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".xlsm"):
        return open_xlsx(path)
    if suffix in (".jsonl", ".ndjson"):
        return open_jsonl(path, encoding)
    if suffix in (".csv", ".txt", ".tsv"):
        return open_csv(path, encoding)
    raise FileRefused(
        f"文件 {path.name} 类型不受支持，应为 .csv、.xlsx 或 .jsonl",
        f"file {path.name} has an unsupported type, expected .csv, .xlsx or .jsonl",
        file=str(path),
    )


def read_manifest(folder: Path) -> dict:
    """A drop folder's `manifest.json` (e.g. `{"demo": true}`), or {} when it has none."""
    path = folder / "manifest.json"
    return json.loads(path.read_text("utf-8")) if path.exists() else {}
