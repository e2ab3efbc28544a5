"""The ledger service: append entries, sign checkpoints, serve proofs, export and audit."""

from __future__ import annotations

import base64
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any, BinaryIO

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.errors import InvalidInput, NotFound
from xinyong.ledger import bundle, canonical, evidence, keys, merkle, note, store
from xinyong.ledger.config import LedgerSettings, ledger_settings
from xinyong.ledger.errors import VerificationFailed
from xinyong.ledger.models import LedgerCheckpoint, LedgerKey, LedgerLeaf
from xinyong.types import utcnow

# What other domains append; the kind is free-form so a new domain needs no change here.
KNOWN_KINDS = (
    "evidence",  # a case's progress evidence item (file + metadata)
    "debt_registration",  # 债务登记
    "verification",  # a verification result
    "list_decision",  # a red/black list decision
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
) -> list[LeafReceipt]:
    """Append entries as consecutive leaves (e.g. one batch of the access audit log)."""
    settings = settings or ledger_settings()
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
            file_sha, size = evidence.store(settings.resolved_evidence_dir(), entry.file)
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
        return []
    start = store.append(session, rows)
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
    import json

    return json.loads(leaf.data)


# --- audit -------------------------------------------------------------------------------


@dataclass
class AuditReport:
    """What a full re-check of the stored log found; `problems` lists each fault (zh, en)."""

    leaves: int = 0
    files: int = 0
    checkpoints: int = 0
    problems: list[tuple[str, str]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems


def audit(
    session: Session,
    *,
    settings: LedgerSettings | None = None,
    check_files: bool = True,
    batch: int = 10_000,
) -> AuditReport:
    """Recompute every leaf hash, subtree hash and checkpoint root from the stored leaf bytes,
    re-hash every evidence file and check every checkpoint's signature with the published keys."""
    settings = settings or ledger_settings()
    report = AuditReport()
    size = store.size(session)
    known_keys = verifiers(session)
    checkpoints = list(
        session.scalars(select(LedgerCheckpoint).order_by(LedgerCheckpoint.tree_size))
    )
    roots_at: dict[int, bytes] = {}
    wanted_sizes = {cp.tree_size for cp in checkpoints}
    if 0 in wanted_sizes:
        roots_at[0] = merkle.EMPTY_ROOT
    stack: list[tuple[int, bytes]] = []  # (level, hash) of the complete subtrees so far
    computed: dict[tuple[int, int], bytes] = {}
    expected = 0
    evidence_dir = settings.resolved_evidence_dir()
    rows = _leaves_in_order(session, batch)
    for index, data, stored_hash, file_sha in rows:
        if index != expected:
            report.problems.append(
                (f"缺少叶子 {expected}", f"leaf {expected} is missing (found {index} next)")
            )
            break
        expected += 1
        report.leaves += 1
        h = merkle.leaf_hash(data)
        if h != stored_hash:
            report.problems.append(
                (
                    f"叶子 {index} 的内容与其哈希不符，已被改动",
                    f"leaf {index} does not match its hash: altered",
                )
            )
        if check_files and file_sha:
            report.files += 1
            path = evidence.path_for(evidence_dir, file_sha)
            if not path.is_file():
                report.problems.append(
                    (
                        f"叶子 {index} 的证据文件 {file_sha} 丢失",
                        f"evidence file {file_sha} of leaf {index} is missing",
                    )
                )
            elif evidence.file_sha256(path) != file_sha:
                report.problems.append(
                    (
                        f"叶子 {index} 的证据文件 {file_sha} 已被改动",
                        f"evidence file {file_sha} of leaf {index} was altered",
                    )
                )
        # Fold the new leaf into the stack of complete subtrees; each completed one is compared
        # with the stored node below, in batches.
        level, node = 0, h
        pos = index
        while stack and stack[-1][0] == level:
            node = merkle.node_hash(stack.pop()[1], node)
            level += 1
            pos >>= 1
            computed[(level, pos)] = node
        stack.append((level, node))
        if expected in wanted_sizes:
            acc = stack[-1][1]
            for _, left in reversed(stack[:-1]):
                acc = merkle.node_hash(left, acc)
            roots_at[expected] = acc
        if len(computed) >= batch:
            _compare_nodes(session, computed, report)
    _compare_nodes(session, computed, report)
    if expected != size:
        report.problems.append(
            (
                f"账本大小为 {size}，但只有 {expected} 个连续叶子",
                f"the ledger size is {size} but only {expected} leaves are in sequence",
            )
        )
    for cp in checkpoints:
        report.checkpoints += 1
        try:
            parsed, _ = note.open_checkpoint(cp.note, known_keys, origin=None)
        except VerificationFailed as exc:
            report.problems.append(
                (
                    f"检查点 #{cp.id}（大小 {cp.tree_size}）签名无效：{exc.message_zh}",
                    f"checkpoint #{cp.id} (size {cp.tree_size}) does not verify: {exc.message_en}",
                )
            )
            continue
        if parsed.size != cp.tree_size or parsed.root_hash != cp.root_hash:
            report.problems.append(
                (
                    f"检查点 #{cp.id} 的记录与签名内容不符",
                    f"checkpoint #{cp.id} row differs from its signed note",
                )
            )
        if roots_at.get(parsed.size) != parsed.root_hash:
            report.problems.append(
                (
                    f"检查点 #{cp.id}（大小 {parsed.size}）的根哈希与叶子重算结果不符",
                    f"checkpoint #{cp.id} (size {parsed.size}) root differs from the root recomputed from the leaves",
                )
            )
    return report


def _leaves_in_order(session: Session, batch: int):
    """Leaf rows by index, one bounded query at a time (no cursor held across other queries)."""
    start = 0
    while True:
        chunk = session.execute(
            select(
                LedgerLeaf.leaf_index, LedgerLeaf.data, LedgerLeaf.leaf_hash, LedgerLeaf.file_sha256
            )
            .where(LedgerLeaf.leaf_index >= start)
            .order_by(LedgerLeaf.leaf_index)
            .limit(batch)
        ).all()
        if not chunk:
            return
        yield from chunk
        start = chunk[-1][0] + 1


def _compare_nodes(session: Session, computed: dict, report: AuditReport) -> None:
    if not computed:
        return
    getter = store.fetch(session, set(computed))
    for (level, index), h in computed.items():
        try:
            stored = getter(level, index)
        except VerificationFailed as exc:
            report.problems.append((exc.message_zh, exc.message_en))
            continue
        if stored != h:
            report.problems.append(
                (
                    f"子树哈希（层 {level}，序号 {index}）已被改动",
                    f"subtree hash at level {level}, index {index} was altered",
                )
            )
    computed.clear()
