"""Encryption at rest of sensitive personal fields (AES-256-GCM, keys from settings, rotatable) and
the keyed hash that names a data subject without storing who they are."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from functools import lru_cache
from pathlib import Path

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import Text
from sqlalchemy.types import TypeDecorator

from xinyong.errors import XinyongError

PREFIX = "enc:v1:"


class PrivacySettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="XINYONG_", env_file=".env", extra="ignore")

    # "kid:base64key,kid:base64key" — the first encrypts, all decrypt (rotation: put a new key
    # first, run `xinyong accounts reseal`, then drop the old one).
    privacy_keys: str | None = None
    # The HMAC key of subject references; never rotated (the references would change).
    privacy_ref_key: str | None = None
    data_dir: Path = Path("./data")


class KeyError_(XinyongError):
    code = "privacy_key"
    status = 500
    title_zh = "加密密钥配置错误"
    title_en = "Encryption key misconfigured"


def _local_keys(data_dir: Path) -> dict:
    """A development deployment without configured keys gets its own, kept beside its data."""
    path = data_dir / "privacy-keys.json"
    if path.exists():
        return json.loads(path.read_text())
    data_dir.mkdir(parents=True, exist_ok=True)
    keys = {
        "keys": f"local1:{base64.b64encode(secrets.token_bytes(32)).decode()}",
        "ref": base64.b64encode(secrets.token_bytes(32)).decode(),
    }
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w") as f:
        json.dump(keys, f)
    return keys


@lru_cache(maxsize=8)
def _parsed(keys: str) -> list[tuple[str, AESGCM]]:
    out = []
    for part in keys.split(","):
        kid, _, b64 = part.strip().partition(":")
        try:
            raw = base64.b64decode(b64, validate=True)
        except ValueError:
            raw = b""
        if not kid or len(raw) != 32:
            raise KeyError_(
                f"XINYONG_PRIVACY_KEYS 中的密钥“{kid}”无效：应为 编号:Base64(32 字节)",
                f"key {kid!r} in XINYONG_PRIVACY_KEYS is invalid: expected id:base64(32 bytes)",
            )
        out.append((kid, AESGCM(raw)))
    return out


def _settings() -> tuple[list[tuple[str, AESGCM]], bytes]:
    s = PrivacySettings()
    keys, ref = s.privacy_keys, s.privacy_ref_key
    if not keys or not ref:
        local = _local_keys(s.data_dir)
        keys, ref = keys or local["keys"], ref or local["ref"]
    return _parsed(keys), base64.b64decode(ref)


def seal(value: str | None) -> str | None:
    """Encrypt with the current key: enc:v1:<key id>:<base64 nonce+ciphertext>."""
    if value is None:
        return None
    (kid, aes), *_ = _settings()[0]
    nonce = secrets.token_bytes(12)
    blob = nonce + aes.encrypt(nonce, value.encode(), kid.encode())
    return f"{PREFIX}{kid}:{base64.b64encode(blob).decode()}"


def unseal(stored: str | None) -> str | None:
    if stored is None or not stored.startswith(PREFIX):
        return stored  # written before encryption was turned on: read as is
    kid, _, b64 = stored[len(PREFIX) :].partition(":")
    for known, aes in _settings()[0]:
        if known == kid:
            blob = base64.b64decode(b64)
            return aes.decrypt(blob[:12], blob[12:], kid.encode()).decode()
    raise KeyError_(
        f"缺少解密密钥“{kid}”：轮换时旧密钥须保留到重新加密完成",
        f"decryption key {kid!r} is missing: keep old keys until `reseal` has finished",
    )


def current_key_id() -> str:
    return _settings()[0][0][0]


def subject_ref(kind: str, *parts: str) -> str:
    """A stable keyed hash naming a data subject (a person by name and masked ID number, as
    courts publish them; an enterprise by credit code)."""
    text = "|".join([kind, *[p.strip().upper() for p in parts]])
    return hmac.new(_settings()[1], text.encode(), hashlib.sha256).hexdigest()


class EncryptedText(TypeDecorator):
    """A column stored AES-GCM encrypted, read back as plain text (for other domains' sensitive
    personal fields: complaint and case parties' ID numbers, phones, addresses)."""

    impl = Text
    cache_ok = True

    def process_bind_param(self, value, dialect):
        return seal(value)

    def process_result_value(self, value, dialect):
        return unseal(value)


def reseal(session) -> int:
    """Re-encrypt every EncryptedText column value under the current key (after a rotation);
    returns how many values changed. Old keys can be dropped once this has run."""
    from sqlalchemy import select, update

    from xinyong.models import metadata

    current = f"{PREFIX}{current_key_id()}:"
    changed = 0
    for table in metadata.sorted_tables:
        pk = list(table.primary_key.columns)
        for column in table.columns:
            if not isinstance(column.type, EncryptedText) or len(pk) != 1:
                continue
            # Raw values (the column type would decrypt them): compare the key id in the prefix.
            raw = select(pk[0], column.cast(Text)).where(column.is_not(None))
            for row_id, stored in session.execute(raw).all():
                if stored.startswith(current):
                    continue
                session.execute(
                    update(table).where(pk[0] == row_id).values({column.name: unseal(stored)})
                )
                changed += 1
    session.flush()
    return changed
