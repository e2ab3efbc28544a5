"""Content-addressed, immutable evidence files: evidence_dir/ab/cdef… named by their SHA-256."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
from pathlib import Path
from typing import BinaryIO

from xinyong.errors import NotFound

CHUNK = 1 << 20


def path_for(root: Path, sha256_hex: str) -> Path:
    return root / sha256_hex[:2] / sha256_hex[2:]


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def store(root: Path, source: bytes | Path | BinaryIO) -> tuple[str, int]:
    """Copy `source` into the store once; return its SHA-256 (hex) and size in bytes.

    The file is hashed while it is written to a temporary file beside its final place and then
    renamed, so a reader never sees half a file and an existing copy is never rewritten.
    """
    root.mkdir(parents=True, exist_ok=True)
    digest, size = hashlib.sha256(), 0
    fd, tmp = tempfile.mkstemp(dir=root, prefix=".incoming-")
    try:
        with os.fdopen(fd, "wb") as out:
            if isinstance(source, bytes):
                chunks = [source]
            elif isinstance(source, Path | str):
                chunks = _read_chunks(open(source, "rb"))  # noqa: SIM115 - closed by the generator
            else:
                chunks = _read_chunks(source, close=False)
            for chunk in chunks:
                digest.update(chunk)
                size += len(chunk)
                out.write(chunk)
            out.flush()
            os.fsync(out.fileno())
        sha = digest.hexdigest()
        final = path_for(root, sha)
        if final.exists():
            os.unlink(tmp)
        else:
            final.parent.mkdir(exist_ok=True)
            os.chmod(tmp, 0o444)
            os.replace(tmp, final)
        return sha, size
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _read_chunks(f: BinaryIO, close: bool = True):
    try:
        while chunk := f.read(CHUNK):
            yield chunk
    finally:
        if close:
            f.close()


def open_file(root: Path, sha256_hex: str) -> Path:
    path = path_for(root, sha256_hex)
    if not path.is_file():
        raise NotFound(f"证据文件 {sha256_hex} 不存在", f"evidence file {sha256_hex} not found")
    return path


def copy_out(root: Path, sha256_hex: str, target: BinaryIO) -> None:
    with open(open_file(root, sha256_hex), "rb") as f:
        shutil.copyfileobj(f, target, CHUNK)
