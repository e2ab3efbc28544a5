"""C2SP signed notes and tlog checkpoints: Ed25519 keys, vkeys, signing and verification."""

from __future__ import annotations

import base64
import hashlib
import re
from dataclasses import dataclass

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from xinyong.ledger.errors import VerificationFailed

ALG_ED25519 = 0x01
SIG_PREFIX = "— "  # em dash U+2014 and a space open every signature line
_NAME = re.compile(r"^[^\s+]+$")
MAX_SIGNATURES = 100


def _check_name(name: str) -> None:
    if not _NAME.match(name):
        raise VerificationFailed(
            f"密钥名称“{name}”无效：不能为空，不能含空白或“+”",
            f"invalid key name {name!r}: must be non-empty without spaces or '+'",
        )


def key_hash(name: str, public_key: bytes) -> bytes:
    """C2SP signed-note key ID: the first 4 bytes of SHA-256(name ‖ 0x0A ‖ 0x01 ‖ public key)."""
    return hashlib.sha256(name.encode() + b"\n" + bytes([ALG_ED25519]) + public_key).digest()[:4]


@dataclass(frozen=True)
class Verifier:
    name: str
    public_key: bytes

    @property
    def key_hash(self) -> bytes:
        return key_hash(self.name, self.public_key)

    @property
    def vkey(self) -> str:
        encoded = base64.b64encode(bytes([ALG_ED25519]) + self.public_key).decode()
        return f"{self.name}+{self.key_hash.hex()}+{encoded}"

    def verify(self, message: bytes, signature: bytes) -> bool:
        try:
            Ed25519PublicKey.from_public_bytes(self.public_key).verify(signature, message)
        except InvalidSignature:
            return False
        return True


@dataclass(frozen=True)
class Signer:
    name: str
    private_key: Ed25519PrivateKey

    @classmethod
    def generate(cls, name: str) -> Signer:
        _check_name(name)
        return cls(name, Ed25519PrivateKey.generate())

    @property
    def verifier(self) -> Verifier:
        raw = self.private_key.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return Verifier(self.name, raw)

    def sign_line(self, text: bytes) -> str:
        sig = self.verifier.key_hash + self.private_key.sign(text)
        return f"{SIG_PREFIX}{self.name} {base64.b64encode(sig).decode()}\n"

    def skey(self) -> str:
        """Private key in the Go note package's format: PRIVATE+KEY+name+hash+base64(alg ‖ seed)."""
        from cryptography.hazmat.primitives.serialization import NoEncryption, PrivateFormat

        seed = self.private_key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        encoded = base64.b64encode(bytes([ALG_ED25519]) + seed).decode()
        return f"PRIVATE+KEY+{self.name}+{self.verifier.key_hash.hex()}+{encoded}"

    @classmethod
    def from_skey(cls, text: str) -> Signer:
        parts = text.strip().split("+", 4)
        if len(parts) != 5 or parts[:2] != ["PRIVATE", "KEY"]:
            raise VerificationFailed("私钥格式无效", "malformed private key")
        raw = base64.b64decode(parts[4])
        if len(raw) != 33 or raw[0] != ALG_ED25519:
            raise VerificationFailed("私钥不是 Ed25519 密钥", "private key is not an Ed25519 key")
        signer = cls(parts[2], Ed25519PrivateKey.from_private_bytes(raw[1:]))
        if signer.verifier.key_hash.hex() != parts[3]:
            raise VerificationFailed("私钥的密钥哈希不符", "private key hash does not match")
        return signer


def parse_vkey(text: str) -> Verifier:
    """Read a vkey `name+hash+base64(0x01 ‖ public key)`; refuse any part that is off."""
    parts = text.strip().split("+", 2)
    if len(parts) != 3:
        raise VerificationFailed(
            "公钥格式无效，应为 名称+哈希+base64", "malformed vkey, expected name+hash+base64"
        )
    name, hash_hex, encoded = parts
    _check_name(name)
    try:
        raw = base64.b64decode(encoded, validate=True)
    except ValueError as exc:
        raise VerificationFailed("公钥的 base64 无效", "vkey base64 is invalid") from exc
    if len(raw) != 33 or raw[0] != ALG_ED25519:
        raise VerificationFailed("公钥不是 Ed25519 密钥", "vkey is not an Ed25519 key")
    verifier = Verifier(name, raw[1:])
    if verifier.key_hash.hex() != hash_hex.lower():
        raise VerificationFailed(
            "公钥的密钥哈希与名称和公钥不符", "vkey hash does not match its name and public key"
        )
    return verifier


def sign_note(text: str, signers: list[Signer]) -> str:
    if not text.endswith("\n") or "\n\n" in text:
        raise ValueError("note text must end in a newline and contain no blank line")
    body = text.encode()
    return text + "\n" + "".join(s.sign_line(body) for s in signers)


def open_note(note: str, verifiers: list[Verifier]) -> tuple[str, list[Verifier]]:
    """Check a signed note; return its text and the known keys that signed it (at least one)."""
    split = note.rfind("\n\n")
    if split < 0 or not note.endswith("\n"):
        raise VerificationFailed(
            "签名文本格式无效：缺少空行分隔的签名", "malformed signed note: no signature block"
        )
    text, sig_block = note[: split + 1], note[split + 2 :]
    lines = sig_block[:-1].split("\n")
    if len(lines) > MAX_SIGNATURES:
        raise VerificationFailed("签名过多", "too many signatures")
    known = {(v.name, v.key_hash): v for v in verifiers}
    signed: list[Verifier] = []
    for line in lines:
        if not line.startswith(SIG_PREFIX) or line.count(" ") != 2:
            raise VerificationFailed(
                f"签名行格式无效：{line!r}", f"malformed signature line {line!r}"
            )
        name, encoded = line[len(SIG_PREFIX) :].split(" ")
        try:
            raw = base64.b64decode(encoded, validate=True)
        except ValueError as exc:
            raise VerificationFailed("签名的 base64 无效", "signature base64 is invalid") from exc
        if len(raw) < 5:
            raise VerificationFailed("签名过短", "signature is too short")
        verifier = known.get((name, raw[:4]))
        if verifier is None:
            continue  # a signature by a key we were not given: ignored, as the spec says
        if not verifier.verify(text.encode(), raw[4:]):
            raise VerificationFailed(
                f"密钥 {name}+{raw[:4].hex()} 的签名无效，签名文本已被改动或签名不符",
                f"the signature by {name}+{raw[:4].hex()} is invalid: the note was altered",
            )
        signed.append(verifier)
    if not signed:
        raise VerificationFailed(
            "没有给定公钥的签名（公钥不对，或检查点不是本日志签发的）",
            "no signature by the given public key (wrong key, or not this log's checkpoint)",
        )
    return text, signed


@dataclass(frozen=True)
class Checkpoint:
    origin: str
    size: int
    root_hash: bytes
    extensions: tuple[str, ...] = ()

    def text(self) -> str:
        lines = [self.origin, str(self.size), base64.b64encode(self.root_hash).decode()]
        return "\n".join([*lines, *self.extensions]) + "\n"

    @classmethod
    def parse(cls, text: str) -> Checkpoint:
        lines = text.split("\n")
        if len(lines) < 4 or lines[-1] != "":
            raise VerificationFailed(
                "检查点正文应至少有来源、树大小、根哈希三行",
                "checkpoint body needs origin, tree size and root hash lines",
            )
        origin, size, root_b64 = lines[0], lines[1], lines[2]
        if not origin or not size.isdigit() or (size != "0" and size.startswith("0")):
            raise VerificationFailed(
                f"检查点的来源或树大小无效：{origin!r} {size!r}",
                f"checkpoint origin or tree size is invalid: {origin!r} {size!r}",
            )
        try:
            root_hash = base64.b64decode(root_b64, validate=True)
        except ValueError as exc:
            raise VerificationFailed(
                "检查点根哈希的 base64 无效", "root hash base64 is invalid"
            ) from exc
        if len(root_hash) != 32:
            raise VerificationFailed("检查点根哈希长度不是 32 字节", "root hash is not 32 bytes")
        return cls(origin, int(size), root_hash, tuple(lines[3:-1]))


def sign_checkpoint(checkpoint: Checkpoint, signers: list[Signer]) -> str:
    return sign_note(checkpoint.text(), signers)


def open_checkpoint(
    note: str, verifiers: list[Verifier], origin: str | None = None
) -> tuple[Checkpoint, list[Verifier]]:
    text, signed = open_note(note, verifiers)
    checkpoint = Checkpoint.parse(text)
    if origin is not None and checkpoint.origin != origin:
        raise VerificationFailed(
            f"检查点来源为“{checkpoint.origin}”，应为“{origin}”",
            f"checkpoint origin is {checkpoint.origin!r}, expected {origin!r}",
        )
    return checkpoint, signed
