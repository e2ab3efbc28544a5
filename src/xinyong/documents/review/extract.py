"""Reading an uploaded contract (DOCX, PDF or text) into located paragraphs."""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass

from xinyong.errors import InvalidInput

HEADING = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+条|[一二三四五六七八九十]+、|\d+(?:\.\d+)*[.、．]?\s|（[一二三四五六七八九十]+）|\([一二三四五六七八九十]+\))"
)
_END = "。；;！!？?：:"
_LIST_ITEM = re.compile(r"(?<=[：:；;])(?=\s*(?:（\d+）|\(\d+\)|（[一二三四五六七八九十]+）))")


@dataclass
class Paragraph:
    location_zh: str
    location_en: str
    text: str


@dataclass
class Contract:
    format: str  # docx / pdf / text
    paragraphs: list[Paragraph]

    @property
    def text(self) -> str:
        return "\n".join(p.text for p in self.paragraphs)


def is_heading(text: str) -> bool:
    """A short numbered title line ("第六条 保密", "3. 费用"), context rather than a clause."""
    m = HEADING.match(text)
    rest = text[m.end() :].strip() if m else text.strip()
    return bool(m) and len(rest) <= 16 and not any(c in rest for c in _END + "，,")


def _docx(data: bytes) -> Contract:
    from docx import Document

    d = Document(io.BytesIO(data))
    paragraphs: list[Paragraph] = []
    n = 0
    for p in d.paragraphs:
        if p.text.strip():
            n += 1
            paragraphs.append(Paragraph(f"第{n}段", f"paragraph {n}", p.text.strip()))
    for t, table in enumerate(d.tables, start=1):
        for r, row in enumerate(table.rows, start=1):
            cells = [c.text.strip() for c in row.cells if c.text.strip()]
            if cells:
                paragraphs.append(
                    Paragraph(
                        f"表{t}第{r}行", f"table {t} row {r}", "；".join(dict.fromkeys(cells))
                    )
                )
    return Contract("docx", paragraphs)


def _pdf(data: bytes) -> Contract:
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
    except (PdfReadError, ValueError) as exc:
        raise InvalidInput(
            f"无法读取 PDF 文件：{exc}", f"the PDF cannot be read: {exc}", field="file"
        ) from exc
    paragraphs: list[Paragraph] = []
    for number, text in enumerate(pages, start=1):
        # PDF lines break anywhere inside a Chinese sentence: rejoin them, breaking only after
        # sentence punctuation, before a numbered line, and around a heading line.
        current = ""
        for line in (x.strip() for x in text.splitlines()):
            if not line:
                continue
            if current and (HEADING.match(line) or is_heading(current)):
                paragraphs.append(Paragraph(f"第{number}页", f"page {number}", current))
                current = ""
            current += line
            if current[-1] in "。；;":
                paragraphs.append(Paragraph(f"第{number}页", f"page {number}", current))
                current = ""
        if current:
            paragraphs.append(Paragraph(f"第{number}页", f"page {number}", current))
    # A list run into its lead-in line ("不得有下列行为：（1）…；（2）…") is split into items.
    paragraphs = [
        Paragraph(p.location_zh, p.location_en, piece)
        for p in paragraphs
        for piece in _LIST_ITEM.split(p.text)
        if piece.strip()
    ]
    if not any(p.text for p in paragraphs):
        raise InvalidInput(
            "PDF 中没有可提取的文字（可能是扫描件），请上传文字版 PDF、DOCX 或粘贴文本",
            "the PDF has no extractable text (a scan?); upload a text PDF, a DOCX or paste the text",
            field="file",
        )
    return Contract("pdf", paragraphs)


def _text(text: str) -> Contract:
    paragraphs = [
        Paragraph(f"第{n}行", f"line {n}", line.strip())
        for n, line in enumerate(text.splitlines(), start=1)
        if line.strip()
    ]
    return Contract("text", paragraphs)


def read_contract(data: bytes) -> Contract:
    """A contract from uploaded bytes: PDF and DOCX by their signatures, else UTF-8/GBK text."""
    if data.startswith(b"%PDF"):
        return _pdf(data)
    if data.startswith(b"PK"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                is_docx = "word/document.xml" in z.namelist()
        except zipfile.BadZipFile:
            is_docx = False
        if not is_docx:
            raise InvalidInput(
                "只支持 DOCX（不支持 DOC 及其他压缩文件）",
                "only DOCX is supported (not DOC or other zip files)",
                field="file",
            )
        return _docx(data)
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if "\x00" not in text:
            return from_text(text)
    raise InvalidInput(
        "无法识别的文件：请上传 DOCX、PDF 或 UTF-8/GBK 编码的文本",
        "unrecognised file: upload a DOCX, a PDF or UTF-8/GBK text",
        field="file",
    )


def from_text(text: str) -> Contract:
    if not text.strip():
        raise InvalidInput("合同内容为空", "the contract is empty", field="text")
    return _text(text)
