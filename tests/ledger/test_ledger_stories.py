"""Other domains append to the ledger; anyone holding the public key can check what was logged."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import event, select, update

from tests.ledger.test_merkle import naive_root
from xinyong.errors import InvalidInput
from xinyong.ledger import audit, bundle, evidence, keys, merkle, note, service
from xinyong.ledger.errors import VerificationFailed
from xinyong.ledger.models import LedgerCheckpoint, LedgerLeaf, LedgerNode, LedgerTree, node_id

T0 = datetime(2026, 3, 2, 1, 30, tzinfo=UTC)
PHOTO = b"\xff\xd8\xff\xe0 progress photo of the debtor's warehouse"


def _vkeys(session):
    return service.verifiers(session)


def test_an_evidence_photo_is_stored_once_by_its_hash_and_committed_to_by_its_leaf(
    session, ledger_settings
):
    receipt = service.append(
        session,
        "evidence",
        {"case": "C-2026-0001", "caption": "走访债务人仓库", "amount": Decimal("12345.60")},
        PHOTO,
        file_name="warehouse.jpg",
        media_type="image/jpeg",
        now=T0,
        settings=ledger_settings,
    )
    again = service.append(
        session, "evidence", {"case": "C-2026-0002"}, PHOTO, now=T0, settings=ledger_settings
    )
    session.commit()

    sha = hashlib.sha256(PHOTO).hexdigest()
    stored = ledger_settings.evidence_dir / sha[:2] / sha[2:]
    assert stored.read_bytes() == PHOTO
    assert [p.name for p in stored.parent.iterdir()] == [sha[2:]]  # one copy for both leaves
    assert (receipt.index, again.index) == (0, 1)
    assert receipt.file_sha256 == sha
    # Canonical JSON: sorted keys, no spaces, UTF-8, times in UTC, decimals as strings.
    assert (
        receipt.data
        == (
            f'{{"file":{{"media_type":"image/jpeg","name":"warehouse.jpg","sha256":"{sha}","size":{len(PHOTO)}}},'
            '"kind":"evidence","payload":{"amount":"12345.60","caption":"走访债务人仓库",'
            '"case":"C-2026-0001"},"recorded_at":"2026-03-02T01:30:00Z","v":1}'
        ).encode()
    )
    assert receipt.leaf_hash == hashlib.sha256(b"\x00" + receipt.data).digest()


def test_a_bad_kind_or_payload_is_refused_in_both_languages(session, ledger_settings):
    with pytest.raises(InvalidInput) as bad_kind:
        service.append(session, "Debt Registration", {}, settings=ledger_settings)
    assert "类型" in bad_kind.value.message_zh and "kind" in bad_kind.value.message_en
    with pytest.raises(InvalidInput) as bad_value:
        service.append(
            session, "verification", {"when": datetime(2026, 1, 1)}, settings=ledger_settings
        )
    assert "payload.when" in bad_value.value.message_en
    assert service.tree_size(session) == 0


def test_the_stored_tree_matches_the_reference_for_every_size_and_batch(session, ledger_settings):
    datas = []
    batches = [1, 1, 2, 3, 1, 5, 8, 1, 13, 2, 4, 1]  # 42 leaves, arriving singly and in batches
    for n in batches:
        entries = [service.Entry("access_audit_batch", {"n": len(datas) + i}) for i in range(n)]
        receipts = service.append_many(session, entries, now=T0, settings=ledger_settings)
        datas.extend(r.data for r in receipts)
        size = len(datas)
        assert service.root_hash(session, size) == naive_root(datas)
    session.commit()
    size = len(datas)
    roots = [naive_root(datas[:n]) for n in range(size + 1)]
    for tree_size in range(1, size + 1):
        for index in range(tree_size):
            p = service.inclusion(session, tree_size, index=index)
            merkle.verify_inclusion(index, tree_size, p.leaf_hash, p.proof, roots[tree_size])
        for first in range(1, tree_size + 1, 3):
            proof = service.consistency(session, first, tree_size)
            merkle.verify_consistency(first, tree_size, proof, roots[first], roots[tree_size])


def _statements(session, do) -> list[str]:
    """The SQL an action sends, in order."""
    engine = session.get_bind()
    sent: list[str] = []

    def seen(_conn, _cursor, statement, *_):
        sent.append(" ".join(statement.split()))

    event.listen(engine, "before_cursor_execute", seen)
    try:
        do()
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    return sent


def test_a_batch_of_entries_goes_in_by_one_insert_per_table(session, ledger_settings):
    # The record writer appends under the size row's lock, which every other writer waits for.
    # On SQLite a row-by-row insert is a hand-over of the GIL per row (db.InsertAtOnce): the
    # hashes travel in one blob and come back intact. On PostgreSQL each statement is a round
    # trip: the whole append is one call of the database's own function (migration 0028).
    entries = [service.Entry("verification", {"n": n}) for n in range(7)]
    receipts = []
    sent = _statements(
        session,
        lambda: receipts.extend(
            service.append_many(session, entries, now=T0, settings=ledger_settings)
        ),
    )
    if session.get_bind().dialect.name == "sqlite":
        inserts = [s for s in sent if s.startswith("INSERT INTO ledger_")]
        assert len(inserts) == 2  # the leaves, then the completed subtrees' hashes
        assert all("json_each" in s for s in inserts)
    else:
        assert [s for s in sent if "ledger_" in s] == [
            next(s for s in sent if s.startswith("SELECT ledger_append("))
        ]
    stored = session.query(LedgerLeaf).order_by(LedgerLeaf.leaf_index).all()
    assert [(s.leaf_hash, s.data) for s in stored] == [(r.leaf_hash, r.data) for r in receipts]
    assert session.query(LedgerNode).count() == 4  # subtrees of 2, 2, 2 and 4 leaves
    assert service.root_hash(session, 7) == naive_root([r.data for r in receipts])


def test_an_append_takes_the_tree_s_frontier_with_its_reservation(session, ledger_settings):
    # The subtrees an append hashes its new ones from come back with the size it reserves: the
    # writer holding the size row reads no leaf or node table (bench/RESULTS.md, load).
    first = service.append_many(
        session, [service.Entry("verification", {"n": n}) for n in range(5)], now=T0
    )
    later = []
    sent = _statements(
        session,
        lambda: later.extend(
            service.append_many(
                session, [service.Entry("verification", {"n": n}) for n in range(5, 8)], now=T0
            )
        ),
    )
    assert not [s for s in sent if " FROM ledger_" in s]
    datas = [r.data for r in first + later]
    assert service.root_hash(session, 8) == naive_root(datas)
    for index in range(8):
        proof = service.inclusion(session, 8, index=index)
        merkle.verify_inclusion(index, 8, proof.leaf_hash, proof.proof, naive_root(datas))


def test_a_tree_without_its_frontier_for_this_size_reads_it_from_the_subtrees(
    session, ledger_settings
):
    # A database upgraded from before the frontier was kept has none; one whose size an older
    # version moved keeps a frontier of another size. Either way the append reads the tables.
    def add(count: int) -> list[bytes]:
        entries = [service.Entry("verification", {"n": n}) for n in range(count)]
        return [r.data for r in service.append_many(session, entries, now=T0)]

    datas = add(4)
    stale = session.execute(select(LedgerTree.frontier)).scalar_one()
    datas += add(1)
    session.execute(update(LedgerTree).values(frontier=stale))  # kept for size 4, not 5
    datas += add(3)
    assert service.root_hash(session, 8) == naive_root(datas)
    session.execute(update(LedgerTree).values(frontier=None))
    sent = _statements(session, lambda: datas.extend(add(3)))
    if session.get_bind().dialect.name == "sqlite":  # PostgreSQL's function reads them itself
        assert [s for s in sent if s.startswith("SELECT") and "ledger_node" in s]
    assert service.root_hash(session, 11) == naive_root(datas)
    datas += add(2)  # and from then on it is kept again
    assert service.root_hash(session, 13) == naive_root(datas)


def test_an_append_onto_a_tree_missing_a_subtree_is_refused_in_both_languages(
    session, ledger_settings
):
    # With no frontier kept, the append reads it from the tables; a subtree gone from them is a
    # damaged tree, and nothing is appended onto it (by Python on SQLite, by the database's
    # function on PostgreSQL).
    service.append_many(
        session, [service.Entry("verification", {"n": n}) for n in range(6)], now=T0
    )
    session.commit()
    session.execute(update(LedgerTree).values(frontier=None))
    session.execute(LedgerNode.__table__.delete().where(LedgerNode.node_id == node_id(2, 0)))
    with pytest.raises(VerificationFailed) as refused:
        service.append_many(session, [service.Entry("verification", {"n": 6})], now=T0)
    assert "账本缺少子树哈希" in refused.value.message_zh
    assert "level 2, index 0" in refused.value.message_en
    session.rollback()
    assert session.execute(select(LedgerTree.size)).scalar_one() == 6


def test_a_leaf_is_found_by_its_hash_and_proven_in_a_later_tree(session, ledger_settings):
    first = service.append(session, "debt_registration", {"debtor": "甲"}, settings=ledger_settings)
    for i in range(6):
        service.append(session, "verification", {"i": i}, settings=ledger_settings)
    proof = service.inclusion(session, 7, leaf_hash=first.leaf_hash)
    assert proof.leaf_index == 0 and len(proof.proof) == 3
    merkle.verify_inclusion(0, 7, first.leaf_hash, proof.proof, service.root_hash(session, 7))
    with pytest.raises(InvalidInput):
        service.inclusion(session, 8, leaf_hash=first.leaf_hash)  # the log is not that big yet
    with pytest.raises(InvalidInput):
        service.consistency(session, 0, 7)


def test_checkpoints_are_signed_notes_kept_as_history(session, ledger_settings):
    service.append(session, "list_decision", {"list": "black"}, settings=ledger_settings)
    cp1 = service.checkpoint(session, now=T0, settings=ledger_settings)
    assert service.checkpoint(session, now=T0, settings=ledger_settings).id == cp1.id  # unchanged
    service.append(session, "list_decision", {"list": "red"}, settings=ledger_settings)
    cp2 = service.checkpoint(session, now=T0 + timedelta(hours=1), settings=ledger_settings)
    session.commit()

    lines = cp2.note.split("\n")
    assert lines[:3] == ["credit.example.test/ledger", "2", merkle_b64(cp2.root_hash)]
    assert lines[3] == "" and lines[4].startswith("— credit.example.test/ledger ")
    vkey = service.published_keys(session)[0].vkey
    assert vkey.startswith("credit.example.test/ledger+")
    for cp in (cp1, cp2):
        checkpoint, _ = note.open_checkpoint(cp.note, [note.parse_vkey(vkey)])
        assert checkpoint.size == cp.tree_size
    proof = service.consistency(session, 1, 2)
    merkle.verify_consistency(1, 2, proof, cp1.root_hash, cp2.root_hash)
    # The private key sits in the key folder, readable by its owner only.
    (key_file,) = ledger_settings.key_dir.glob("*.key")
    assert key_file.stat().st_mode & 0o077 == 0


def merkle_b64(h: bytes) -> str:
    import base64

    return base64.b64encode(h).decode()


def test_the_signing_key_is_rotated_without_breaking_old_checkpoints(session, ledger_settings):
    service.append(session, "verification", {"i": 0}, settings=ledger_settings)
    old_cp = service.checkpoint(session, settings=ledger_settings)
    (old_key,) = service.verifiers(session)

    # Rotation starts: the new key signs beside the old one, even with no new leaf.
    new_signer = keys.add_key(ledger_settings.key_dir, "credit.example.test/ledger")
    both = service.checkpoint(session, settings=ledger_settings)
    assert both.id != old_cp.id and both.tree_size == old_cp.tree_size
    assert len(note.open_note(both.note, [old_key, new_signer.verifier])[1]) == 2

    # Rotation ends: the old key retires; new checkpoints carry the new signature only.
    keys.retire_key(ledger_settings.key_dir, old_key.key_hash.hex())
    service.retire_recorded_key(session, old_key.key_hash.hex())
    service.append(session, "verification", {"i": 1}, settings=ledger_settings)
    new_cp = service.checkpoint(session, settings=ledger_settings)
    session.commit()
    with pytest.raises(VerificationFailed):
        note.open_checkpoint(new_cp.note, [old_key])
    note.open_checkpoint(new_cp.note, [new_signer.verifier])
    note.open_checkpoint(old_cp.note, [old_key])  # the old vkey still checks the old ones
    assert [k.retired_at is not None for k in service.published_keys(session)] == [True, False]
    assert audit.audit(session, settings=ledger_settings).ok


def _logged_case(session, ledger_settings):
    photo = service.append(
        session,
        "evidence",
        {"case": "C-1", "caption": "催收进展"},
        PHOTO,
        file_name="p.jpg",
        settings=ledger_settings,
    )
    for i in range(9):
        service.append(session, "debt_registration", {"i": i}, settings=ledger_settings)
    service.checkpoint(session, settings=ledger_settings)
    session.commit()
    return photo


def test_an_exported_bundle_verifies_offline_with_only_the_public_key(session, ledger_settings):
    photo = _logged_case(session, ledger_settings)
    data = service.export_bundle(session, photo.index, settings=ledger_settings)
    vkey = note.parse_vkey(service.published_keys(session)[0].vkey)
    report = bundle.verify(data, [vkey])
    assert (report.leaf_index, report.tree_size, report.kind) == (0, 10, "evidence")
    assert report.file_sha256 == hashlib.sha256(PHOTO).hexdigest()
    assert audit.audit(session, settings=ledger_settings).ok


def test_a_bundle_without_the_file_is_checked_against_the_file_its_holder_has(
    session, ledger_settings
):
    photo = _logged_case(session, ledger_settings)
    data = service.export_bundle(session, photo.index, include_file=False, settings=ledger_settings)
    vkeys = _vkeys(session)
    assert bundle.verify(data, vkeys).file_checked is False
    assert bundle.verify(data, vkeys, PHOTO).file_sha256 == photo.file_sha256
    with pytest.raises(VerificationFailed) as failed:
        bundle.verify(data, vkeys, PHOTO + b" retouched")
    assert "(--file)" in failed.value.message_en


def test_a_modified_stored_leaf_is_detected(session, ledger_settings):
    photo = _logged_case(session, ledger_settings)
    forged = photo.data.replace("催收进展".encode(), "已全额回款".encode())
    session.execute(update(LedgerLeaf).where(LedgerLeaf.leaf_index == 0).values(data=forged))
    session.commit()

    report = audit.audit(session, settings=ledger_settings)
    assert any("leaf 0 does not match its hash" in en for _, en in report.problems)
    vkeys = _vkeys(session)
    with pytest.raises(VerificationFailed) as failed:
        bundle.verify(service.export_bundle(session, 0, settings=ledger_settings), vkeys)
    assert "叶子 0 不在已签名的树中" in failed.value.message_zh

    # Rewriting the stored hash as well does not help: the subtree hashes and the signed root
    # still commit to the original leaf.
    session.execute(
        update(LedgerLeaf)
        .where(LedgerLeaf.leaf_index == 0)
        .values(leaf_hash=merkle.leaf_hash(forged))
    )
    session.commit()
    report = audit.audit(session, settings=ledger_settings)
    assert any("subtree hash at level 1, index 0 was altered" in en for _, en in report.problems)
    with pytest.raises(VerificationFailed):
        bundle.verify(service.export_bundle(session, 0, settings=ledger_settings), vkeys)


def test_a_modified_subtree_hash_is_detected(session, ledger_settings):
    _logged_case(session, ledger_settings)
    session.execute(
        update(LedgerNode).where(LedgerNode.node_id == node_id(2, 1)).values(hash=b"\x07" * 32)
    )
    session.commit()
    report = audit.audit(session, settings=ledger_settings)
    assert [en for _, en in report.problems] == ["subtree hash at level 2, index 1 was altered"]


def test_a_modified_kept_frontier_is_detected(session, ledger_settings):
    _logged_case(session, ledger_settings)
    assert audit.audit(session, settings=ledger_settings).ok
    kept = session.execute(select(LedgerTree.frontier)).scalar_one()
    session.execute(update(LedgerTree).values(frontier=kept[:-1] + bytes([kept[-1] ^ 1])))
    session.commit()
    report = audit.audit(session, settings=ledger_settings)
    assert [en for _, en in report.problems] == [
        "the ledger's kept frontier differs from the one recomputed from the leaves: altered"
    ]


def test_a_modified_evidence_file_is_detected(session, ledger_settings):
    photo = _logged_case(session, ledger_settings)
    path = evidence.path_for(ledger_settings.evidence_dir, photo.file_sha256)
    path.chmod(0o644)
    path.write_bytes(PHOTO.replace(b"warehouse", b"showroom!"))

    report = audit.audit(session, settings=ledger_settings)
    assert [en for _, en in report.problems] == [
        f"evidence file {photo.file_sha256} of leaf 0 was altered"
    ]
    with pytest.raises(VerificationFailed) as failed:
        bundle.verify(service.export_bundle(session, 0, settings=ledger_settings), _vkeys(session))
    assert "证据文件" in failed.value.message_zh and "altered" in failed.value.message_en


def test_a_modified_past_checkpoint_is_detected(session, ledger_settings):
    _logged_case(session, ledger_settings)
    (cp,) = session.query(LedgerCheckpoint).all()
    for i in range(3):
        service.append(session, "verification", {"later": i}, settings=ledger_settings)
    service.checkpoint(session, settings=ledger_settings)
    # Someone rewrites the old checkpoint's root to hide an entry.
    fake_root = merkle_b64(b"\x42" * 32)
    lines = cp.note.split("\n")
    forged = "\n".join([lines[0], lines[1], fake_root, *lines[3:]])
    session.execute(
        update(LedgerCheckpoint)
        .where(LedgerCheckpoint.id == cp.id)
        .values(note=forged, root_hash=b"\x42" * 32)
    )
    session.commit()
    report = audit.audit(session, settings=ledger_settings)
    assert len(report.problems) == 1
    assert f"checkpoint #{cp.id} (size 10) does not verify" in report.problems[0][1]

    # A forged checkpoint in a bundle is refused too.
    data = service.export_bundle(session, 0, settings=ledger_settings)
    good = bundle.verify(data, _vkeys(session))
    assert good.tree_size == 13
    with pytest.raises(VerificationFailed) as failed:
        note.open_checkpoint(forged, _vkeys(session))
    assert "签名无效" in failed.value.message_zh


def test_writers_appending_at_once_queue_and_leave_a_sound_log(engine, ledger_settings):
    import threading

    from xinyong.db import session_factory

    sessions = session_factory(engine)
    start = threading.Barrier(4)
    failures = []

    def writer(w: int) -> None:
        try:
            start.wait()
            for i in range(15):
                with sessions() as s:
                    service.append(
                        s, "verification", {"writer": w, "i": i}, settings=ledger_settings
                    )
                    s.commit()
        except Exception as exc:  # noqa: BLE001 - reported below
            failures.append(exc)

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert failures == []
    with sessions() as s:
        assert service.tree_size(s) == 60
        report = audit.audit(s, settings=ledger_settings)
        assert report.ok and report.leaves == 60
