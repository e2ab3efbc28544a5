"""PDF output with ReportLab: the CID font STSong-Light (no font file needed) and a QR code."""

from __future__ import annotations

import io
from functools import lru_cache
from xml.sax.saxutils import escape

from reportlab.graphics.shapes import Drawing, Rect
from reportlab.lib import colors
from reportlab.lib.enums import TA_CENTER
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from xinyong.documents.model import Document
from xinyong.documents.qr import qr_matrix

FONT = "STSong-Light"
# Characters the font's encoding (UniGB-UCS2-H, the GB 2312 repertoire) has no glyph for, drawn
# as a box, and what it has in their place: GB 2312's middle dot (A1A4) is mapped from U+30FB,
# not from U+00B7, which the evidence summaries join their parts with ("案号 · 法院").
_IN_FONT = str.maketrans(
    {
        "\u00b7": "\u30fb",  # · middle dot
        "\u2022": "\u30fb",  # • bullet
        "\u2027": "\u30fb",  # ‧ hyphenation point
        "\u22c5": "\u30fb",  # ⋅ dot operator
        "\uff65": "\u30fb",  # ･ halfwidth katakana middle dot
        "\u2714": "\u221a",  # ✔ → √
        "\u2718": "\u00d7",  # ✘ → ×
    }
)


def in_font(text: str) -> str:
    """`text` as the PDF draws it: each character the font lacks replaced by its look-alike."""
    return text.translate(_IN_FONT)


@lru_cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=16, wordWrap="CJK")
    return {
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=26, alignment=TA_CENTER),
        "sub": ParagraphStyle("sub", parent=base, fontSize=9, alignment=TA_CENTER),
        "heading": ParagraphStyle("heading", parent=base, fontSize=12, leading=20, spaceBefore=6),
        "paragraph": ParagraphStyle("paragraph", parent=base, firstLineIndent=21),
        "item": ParagraphStyle("item", parent=base, leftIndent=21),
        "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=13),
        "cell": ParagraphStyle("cell", parent=base, fontSize=9.5, leading=14),
    }


def qr_drawing(url: str, size: float = 28 * mm) -> Drawing:
    """A vector QR code of the URL, drawn module by module from the qrcode library's matrix."""
    matrix = qr_matrix(url)
    cell = size / len(matrix)
    drawing = Drawing(size, size)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                drawing.add(
                    Rect(
                        x * cell,
                        size - (y + 1) * cell,
                        cell,
                        cell,
                        fillColor=colors.black,
                        strokeColor=None,
                    )
                )
    return drawing


def _p(text: str, style: ParagraphStyle) -> Paragraph:
    return Paragraph(escape(in_font(text)).replace("\n", "<br/>"), style)


def render_pdf(doc: Document) -> bytes:
    s = _styles()
    story: list = []
    head = [_p(doc.title, s["title"])]
    for line in (doc.subtitle, doc.number):
        if line:
            head.append(_p(line, s["sub"]))
    if doc.qr_url:
        head.append(_p(f"扫码或访问核验 Verify: {doc.qr_url}", s["sub"]))
        story.append(
            Table(
                [[head, qr_drawing(doc.qr_url)]],
                colWidths=[140 * mm, 32 * mm],
                style=TableStyle([("VALIGN", (0, 0), (-1, -1), "MIDDLE")]),
            )
        )
    else:
        story.extend(head)
    story.append(Spacer(1, 6 * mm))
    for block in doc.blocks:
        if block.kind in ("table", "signature"):
            if not block.rows:
                continue
            width = max(len(r) for r in block.rows)
            rows = [[_p(c, s["cell"]) for c in r] + [""] * (width - len(r)) for r in block.rows]
            style = [("VALIGN", (0, 0), (-1, -1), "TOP")]
            if block.kind == "table":
                style.append(("GRID", (0, 0), (-1, -1), 0.4, colors.grey))
            widths = [45 * mm, 125 * mm] if width == 2 and block.kind == "table" else None
            story.append(Table(rows, colWidths=widths or [170 * mm / width] * width, style=style))
            story.append(Spacer(1, 4 * mm))
        else:
            story.append(_p(block.text, s[block.kind]))

    def footer(canvas, pdf) -> None:
        canvas.saveState()
        canvas.setFont(FONT, 8)
        text = f"{doc.footer}  第 {pdf.page} 页" if doc.footer else f"第 {pdf.page} 页"
        canvas.drawCentredString(A4[0] / 2, 12 * mm, in_font(text))
        canvas.restoreState()

    out = io.BytesIO()
    SimpleDocTemplate(
        out,
        pagesize=A4,
        leftMargin=20 * mm,
        rightMargin=20 * mm,
        topMargin=18 * mm,
        bottomMargin=20 * mm,
        title=doc.title,
        author="xinyong 信用",
    ).build(story, onFirstPage=footer, onLaterPages=footer)
    return out.getvalue()
