"""QR codes of verification URLs (the qrcode library), as a module matrix and as PNG bytes."""

from __future__ import annotations

import io

import qrcode
from qrcode.constants import ERROR_CORRECT_M


def qr_matrix(url: str) -> list[list[bool]]:
    """The QR modules, quiet zone included, row by row (True = dark)."""
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2)
    code.add_data(url)
    code.make(fit=True)
    return code.get_matrix()


def qr_png(url: str, box_size: int = 6) -> bytes:
    code = qrcode.QRCode(error_correction=ERROR_CORRECT_M, border=2, box_size=box_size)
    code.add_data(url)
    code.make(fit=True)
    out = io.BytesIO()
    code.make_image().save(out)
    return out.getvalue()
