"""The Merkle hashing and proofs agree with the published vectors and with a naive reference."""

from __future__ import annotations

import base64
import hashlib
import json
from pathlib import Path

import pytest

from xinyong.ledger import merkle
from xinyong.ledger.errors import VerificationFailed

VECTORS = Path(__file__).parent.parent / "data" / "merkle"


def _b64(value: str) -> bytes:
    return base64.b64decode(value)


def _cases(kind: str) -> list[Path]:
    return sorted((VECTORS / "testdata" / kind).rglob("*.json"))


def _id(path: Path) -> str:
    return str(path.relative_to(VECTORS / "testdata"))


def test_the_vectors_and_their_licence_travel_with_the_project():
    assert "Apache License" in (VECTORS / "LICENSE").read_text()
    assert len(_cases("inclusion")) > 50 and len(_cases("consistency")) > 50


@pytest.mark.parametrize("path", _cases("inclusion"), ids=_id)
def test_published_inclusion_vector(path: Path):
    case = json.loads(path.read_text())
    args = (
        case["leafIdx"],
        case["treeSize"],
        _b64(case["leafHash"]),
        [_b64(p) for p in case["proof"] or []],
        _b64(case["root"]),
    )
    if case["wantErr"]:
        with pytest.raises(VerificationFailed):
            merkle.verify_inclusion(*args)
    else:
        merkle.verify_inclusion(*args)


@pytest.mark.parametrize("path", _cases("consistency"), ids=_id)
def test_published_consistency_vector(path: Path):
    case = json.loads(path.read_text())
    args = (
        case["size1"],
        case["size2"],
        [_b64(p) for p in case["proof"] or []],
        _b64(case["root1"]),
        _b64(case["root2"]),
    )
    if case["wantErr"]:
        with pytest.raises(VerificationFailed):
            merkle.verify_consistency(*args)
    else:
        merkle.verify_consistency(*args)


def naive_root(leaves: list[bytes]) -> bytes:
    """RFC 9162 §2.1.1 MTH, written straight from the definition."""
    n = len(leaves)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return hashlib.sha256(b"\x00" + leaves[0]).digest()
    k = 1
    while k * 2 < n:
        k *= 2
    return hashlib.sha256(b"\x01" + naive_root(leaves[:k]) + naive_root(leaves[k:])).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def naive_path(m: int, leaves: list[bytes]) -> list[bytes]:
    """RFC 9162 §2.1.3.1 PATH(m, D[n]), written straight from the definition."""
    n = len(leaves)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return naive_path(m, leaves[:k]) + [naive_root(leaves[k:])]
    return naive_path(m - k, leaves[k:]) + [naive_root(leaves[:k])]


def naive_subproof(m: int, leaves: list[bytes], whole: bool) -> list[bytes]:
    """RFC 9162 §2.1.4.1 SUBPROOF(m, D[n], b), written straight from the definition."""
    n = len(leaves)
    if m == n:
        return [] if whole else [naive_root(leaves)]
    k = _k(n)
    if m <= k:
        return naive_subproof(m, leaves[:k], whole) + [naive_root(leaves[k:])]
    return naive_subproof(m - k, leaves[k:], False) + [naive_root(leaves[:k])]


def test_rfc6962_roots_for_sizes_0_to_8():
    data = json.loads((VECTORS / "rfc6962-roots.json").read_text())
    inputs = [bytes.fromhex(h) for h in data["leaf_inputs_hex"]]
    for size, want in enumerate(data["root_by_tree_size_hex"]):
        leaves = inputs[:size]
        assert naive_root(leaves).hex() == want
        hashes = [merkle.leaf_hash(x) for x in leaves]
        assert merkle.root(size, _getter(hashes)).hex() == want


def _getter(hashes: list[bytes]):
    """Perfect-subtree hashes computed from leaf hashes (what the database stores)."""

    def get(level: int, index: int) -> bytes:
        span = hashes[index << level : (index + 1) << level]
        assert len(span) == 1 << level, "asked for a subtree that is not complete"
        while len(span) > 1:
            span = [merkle.node_hash(a, b) for a, b in zip(span[::2], span[1::2], strict=True)]
        return span[0]

    return get


LEAVES = [f"leaf {i}".encode() for i in range(64)]
HASHES = [merkle.leaf_hash(x) for x in LEAVES]
ROOTS = [naive_root(LEAVES[:n]) for n in range(65)]


def test_every_inclusion_proof_up_to_64_leaves():
    get = _getter(HASHES)
    for size in range(1, 65):
        assert merkle.root(size, get) == ROOTS[size]
        for index in range(size):
            proof = merkle.inclusion_proof(index, size, get)
            assert proof == naive_path(index, LEAVES[:size])
            merkle.verify_inclusion(index, size, HASHES[index], proof, ROOTS[size])
            # The same proof does not prove a neighbour, nor the leaf in another tree.
            with pytest.raises(VerificationFailed):
                merkle.verify_inclusion(index, size, HASHES[(index + 1) % 64], proof, ROOTS[size])
            with pytest.raises(VerificationFailed):
                merkle.verify_inclusion(index, size, HASHES[index], proof, ROOTS[size - 1])


def test_every_consistency_proof_up_to_64_leaves():
    get = _getter(HASHES)
    for second in range(1, 65):
        for first in range(1, second + 1):
            proof = merkle.consistency_proof(first, second, get)
            assert proof == naive_subproof(first, LEAVES[:second], True)
            merkle.verify_consistency(first, second, proof, ROOTS[first], ROOTS[second])
            if first < second:
                with pytest.raises(VerificationFailed):
                    merkle.verify_consistency(first, second, proof, ROOTS[first - 1], ROOTS[second])
                with pytest.raises(VerificationFailed):
                    merkle.verify_consistency(first, second, proof, ROOTS[first], ROOTS[first])
                flipped = [bytes([proof[0][0] ^ 1]) + proof[0][1:], *proof[1:]]
                with pytest.raises(VerificationFailed):
                    merkle.verify_consistency(first, second, flipped, ROOTS[first], ROOTS[second])


def test_a_proof_reads_only_logarithmically_many_stored_subtrees():
    size = 1_000_000
    reads = merkle.needed_nodes(lambda get: merkle.inclusion_proof(123_457, size, get))
    assert len(reads) <= 2 * size.bit_length()
    reads = merkle.needed_nodes(lambda get: merkle.consistency_proof(654_321, size, get))
    assert len(reads) <= 2 * size.bit_length()
