"""Upload limits: a size cap read without trusting the client's numbers, and the type judged from
the bytes (the file's signature), not from its name or declared content type."""

from __future__ import annotations

import zipfile
from io import BytesIO
from typing import BinaryIO

from xinyong.errors import InvalidInput, XinyongError

MB = 1024 * 1024


class UploadTooLarge(XinyongError):
    code = "upload_too_large"
    status = 413
    title_zh = "上传文件过大"
    title_en = "Upload too large"


def _is_text(data: bytes) -> bool:
    if b"\x00" in data:
        return False
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return True
        except UnicodeDecodeError:
            continue
    return False


def _zip_has(data: bytes, member: str) -> bool:
    try:
        with zipfile.ZipFile(BytesIO(data)) as z:
            return any(n.startswith(member) for n in z.namelist())
    except zipfile.BadZipFile:
        return False


# kind → (how to recognise it from its bytes, its names)
KINDS = {
    "csv": (lambda d: _is_text(d), "CSV（UTF-8/GBK 文本）", "CSV (UTF-8/GBK text)"),
    "txt": (lambda d: _is_text(d), "文本", "text"),
    "xlsx": (
        lambda d: d.startswith(b"PK\x03\x04") and _zip_has(d, "xl/"),
        "Excel XLSX",
        "Excel XLSX",
    ),
    "docx": (
        lambda d: d.startswith(b"PK\x03\x04") and _zip_has(d, "word/"),
        "Word DOCX",
        "Word DOCX",
    ),
    "pdf": (lambda d: d.startswith(b"%PDF-"), "PDF", "PDF"),
}


def read_upload(
    file: BinaryIO, name: str, allowed: tuple[str, ...], max_bytes: int, field: str = "file"
) -> tuple[bytes, str]:
    """The upload's bytes and its recognised kind, or 413 / 422 saying what is accepted."""
    data = file.read(max_bytes + 1)
    if len(data) > max_bytes:
        raise UploadTooLarge(
            f"上传文件 {name} 超过上限 {max_bytes // MB or max_bytes} {'MB' if max_bytes >= MB else '字节'}",
            f"upload {name} exceeds the limit of "
            f"{max_bytes // MB or max_bytes} {'MB' if max_bytes >= MB else 'bytes'}",
            field=field,
        )
    for kind in allowed:
        if KINDS[kind][0](data):
            return data, kind
    zh = "、".join(KINDS[k][1] for k in allowed)
    en = ", ".join(KINDS[k][2] for k in allowed)
    raise InvalidInput(
        f"上传文件 {name} 的内容不是允许的类型：应为 {zh}",
        f"upload {name} is not of an accepted type: expected {en}",
        field=field,
    )
