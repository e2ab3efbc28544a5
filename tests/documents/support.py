"""Helpers for document tests: read generated DOCX and PDF back the way a user's tools would."""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

from docx import Document as open_docx
from pypdf import PdfReader


def docx_text(data: bytes) -> str:
    d = open_docx(io.BytesIO(data))
    parts = [p.text for p in d.paragraphs]
    for table in d.tables:
        for row in table.rows:
            parts.extend(c.text for c in row.cells)
    return "\n".join(parts)


def pdf_text(data: bytes) -> str:
    """pypdf's text with line breaks removed (a CJK paragraph wraps anywhere)."""
    reader = PdfReader(io.BytesIO(data))
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


def render_pages(data: bytes, folder: Path) -> list[Path]:
    """Rasterise with poppler's pdftoppm (poppler-utils) and return the page images."""
    assert shutil.which("pdftoppm"), "pdftoppm missing: apt-get install poppler-utils"
    pdf = folder / "doc.pdf"
    pdf.write_bytes(data)
    subprocess.run(["pdftoppm", "-r", "40", "-png", str(pdf), str(folder / "page")], check=True)
    return sorted(folder.glob("page-*.png"))


def ink(png: Path) -> float:
    """Share of dark pixels on a page image (a blank page is 0)."""
    from PIL import Image

    histogram = Image.open(png).convert("L").histogram()
    return sum(histogram[:200]) / sum(histogram)


def has_chinese_font() -> bool:
    """STSong-Light is not embedded: a viewer (and pdftoppm) draws it with a system CJK font."""
    out = subprocess.run(["fc-list", ":lang=zh"], capture_output=True, text=True).stdout
    return bool(out.strip())
