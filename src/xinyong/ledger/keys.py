"""Signing keys on disk: every *.key in the key folder signs; retired keys move to retired/."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from xinyong.errors import InvalidInput, NotFound
from xinyong.ledger.note import Signer

FIRST = "initial.key"


def _write_new(key_dir: Path, signer: Signer, filename: str) -> bool:
    """Write a private key file readable by its owner only; False if `filename` already exists."""
    key_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=key_dir, prefix=".new-")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(signer.skey() + "\n")
        os.chmod(tmp, 0o600)
        # link() refuses to replace, so two processes starting at once agree on one first key.
        os.link(tmp, key_dir / filename)
        return True
    except FileExistsError:
        return False
    finally:
        os.unlink(tmp)


def active_signers(key_dir: Path, default_name: str) -> list[Signer]:
    """The keys that sign new checkpoints; the first one is made on first use."""
    signers = _load(key_dir)
    if not signers:
        _write_new(key_dir, Signer.generate(default_name), FIRST)
        signers = _load(key_dir)
    return signers


def has_keys(key_dir: Path) -> bool:
    return bool(_load(key_dir))


def retired_signers(key_dir: Path) -> list[Signer]:
    return _load(key_dir / "retired")


def _load(folder: Path) -> list[Signer]:
    if not folder.is_dir():
        return []
    return [Signer.from_skey(p.read_text()) for p in sorted(folder.glob("*.key"))]


def add_key(key_dir: Path, name: str) -> Signer:
    """Start a rotation: a new key that signs beside the current ones until they are retired."""
    signer = Signer.generate(name)
    _write_new(key_dir, signer, f"{signer.verifier.key_hash.hex()}.key")
    return signer


def retire_key(key_dir: Path, key_hash_hex: str) -> Signer:
    """End a rotation: the key stops signing; its file is kept under retired/ for the record."""
    for path in sorted(key_dir.glob("*.key")):
        signer = Signer.from_skey(path.read_text())
        if signer.verifier.key_hash.hex() == key_hash_hex.lower():
            if len(_load(key_dir)) == 1:
                raise InvalidInput(
                    "不能停用唯一的签名密钥，请先添加新密钥",
                    "cannot retire the only signing key: add a new key first",
                )
            (key_dir / "retired").mkdir(exist_ok=True)
            path.rename(key_dir / "retired" / f"{key_hash_hex.lower()}.key")
            return signer
    raise NotFound(
        f"没有哈希为 {key_hash_hex} 的签名密钥", f"no signing key with hash {key_hash_hex}"
    )
