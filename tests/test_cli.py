"""From the shell: check a code, import a registry drop, look an enterprise up by code or name."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.support.registry_files import credit_code, enterprise_row, write_enterprises


def _xinyong(*args: str, database_url: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, XINYONG_DATABASE_URL=database_url, COLUMNS="200")
    return subprocess.run(
        [sys.executable, "-m", "xinyong", *args], env=env, capture_output=True, text=True
    )


def test_code_check_exit_status_and_json(database_url):
    good = _xinyong("code", credit_code(1), "--json", database_url=database_url)
    assert (
        good.returncode == 0 and json.loads(good.stdout)["decoded"]["division"]["code"] == "320706"
    )
    bad = _xinyong("code", credit_code(1)[:-1] + "I", database_url=database_url)
    assert bad.returncode == 1 and "第18位" in bad.stdout


def test_import_then_lookup_by_code_and_by_name(tmp_path, database_url):
    write_enterprises(
        tmp_path / "drop" / "enterprises.csv",
        [enterprise_row(1, 企业名称="连云港金鼎盛国际要账有限公司")],
    )
    imported = _xinyong("import-registry", str(tmp_path / "drop"), database_url=database_url)
    assert imported.returncode == 0, imported.stderr

    by_code = _xinyong("lookup", credit_code(1), "--json", database_url=database_url)
    assert json.loads(by_code.stdout)["enterprise"]["name"] == "连云港金鼎盛国际要账有限公司"
    by_pinyin = _xinyong("lookup", "jds", "--json", database_url=database_url)
    assert [i["credit_code"] for i in json.loads(by_pinyin.stdout)["items"]] == [credit_code(1)]
    # Words no name holds together as typed: the table says what was matched instead.
    by_words = _xinyong("lookup", "连云港 要账", database_url=database_url)
    assert "以下名称包含其中每个词：连云港、要账" in by_words.stdout.replace("\n", "")
    assert credit_code(1) in by_words.stdout
    assert _xinyong("--version", database_url=database_url).stdout.startswith("xinyong ")


def test_serve_with_two_workers_gives_them_a_fresh_shared_cache_and_clears_a_killed_servers(
    tmp_path, monkeypatch
):
    from xinyong.cli import _shared_cache_dir
    from xinyong.settings import get_settings

    monkeypatch.setenv("XINYONG_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("XINYONG_REDIS_URL", raising=False)
    monkeypatch.delenv("XINYONG_SHARED_CACHE_DIR", raising=False)
    # A server killed before it could clean up (no process has this id: above pid_max).
    orphan = tmp_path / "cache" / "answers-99999999-x1"
    orphan.mkdir(parents=True)
    mine = tmp_path / "cache" / f"answers-{os.getpid()}-x2"  # a server still running
    mine.mkdir()
    get_settings.cache_clear()
    try:
        assert _shared_cache_dir(workers=1) is None  # one process has nobody to share with
        folder = _shared_cache_dir(workers=2)
        assert folder and os.environ["XINYONG_SHARED_CACHE_DIR"] == folder
        assert get_settings().shared_cache_dir is not None
        assert not orphan.exists() and mine.exists()
        assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(
            [mine.name, os.path.basename(folder)]
        )
    finally:
        os.environ.pop("XINYONG_SHARED_CACHE_DIR", None)  # set by the code under test
        get_settings.cache_clear()
