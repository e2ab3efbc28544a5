"""DOCX output with python-docx: Song-style body, bold headings, real Word tables."""

from __future__ import annotations

import io

from docx import Document as new_docx
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from xinyong.documents.model import Document
from xinyong.documents.qr import qr_png

_FONT = "宋体"


def _east_asian(run, size: float | None = None, bold: bool = False) -> None:
    # Word picks the East Asian font from w:eastAsia; setting only font.name leaves Chinese
    # text in the theme font.
    run.font.name = _FONT
    run._element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)
    if size:
        run.font.size = Pt(size)
    run.bold = bold


def render_docx(doc: Document) -> bytes:
    d = new_docx()
    normal = d.styles["Normal"]
    normal.font.name = _FONT
    normal.font.size = Pt(11)
    normal.element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), _FONT)

    title = d.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _east_asian(title.add_run(doc.title), 18, bold=True)
    for line in (doc.subtitle, doc.number):
        if line:
            p = d.add_paragraph()
            p.alignment = WD_ALIGN_PARAGRAPH.CENTER
            _east_asian(p.add_run(line), 10)
    if doc.qr_url:
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        p.add_run().add_picture(io.BytesIO(qr_png(doc.qr_url)), width=Pt(72))
        p = d.add_paragraph()
        p.alignment = WD_ALIGN_PARAGRAPH.CENTER
        _east_asian(p.add_run(f"扫码或访问核验 Verify: {doc.qr_url}"), 9)

    for block in doc.blocks:
        if block.kind == "heading":
            _east_asian(d.add_paragraph().add_run(block.text), 12, bold=True)
        elif block.kind in ("paragraph", "item", "note"):
            p = d.add_paragraph()
            p.paragraph_format.first_line_indent = Pt(22) if block.kind == "paragraph" else None
            if block.kind == "item":
                p.paragraph_format.left_indent = Pt(22)
            _east_asian(p.add_run(block.text), 9 if block.kind == "note" else None)
        elif block.kind in ("table", "signature"):
            if not block.rows:
                continue
            width = max(len(r) for r in block.rows)
            table = d.add_table(rows=0, cols=width)
            if block.kind == "table":
                table.style = "Table Grid"
            for row in block.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row, strict=False):
                    cell.text = ""
                    _east_asian(cell.paragraphs[0].add_run(value))
            d.add_paragraph()
    if doc.footer:
        section = d.sections[0]
        _east_asian(section.footer.paragraphs[0].add_run(doc.footer), 8)
    out = io.BytesIO()
    d.save(out)
    return out.getvalue()
