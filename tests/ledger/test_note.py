"""Our signed notes are byte-for-byte those of Go's golang.org/x/mod/sumdb/note (C2SP signed-note)."""

from __future__ import annotations

import pytest

from xinyong.ledger import note
from xinyong.ledger.errors import VerificationFailed

# The published example of golang.org/x/mod/sumdb/note (package documentation and note_test.go).
GO_VKEY = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW"
GO_SKEY = "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
GO_TEXT = (
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n"
)
GO_NOTE = (
    GO_TEXT + "\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNX"
    "gKvqfqdngotpRZb6KE6RyyBwJnAM=\n"
)


def test_go_keys_and_signature_reproduce_exactly():
    signer = note.Signer.from_skey(GO_SKEY)
    assert signer.verifier.vkey == GO_VKEY
    assert signer.skey() == GO_SKEY
    assert note.sign_note(GO_TEXT, [signer]) == GO_NOTE  # Ed25519 is deterministic
    text, signed = note.open_note(GO_NOTE, [note.parse_vkey(GO_VKEY)])
    assert text == GO_TEXT and signed[0].vkey == GO_VKEY


@pytest.mark.parametrize(
    "vkey",
    [
        "PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong hash
        "PeterNeumann+c74f20a3+AhPc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # wrong algorithm
        "Peter Neumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW",  # space in name
        "PeterNeumann+c74f20a3",
    ],
)
def test_malformed_vkeys_are_refused(vkey):
    with pytest.raises(VerificationFailed):
        note.parse_vkey(vkey)


def test_an_altered_note_or_an_unknown_key_is_refused():
    key = note.parse_vkey(GO_VKEY)
    with pytest.raises(VerificationFailed) as altered:
        note.open_note(GO_NOTE.replace("problem,", "problems,"), [key])
    assert "已被改动" in altered.value.message_zh
    other = note.Signer.generate("PeterNeumann").verifier
    with pytest.raises(VerificationFailed) as unknown:
        note.open_note(GO_NOTE, [other])
    assert "no signature by the given public key" in unknown.value.message_en


def test_a_checkpoint_body_round_trips_and_bad_ones_are_refused():
    signer = note.Signer.generate("example.com/log")
    cp = note.Checkpoint("example.com/log", 7, b"\x01" * 32)
    signed = note.sign_checkpoint(cp, [signer])
    assert note.open_checkpoint(signed, [signer.verifier], origin="example.com/log")[0] == cp
    with pytest.raises(VerificationFailed):
        note.open_checkpoint(signed, [signer.verifier], origin="other.example/log")
    for body in ("example.com/log\n07\nAQ==\n", "example.com/log\n7\nAQ==\n", "only-origin\n"):
        with pytest.raises(VerificationFailed):
            note.Checkpoint.parse(body)
