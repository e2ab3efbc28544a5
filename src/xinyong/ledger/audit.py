"""Full re-check of the stored ledger: leaf bytes, subtree hashes, checkpoints, evidence files."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.ledger import evidence, merkle, note, store
from xinyong.ledger.config import LedgerSettings, ledger_settings
from xinyong.ledger.errors import VerificationFailed
from xinyong.ledger.models import LedgerCheckpoint, LedgerLeaf
from xinyong.ledger.service import verifiers


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
    # The next append hashes its subtrees from the kept frontier: one altered would make every
    # later subtree and root wrong. Kept for another size, it is not used (ledger/store.py).
    kept = store.kept_frontier(session)
    if kept is not None and kept[0] == expected == size:
        if kept[1] != b"".join(h for _, h in stack):
            report.problems.append(
                (
                    "账本保存的前沿子树哈希与叶子重算结果不符，已被改动",
                    "the ledger's kept frontier differs from the one recomputed from the leaves: altered",
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
