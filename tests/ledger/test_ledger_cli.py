"""From the shell: append a file, export its bundle, and verify it offline with only the vkey."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import zipfile


def _xinyong(*args: str, database_url: str, data_dir) -> subprocess.CompletedProcess:
    env = dict(
        os.environ, XINYONG_DATABASE_URL=database_url, XINYONG_DATA_DIR=str(data_dir), COLUMNS="200"
    )
    env.pop("XINYONG_LEDGER_ORIGIN", None)
    return subprocess.run(
        [sys.executable, "-m", "xinyong", *args], env=env, capture_output=True, text=True
    )


def _rewrite(src, dst, name: str, change) -> None:
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            zout.writestr(item, change(data) if item.filename == name else data)


def test_append_export_and_verify_offline(tmp_path, database_url):
    run = lambda *a: _xinyong(*a, database_url=database_url, data_dir=tmp_path / "data")  # noqa: E731
    photo = tmp_path / "visit.jpg"
    photo.write_bytes(b"\xff\xd8 site visit")
    appended = run("ledger", "append", str(photo), "--kind", "evidence", "--meta", '{"case":"C-7"}')
    assert appended.returncode == 0, appended.stderr
    assert "leaf #0" in appended.stdout
    for i in range(4):
        assert (
            run(
                "ledger", "append", "--kind", "verification", "--meta", json.dumps({"i": i})
            ).returncode
            == 0
        )

    vkey = run("ledger", "key").stdout.strip()
    assert vkey.startswith("xinyong-320700/ledger+")
    checkpoint = run("ledger", "checkpoint").stdout
    assert checkpoint.split("\n")[:2] == ["xinyong-320700/ledger", "5"]

    bundle = tmp_path / "leaf0.zip"
    assert run("ledger", "export", "0", "-o", str(bundle)).returncode == 0
    key_file = tmp_path / "ledger.vkey"
    key_file.write_text(vkey + "\n")

    # Offline: a different data folder and a database URL that does not exist.
    offline = lambda *a: _xinyong(  # noqa: E731
        *a, database_url="sqlite:////nonexistent/x.db", data_dir=tmp_path / "elsewhere"
    )
    ok = offline("ledger", "verify", str(bundle), "--key", str(key_file))
    assert ok.returncode == 0, ok.stderr
    assert "证据包验证通过 / bundle verified" in ok.stdout and "C-7" in ok.stdout

    # Every kind of tampering fails, with a reason in Chinese and English.
    altered_file = tmp_path / "file.zip"
    _rewrite(
        bundle,
        altered_file,
        next(n for n in zipfile.ZipFile(bundle).namelist() if n.startswith("evidence/")),
        lambda d: d + b"!",
    )
    altered_leaf = tmp_path / "leaf.zip"
    _rewrite(bundle, altered_leaf, "leaf.json", lambda d: d.replace(b"C-7", b"C-8"))
    altered_cp = tmp_path / "cp.zip"
    _rewrite(bundle, altered_cp, "bundle.json", lambda d: d.replace(b"\\n5\\n", b"\\n6\\n"))
    made = offline("ledger", "key")  # a fresh key in the other folder, and a warning that says so
    other_key = made.stdout.strip()
    assert "原无签名密钥，已新建" in made.stderr and "this is not the server's key" in made.stderr
    assert "已新建" not in run("ledger", "key").stderr  # the server's own folder has its key
    cases = {
        altered_file: ("证据文件", "altered"),
        altered_leaf: ("叶子 0 不在已签名的树中", "not in the signed tree"),
        altered_cp: ("签名无效", "invalid"),
    }
    for path, (zh, en) in cases.items():
        bad = offline("ledger", "verify", str(path), "--key", vkey)
        assert bad.returncode == 1, path
        assert zh in bad.stderr and en in bad.stderr, bad.stderr
    wrong_key = offline("ledger", "verify", str(bundle), "--key", other_key)
    assert wrong_key.returncode == 1 and "没有给定公钥的签名" in wrong_key.stderr
    not_zip = offline("ledger", "verify", str(key_file), "--key", vkey)
    assert not_zip.returncode == 1 and "not a valid zip" in not_zip.stderr

    audit = run("ledger", "audit")
    assert audit.returncode == 0 and "ledger intact" in audit.stdout
    (stored,) = (tmp_path / "data" / "evidence").glob("*/*")
    stored.chmod(0o644)
    stored.write_bytes(b"replaced")
    audit = run("ledger", "audit")
    assert audit.returncode == 1 and "was altered" in audit.stderr
