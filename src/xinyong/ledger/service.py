"""The ledger service: append entries, sign checkpoints, serve proofs, export and audit."""

from __future__ import annotations

import base64
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.db import Carried
from xinyong.errors import InvalidInput, NotFound
from xinyong.ledger import bundle, canonical, evidence, keys, merkle, note, store
from xinyong.ledger.config import LedgerSettings, ledger_settings
from xinyong.ledger.models import LedgerCheckpoint, LedgerKey, LedgerLeaf
from xinyong.types import utcnow

# What other domains append; the kind is free-form so a new domain needs no change here.
KNOWN_KINDS = (
    "evidence",  # a case's progress evidence item (file + metadata)
    "debt_registration",  # 债务登记
    "verification",  # a verification result
    "list_decision",  # a red/black list decision
    "complaint_step",  # a complaint escalated to the platform or resolved by an operator
    "access_audit_batch",  # a batch of the access audit log
)
_KIND = re.compile(r"^[a-z][a-z0-9_.]{1,63}$")
LEAF_VERSION = 1


@dataclass(frozen=True)
class Entry:
    """One thing to log: its kind, its metadata and, for evidence, the file."""

    kind: str
    payload: dict[str, Any]
    file: bytes | Path | BinaryIO | None = None
    file_name: str | None = None
    media_type: str | None = None


@dataclass(frozen=True)
class LeafReceipt:
    """Where an entry landed: keep the index (or the hash) to ask for proofs later."""

    index: int
    leaf_hash: bytes
    kind: str
    file_sha256: str | None
    data: bytes

    @property
    def leaf_hash_b64(self) -> str:
        return base64.b64encode(self.leaf_hash).decode()


def append(
    session: Session,
    kind: str,
    payload: dict[str, Any],
    file: bytes | Path | BinaryIO | None = None,
    *,
    file_name: str | None = None,
    media_type: str | None = None,
    now: datetime | None = None,
    settings: LedgerSettings | None = None,
) -> LeafReceipt:
    """Append one entry in the caller's transaction; it is in the log once the caller commits."""
    entry = Entry(kind, payload, file, file_name, media_type)
    return append_many(session, [entry], now=now, settings=settings)[0]


def append_many(
    session: Session,
    entries: Iterable[Entry],
    *,
    now: datetime | None = None,
    settings: LedgerSettings | None = None,
    carried: Carried | None = None,
) -> list[LeafReceipt]:
    """Append entries as consecutive leaves (e.g. one batch of the access audit log), with
    another domain's insert of the records they anchor when `carried` (store.append)."""
    now = now or utcnow()
    rows, receipts = [], []
    for entry in entries:
        if not _KIND.match(entry.kind):
            raise InvalidInput(
                f"账本条目类型“{entry.kind}”无效：应为小写字母开头的 2–64 位字母、数字、下划线或点",
                f"ledger entry kind {entry.kind!r} is invalid: expected 2-64 of a-z, 0-9, _ or .",
                field="kind",
            )
        if not isinstance(entry.payload, dict):
            raise InvalidInput("账本条目内容应为对象", "ledger entry payload must be an object")
        doc: dict[str, Any] = {
            "v": LEAF_VERSION,
            "kind": entry.kind,
            "recorded_at": now,
            "payload": entry.payload,
        }
        file_sha = None
        if entry.file is not None:
            # Settings are read only for a file: building them reads the environment and
            # .env, and a verification's leaf is appended inside the SQLite write turn.
            folder = (settings or ledger_settings()).resolved_evidence_dir()
            file_sha, size = evidence.store(folder, entry.file)
            meta: dict[str, Any] = {"sha256": file_sha, "size": size}
            if entry.file_name:
                meta["name"] = entry.file_name
            elif isinstance(entry.file, Path):
                meta["name"] = entry.file.name
            if entry.media_type:
                meta["media_type"] = entry.media_type
            doc["file"] = meta
        data = canonical.dumps(doc)
        row = {
            "leaf_hash": merkle.leaf_hash(data),
            "kind": entry.kind,
            "data": data,
            "file_sha256": file_sha,
            "created_at": now,
        }
        rows.append(row)
    if not rows:
        if carried is not None:
            carried.run(session.connection())
        return []
    start = store.append(session, rows, carried)
    for i, row in enumerate(rows):
        receipts.append(
            LeafReceipt(start + i, row["leaf_hash"], row["kind"], row["file_sha256"], row["data"])
        )
    return receipts


def tree_size(session: Session) -> int:
    return store.size(session)


def root_hash(session: Session, size: int) -> bytes:
    _check_size(session, size, "tree_size")
    return store.compute(session, lambda get: merkle.root(size, get))


def _check_size(session: Session, size: int, name: str) -> int:
    current = store.size(session)
    if not 0 <= size <= current:
        raise InvalidInput(
            f"参数 {name}={size} 超出账本当前大小 {current}",
            f"parameter {name}={size} is outside the ledger's current size {current}",
            field=name,
        )
    return current


def get_leaf(session: Session, index: int) -> LedgerLeaf:
    leaf = session.get(LedgerLeaf, index)
    if leaf is None:
        raise NotFound(f"账本中没有序号为 {index} 的叶子", f"no ledger leaf with index {index}")
    return leaf


@dataclass(frozen=True)
class InclusionProof:
    leaf_index: int
    tree_size: int
    leaf_hash: bytes
    proof: list[bytes]


def inclusion(
    session: Session, tree_size: int, *, leaf_hash: bytes | None = None, index: int | None = None
) -> InclusionProof:
    """An inclusion proof for a leaf, found by its hash or its index, in the tree of `tree_size`."""
    _check_size(session, tree_size, "tree_size")
    if index is None:
        if leaf_hash is None or len(leaf_hash) != merkle.HASH_SIZE:
            raise InvalidInput(
                "leaf_hash 应为 32 字节 SHA-256 的 base64 或十六进制",
                "leaf_hash must be a 32-byte SHA-256 in base64 or hex",
                field="leaf_hash",
            )
        index = store.find_leaf(session, leaf_hash, tree_size)
        if index is None:
            raise NotFound(
                f"大小为 {tree_size} 的树中没有该叶子哈希",
                f"no leaf with this hash in the tree of size {tree_size}",
            )
    elif not 0 <= index < tree_size:
        raise InvalidInput(
            f"叶子序号 {index} 不在大小为 {tree_size} 的树内",
            f"leaf index {index} is outside the tree of size {tree_size}",
            field="leaf_index",
        )
    proof = store.compute(session, lambda get: merkle.inclusion_proof(index, tree_size, get))
    found = leaf_hash or get_leaf(session, index).leaf_hash
    return InclusionProof(index, tree_size, found, proof)


def consistency(session: Session, first: int, second: int) -> list[bytes]:
    _check_size(session, second, "second")
    if not 1 <= first <= second:
        raise InvalidInput(
            f"一致性证明要求 0 < first ≤ second，收到 first={first}、second={second}",
            f"a consistency proof needs 0 < first <= second, got first={first}, second={second}",
            field="first",
        )
    return store.compute(session, lambda get: merkle.consistency_proof(first, second, get))


# --- checkpoints -------------------------------------------------------------------------


def _signed_key_hashes(note_text: str) -> set[str]:
    sigs = note_text[note_text.rfind("\n\n") + 2 :].splitlines()
    return {base64.b64decode(line.rsplit(" ", 1)[1])[:4].hex() for line in sigs if line}


def _record_keys(session: Session, signers: list[note.Signer], now: datetime) -> None:
    for signer in signers:
        v = signer.verifier
        if session.scalar(select(LedgerKey.id).where(LedgerKey.vkey == v.vkey)) is None:
            session.add(
                LedgerKey(name=v.name, key_hash=v.key_hash.hex(), vkey=v.vkey, first_used_at=now)
            )


def checkpoint(
    session: Session, *, now: datetime | None = None, settings: LedgerSettings | None = None
) -> LedgerCheckpoint:
    """The latest checkpoint; a new one is signed when the log grew or the signing keys changed."""
    settings = settings or ledger_settings()
    signers = keys.active_signers(settings.resolved_key_dir(), settings.resolved_origin())
    size = store.size(session)
    last = session.scalars(
        select(LedgerCheckpoint)
        .order_by(LedgerCheckpoint.tree_size.desc(), LedgerCheckpoint.id.desc())
        .limit(1)
    ).first()
    wanted = {s.verifier.key_hash.hex() for s in signers}
    if last is not None and last.tree_size == size and _signed_key_hashes(last.note) == wanted:
        return last
    now = now or utcnow()
    root = store.compute(session, lambda get: merkle.root(size, get))
    text = note.sign_checkpoint(note.Checkpoint(settings.resolved_origin(), size, root), signers)
    _record_keys(session, signers, now)
    row = LedgerCheckpoint(tree_size=size, root_hash=root, note=text, created_at=now)
    session.add(row)
    session.flush()
    return row


def retire_recorded_key(session: Session, key_hash_hex: str, now: datetime | None = None) -> None:
    for row in session.scalars(select(LedgerKey).where(LedgerKey.key_hash == key_hash_hex)):
        row.retired_at = row.retired_at or now or utcnow()


def published_keys(session: Session) -> list[LedgerKey]:
    return list(session.scalars(select(LedgerKey).order_by(LedgerKey.id)))


def verifiers(session: Session) -> list[note.Verifier]:
    return [note.parse_vkey(k.vkey) for k in published_keys(session)]


# --- bundles -----------------------------------------------------------------------------


def export_bundle(
    session: Session,
    index: int,
    *,
    include_file: bool = True,
    now: datetime | None = None,
    settings: LedgerSettings | None = None,
) -> bytes:
    """A zip anyone can check offline: leaf bytes, file, inclusion proof, signed checkpoint."""
    settings = settings or ledger_settings()
    leaf = get_leaf(session, index)
    cp = checkpoint(session, now=now, settings=settings)
    proof = store.compute(session, lambda get: merkle.inclusion_proof(index, cp.tree_size, get))
    file_path = name = None
    if leaf.file_sha256 and include_file:
        file_path = evidence.open_file(settings.resolved_evidence_dir(), leaf.file_sha256)
        meta = canonical_leaf(leaf).get("file", {})
        suffix = Path(meta.get("name") or "").suffix
        name = f"{leaf.file_sha256}{suffix}"
    return bundle.build(
        origin=settings.resolved_origin(),
        leaf_index=index,
        leaf_data=leaf.data,
        proof=proof,
        checkpoint_note=cp.note,
        tree_size=cp.tree_size,
        evidence=file_path,
        evidence_name=name,
    )


def canonical_leaf(leaf: LedgerLeaf) -> dict[str, Any]:
    return json.loads(leaf.data)


def checkpoint_history(session: Session, limit: int = 100) -> list[LedgerCheckpoint]:
    """Signed checkpoints, newest first."""
    return list(
        session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.id.desc()).limit(limit))
    )
