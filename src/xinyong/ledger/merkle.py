"""RFC 9162 Merkle tree hashing, proof generation over a node store, and proof verification."""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterable

from xinyong.ledger.errors import VerificationFailed

HASH_SIZE = 32
EMPTY_ROOT = hashlib.sha256(b"").digest()

# A perfect, aligned subtree: (level, index) covers leaves [index * 2**level, (index + 1) * 2**level).
Node = tuple[int, int]
Getter = Callable[[int, int], bytes]


def leaf_hash(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _split(n: int) -> int:
    """The largest power of two strictly smaller than n (n >= 2)."""
    return 1 << ((n - 1).bit_length() - 1)


def range_nodes(start: int, end: int) -> list[Node]:
    """The perfect subtrees that make up leaves [start, end), left to right.

    Every range the RFC 9162 recursion asks for starts at a multiple of its largest piece, so
    its hash is the right fold of these pieces.
    """
    nodes: list[Node] = []
    while start < end:
        level = (end - start).bit_length() - 1
        while start % (1 << level):
            level -= 1
        nodes.append((level, start >> level))
        start += 1 << level
    return nodes


def range_hash(start: int, end: int, get: Getter) -> bytes:
    """MTH(D[start:end]) from perfect-subtree hashes; the empty range hashes to SHA-256('')."""
    nodes = range_nodes(start, end)
    if not nodes:
        return EMPTY_ROOT
    acc = get(*nodes[-1])
    for node in reversed(nodes[:-1]):
        acc = node_hash(get(*node), acc)
    return acc


def root(size: int, get: Getter) -> bytes:
    return range_hash(0, size, get)


def inclusion_proof(index: int, size: int, get: Getter) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(index, D[0:size])."""
    if not 0 <= index < size:
        raise ValueError(f"leaf index {index} outside tree of size {size}")
    path: list[bytes] = []
    start, n, m = 0, size, index
    while n > 1:
        k = _split(n)
        if m < k:
            path.append(range_hash(start + k, start + n, get))
            n = k
        else:
            path.append(range_hash(start, start + k, get))
            start, n, m = start + k, n - k, m - k
    path.reverse()
    return path


def consistency_proof(first: int, second: int, get: Getter) -> list[bytes]:
    """RFC 9162 §2.1.4.1 PROOF(first, D[0:second]), for 0 < first <= second."""
    if not 0 < first <= second:
        raise ValueError(f"no consistency proof from size {first} to size {second}")
    proof: list[bytes] = []
    start, n, m, whole = 0, second, first, True
    while m != n:
        k = _split(n)
        if m <= k:
            proof.append(range_hash(start + k, start + n, get))
            n = k
        else:
            proof.append(range_hash(start, start + k, get))
            start, n, m, whole = start + k, n - k, m - k, False
    if not whole:
        proof.append(range_hash(start, start + m, get))
    proof.reverse()
    return proof


def needed_nodes(compute: Callable[[Getter], object]) -> set[Node]:
    """Which perfect subtrees `compute` reads: the proofs' shape never depends on hash values,
    so a dry run with a recording getter lets a store fetch them all in one query."""
    seen: set[Node] = set()

    def record(level: int, index: int) -> bytes:
        seen.add((level, index))
        return EMPTY_ROOT

    compute(record)
    return seen


def _check_size(value: bytes, what_zh: str, what_en: str) -> None:
    if len(value) != HASH_SIZE:
        raise VerificationFailed(
            f"{what_zh}长度为 {len(value)} 字节，应为 {HASH_SIZE} 字节",
            f"{what_en} is {len(value)} bytes long, expected {HASH_SIZE}",
        )


def _check_proof(proof: Iterable[bytes]) -> list[bytes]:
    proof = list(proof)
    for i, p in enumerate(proof):
        _check_size(p, f"证明第 {i} 项", f"proof element {i}")
    return proof


def root_from_inclusion(index: int, size: int, leaf: bytes, proof: Iterable[bytes]) -> bytes:
    """RFC 9162 §2.1.3.2: the root that `proof` leads to from `leaf` at `index`."""
    if not 0 <= index < size:
        raise VerificationFailed(
            f"叶子序号 {index} 不在大小为 {size} 的树内",
            f"leaf index {index} is outside a tree of size {size}",
        )
    _check_size(leaf, "叶子哈希", "leaf hash")
    proof = _check_proof(proof)
    fn, sn, r = index, size - 1, leaf
    for p in proof:
        if sn == 0:
            raise VerificationFailed(
                "包含证明过长", f"inclusion proof is too long ({len(proof)} elements)"
            )
        if fn & 1 or fn == sn:
            r = node_hash(p, r)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            r = node_hash(r, p)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationFailed(
            "包含证明过短", f"inclusion proof is too short ({len(proof)} elements)"
        )
    return r


def verify_inclusion(index: int, size: int, leaf: bytes, proof: Iterable[bytes], root_hash: bytes):
    got = root_from_inclusion(index, size, leaf, proof)
    if got != root_hash:
        raise VerificationFailed(
            f"包含证明推出的根哈希与树大小 {size} 的根哈希不符",
            f"the inclusion proof leads to a root that is not the root of the tree of size {size}",
        )


def verify_consistency(
    first: int, second: int, proof: Iterable[bytes], first_root: bytes, second_root: bytes
) -> None:
    """RFC 9162 §2.1.4.2; a proof from the empty tree proves nothing and is refused."""
    proof = _check_proof(proof)
    if first < 1 or second < first:
        raise VerificationFailed(
            f"无法证明大小 {first} 与 {second} 的一致性（要求 0 < first ≤ second）",
            f"no consistency proof exists from size {first} to {second} (need 0 < first <= second)",
        )
    if first == second:
        if proof:
            raise VerificationFailed(
                "大小相同的两棵树的一致性证明应为空",
                "the consistency proof between equal sizes must be empty",
            )
        if first_root != second_root:
            raise VerificationFailed(
                "大小相同但根哈希不同", "equal tree sizes but different root hashes"
            )
        return
    if not proof:
        raise VerificationFailed("一致性证明为空", "the consistency proof is empty")
    if first & (first - 1) == 0:
        proof = [first_root, *proof]
    fn, sn = first - 1, second - 1
    while fn & 1:
        fn, sn = fn >> 1, sn >> 1
    fr = sr = proof[0]
    for c in proof[1:]:
        if sn == 0:
            raise VerificationFailed("一致性证明过长", "the consistency proof is too long")
        if fn & 1 or fn == sn:
            fr, sr = node_hash(c, fr), node_hash(c, sr)
            if not fn & 1:
                while fn and not fn & 1:
                    fn, sn = fn >> 1, sn >> 1
        else:
            sr = node_hash(sr, c)
        fn, sn = fn >> 1, sn >> 1
    if sn != 0:
        raise VerificationFailed("一致性证明过短", "the consistency proof is too short")
    if fr != first_root:
        raise VerificationFailed(
            f"一致性证明与大小 {first} 的旧根哈希不符",
            f"the consistency proof does not match the old root of size {first}",
        )
    if sr != second_root:
        raise VerificationFailed(
            f"一致性证明与大小 {second} 的新根哈希不符",
            f"the consistency proof does not match the new root of size {second}",
        )
