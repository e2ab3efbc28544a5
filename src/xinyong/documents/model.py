"""A neutral document (title, headings, paragraphs, tables, signatures) that DOCX and PDF share."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

BlockKind = Literal["heading", "paragraph", "item", "table", "signature", "note"]


@dataclass
class Block:
    """One block. `rows` is used by tables and signatures: a list of cells per row."""

    kind: BlockKind
    text: str = ""
    rows: list[list[str]] = field(default_factory=list)


@dataclass
class Document:
    """What both renderers draw: a centred title, optional number and QR link, then blocks."""

    title: str
    blocks: list[Block]
    subtitle: str = ""
    number: str = ""  # a report or template number shown in the header
    footer: str = ""  # printed at the foot of every PDF page
    qr_url: str = ""  # when set, a QR code of this URL is drawn beside the title

    def plain_text(self) -> str:
        """All text in reading order; what text extraction from a rendered copy should find."""
        parts = [self.title, self.subtitle, self.number]
        for b in self.blocks:
            parts.append(b.text)
            parts.extend(" ".join(r) for r in b.rows)
        return "\n".join(p for p in parts if p)
