"""File readers for source drops: detect the encoding, refuse undecodable files, stream rows."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from xinyong.errors import FileRefused

_CHUNK = 1 << 20
# GB18030 is a superset of GBK and GB2312, so one decoder reads all three.
_ENCODING_ALIASES = {"gbk": "gb18030", "gb2312": "gb18030", "utf-8": "utf-8-sig", "utf8": "utf-8-sig"}


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


@dataclass
class SourceFile:
    """A tabular drop: its header and a stream of (line number, cells) rows."""

    path: Path
    encoding: str
    header: list[str]
    rows: Iterator[tuple[int, list[str]]]


def open_csv(path: Path, encoding: str | None = None) -> SourceFile:
    encoding = detect_encoding(path, encoding)
    fh = path.open("r", encoding=encoding, newline="")
    reader = csv.reader(fh)
    try:
        header = [h.strip() for h in next(reader)]
    except StopIteration:
        fh.close()
        raise FileRefused(
            f"文件 {path.name} 为空，缺少表头", f"file {path.name} is empty, no header row", file=str(path)
        ) from None

    def rows() -> Iterator[tuple[int, list[str]]]:
        with fh:
            line = 1
            for cells in reader:
                line += 1
                start = line
                # A quoted cell may span lines; reader.line_num is the last physical line.
                line = reader.line_num
                if not any(c.strip() for c in cells):
                    continue
                yield start, cells

    return SourceFile(path=path, encoding=encoding, header=header, rows=rows())
