"""One switch from a Document to the bytes, media type and file name of a download."""

from __future__ import annotations

from typing import Literal
from urllib.parse import quote

from xinyong.documents.model import Document
from xinyong.documents.render_docx import render_docx
from xinyong.documents.render_pdf import render_pdf

Format = Literal["pdf", "docx"]

MEDIA = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


def render(doc: Document, fmt: Format) -> bytes:
    return render_pdf(doc) if fmt == "pdf" else render_docx(doc)


def disposition(filename: str) -> str:
    """Content-Disposition with an ASCII fallback and the UTF-8 Chinese name (RFC 6266/5987)."""
    ascii_name = filename.encode("ascii", "ignore").decode() or "document"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename)}"
