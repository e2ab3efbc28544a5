"""Evidence bundles: a zip with the leaf, its file, an inclusion proof and a signed checkpoint,
and the offline check of one with nothing but the log's public key."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import rfc8785

from xinyong.ledger import merkle
from xinyong.ledger.errors import VerificationFailed
from xinyong.ledger.note import Verifier, open_checkpoint

FORMAT = "xinyong-ledger-bundle/1"
MANIFEST = "bundle.json"
LEAF = "leaf.json"

README = """信用账本证据包 / Ledger evidence bundle

leaf.json      账本叶子的原始字节（规范 JSON）/ the exact leaf bytes (canonical JSON)
evidence/      叶子所承诺的证据文件 / the evidence file the leaf commits to
bundle.json    叶子序号、包含证明、签名检查点 / leaf index, inclusion proof, signed checkpoint

离线验证 / verify offline:  xinyong ledger verify THIS.zip --key VKEY
"""


def build(
    *,
    origin: str,
    leaf_index: int,
    leaf_data: bytes,
    proof: list[bytes],
    checkpoint_note: str,
    tree_size: int,
    evidence: Path | None = None,
    evidence_name: str | None = None,
) -> bytes:
    """The zip; without `evidence` the leaf still commits to the file's hash, which its holder
    can check with the file in hand."""
    manifest: dict[str, Any] = {
        "format": FORMAT,
        "origin": origin,
        "leaf_index": leaf_index,
        "tree_size": tree_size,
        "leaf_hash": base64.b64encode(merkle.leaf_hash(leaf_data)).decode(),
        "inclusion_proof": [base64.b64encode(p).decode() for p in proof],
        "checkpoint": checkpoint_note,
        "leaf_file": LEAF,
        "evidence_file": f"evidence/{evidence_name}" if evidence is not None else None,
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(MANIFEST, json.dumps(manifest, ensure_ascii=False, indent=2))
        z.writestr(LEAF, leaf_data)
        if evidence is not None:
            z.write(evidence, manifest["evidence_file"])
        z.writestr("README.txt", README)
    return out.getvalue()


@dataclass(frozen=True)
class BundleReport:
    origin: str
    leaf_index: int
    tree_size: int
    kind: str
    leaf: dict
    file_sha256: str | None
    signed_by: list[str]
    # False when the leaf names a file that was neither in the bundle nor given separately.
    file_checked: bool = True


def _fail(zh: str, en: str) -> VerificationFailed:
    return VerificationFailed(zh, en)


def _read(z: zipfile.ZipFile, name: str) -> bytes:
    try:
        return z.read(name)
    except KeyError:
        raise _fail(f"证据包缺少文件 {name}", f"the bundle has no file {name}") from None


def verify(data: bytes, verifiers: list[Verifier], evidence: bytes | None = None) -> BundleReport:
    """Check a bundle offline; raise VerificationFailed (Chinese and English) at the first fault.

    `evidence` is the file itself when the bundle was exported without it (a party who holds
    the original checks it against the ledger this way)."""
    try:
        z = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        raise _fail("证据包不是有效的 zip 文件", "the bundle is not a valid zip file") from None
    with z:
        try:
            manifest = json.loads(_read(z, MANIFEST))
            if manifest.get("format") != FORMAT:
                raise _fail(f"证据包格式应为 {FORMAT}", f"bundle format is not {FORMAT}")
            index, size = int(manifest["leaf_index"]), int(manifest["tree_size"])
            proof = [base64.b64decode(p, validate=True) for p in manifest["inclusion_proof"]]
            note, origin = manifest["checkpoint"], manifest["origin"]
        except VerificationFailed:
            raise
        except (ValueError, KeyError, TypeError) as exc:
            raise _fail(f"bundle.json 无效：{exc}", f"bundle.json is malformed: {exc}") from None

        # 1. The checkpoint is signed by the log's key and names this log.
        checkpoint, signed = open_checkpoint(note, verifiers, origin=origin)
        if checkpoint.size != size:
            raise _fail(
                f"检查点的树大小 {checkpoint.size} 与证据包声明的 {size} 不符",
                f"checkpoint tree size {checkpoint.size} differs from the bundle's {size}",
            )

        # 2. The leaf bytes are canonical JSON and their hash is the one proven.
        leaf_data = _read(z, manifest.get("leaf_file") or LEAF)
        try:
            leaf = json.loads(leaf_data)
            canonical = rfc8785.dumps(leaf) == leaf_data
        except (ValueError, rfc8785.CanonicalizationError):
            canonical = False
        if not canonical or not isinstance(leaf, dict):
            raise _fail(
                "叶子内容不是规范 JSON，已被改动", "the leaf is not canonical JSON: it was altered"
            )
        leaf_hash = merkle.leaf_hash(leaf_data)

        # 3. The evidence file is the one the leaf commits to.
        file_meta = leaf.get("file")
        file_sha, file_checked = None, True
        name = manifest.get("evidence_file")
        content = _read(z, name) if name and evidence is None else evidence
        name = name if evidence is None else "(--file)"
        if file_meta is not None and content is None:
            file_checked = False
        elif file_meta is not None:
            file_sha = hashlib.sha256(content).hexdigest()
            if file_sha != file_meta.get("sha256") or len(content) != file_meta.get("size"):
                raise _fail(
                    f"证据文件 {name} 的 SHA-256 与账本记录不符，文件已被改动",
                    f"evidence file {name} does not match the SHA-256 in the ledger: it was altered",
                )

        # 4. The leaf is in the signed tree.
        try:
            merkle.verify_inclusion(index, size, leaf_hash, proof, checkpoint.root_hash)
        except VerificationFailed as exc:
            raise _fail(
                f"叶子 {index} 不在已签名的树中（或叶子已被改动）：{exc.message_zh}",
                f"leaf {index} is not in the signed tree (or the leaf was altered): {exc.message_en}",
            ) from None
    return BundleReport(
        origin=checkpoint.origin,
        leaf_index=index,
        tree_size=size,
        kind=str(leaf.get("kind")),
        leaf=leaf,
        file_sha256=file_sha,
        signed_by=[v.vkey for v in signed],
        file_checked=file_checked,
    )
