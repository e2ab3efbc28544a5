"""The index follows the registry: renames and status changes through the ingest, full rebuilds."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import func, select, text

from tests.search.conftest import HAIXIN_ACTIVE, HAIXIN_REVOKED, JDS, load, registry_rows
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.api.app import create_app
from xinyong.search.api import router
from xinyong.search.index import rebuild
from xinyong.search.models import SearchEntry
from xinyong.search.service import search


def codes(page) -> list[str]:
    return [item.credit_code for item in page.items]


def test_a_rename_in_the_next_sync_is_searchable_at_once(registry, session, tmp_path):
    rows = registry_rows()
    rows[0] = rows[0] | {"企业名称": "连云港金鼎盛法律咨询有限公司"}
    rows[2] = rows[2] | {"登记状态": "注销"}
    load(registry, tmp_path / "next", rows)

    assert codes(search(session, "金鼎盛法律咨询")) == [JDS]
    assert codes(search(session, "国际要账")) == []  # the old name is gone from the index
    # and so are the old core's one- and two-character postings: none points to no entry.
    orphans = session.execute(
        text(
            "SELECT count(*) FROM search_gram g "
            "WHERE NOT EXISTS (SELECT 1 FROM search_entry e WHERE e.id = g.entry_id)"
        )
    ).scalar_one()
    assert orphans == 0
    if session.bind.dialect.name == "sqlite":
        # The trigram index reads its text from search_entry: it must match it exactly
        # (FTS5 raises "database disk image is malformed" otherwise).
        session.execute(
            text("INSERT INTO search_fts(search_fts, rank) VALUES('integrity-check', 1)")
        )
    # The revoked one now outranks the cancelled one.
    assert codes(search(session, "海鑫")) == [HAIXIN_REVOKED, HAIXIN_ACTIVE]


def test_a_words_search_that_found_nothing_finds_a_firm_the_next_sync_brings(
    registry, session, tmp_path
):
    # A visitor looks for 新瀚洋 连云港 before the registry knows it: nothing. The firm comes
    # with the next day's file, and the same search in the same server process finds it: what
    # the process remembered of the index ("no entry holds 新瀚洋") does not outlive the sync.
    assert search(session, "新瀚洋 连云港").total == 0
    session.rollback()
    rows = registry_rows() + [enterprise_row(50, 企业名称="连云港新瀚洋物流有限公司")]
    load(registry, tmp_path / "next", rows)
    assert codes(search(session, "新瀚洋 连云港")) == [credit_code(50)]


def test_a_rebuild_indexes_what_was_imported_without_the_hook(engine, session, tmp_path):
    load(engine, tmp_path / "drop", registry_rows(), hook=False)
    assert search(session, "金鼎盛").total == 0
    seen: list[tuple[int, int]] = []

    written = rebuild(
        engine, progress=lambda done, total: seen.append((done, total)), batch_size=10
    )

    assert codes(search(session, "金鼎盛")) == [JDS]
    assert codes(search(session, "jds"))[0] == JDS
    assert seen[-1] == (32, 32) and len(seen) == 4
    assert written == session.scalar(select(func.count()).select_from(SearchEntry))
    # Rebuilding twice gives the same index, not a doubled one.
    assert rebuild(engine) == written
    assert codes(search(session, "金鼎盛")) == [JDS]


def test_the_api_returns_a_page_of_results(registry, tmp_path):
    load(
        registry,
        tmp_path / "more",
        [enterprise_row(900, **{"企业名称": "连云港金鼎盛物业有限公司"})],
    )
    app = create_app(registry)
    app.include_router(router)
    with TestClient(app) as client:
        body = client.get("/api/v1/enterprises", params={"q": "金鼎盛", "size": 1}).json()
        assert body["total"] == 2 and len(body["items"]) == 1
        assert set(body["items"][0]) >= {"credit_code", "name", "status", "highlight", "match"}
        assert client.get("/api/v1/enterprises", params={"q": ""}).status_code == 422
        assert client.get("/api/v1/enterprises", params={"q": "x", "size": 0}).status_code == 422


def test_upgrading_a_database_that_already_has_enterprises_indexes_them(tmp_path):
    from tests.conftest import _fresh_database
    from xinyong.db import make_engine, session_factory, upgrade

    url, drop = _fresh_database(tmp_path)
    try:
        upgrade(url, "0003")
        engine = make_engine(url)
        load(engine, tmp_path / "old", registry_rows(), hook=False)
        upgrade(url)
        with session_factory(engine)() as session:
            assert codes(search(session, "金鼎盛")) == [JDS]
            assert codes(search(session, "jindingsheng"))[0] == JDS
        engine.dispose()
    finally:
        drop()


def test_upgrading_indexes_a_brand_that_starts_with_a_place_name_under_its_whole_core(tmp_path):
    from tests.conftest import _fresh_database
    from xinyong.db import make_engine, session_factory, upgrade

    url, drop = _fresh_database(tmp_path)
    try:
        upgrade(url, "0031")
        engine = make_engine(url)
        # 江源 is also a district in Jilin; in this name it starts the 字号 (江源道).
        row = enterprise_row(901, **{"企业名称": "连云港市海州区江源道物流有限公司"})
        load(engine, tmp_path / "old", [row], hook=False)
        upgrade(url)  # 0032 rebuilds the index with the new cores
        with session_factory(engine)() as session:
            found = search(session, "jydwl")
            assert [item.name for item in found.items] == ["连云港市海州区江源道物流有限公司"]
        engine.dispose()
    finally:
        drop()


def test_upgrading_gives_a_bank_named_for_its_province_its_place_and_trade_core(tmp_path):
    from tests.conftest import _fresh_database
    from xinyong.db import make_engine, session_factory, upgrade
    from xinyong.search.index import replace

    url, drop = _fresh_database(tmp_path)
    try:
        upgrade(url, "0032")
        engine = make_engine(url)
        rows = [
            enterprise_row(902, **{"企业名称": "江苏银行股份有限公司"}),
            enterprise_row(903, **{"企业名称": "连云港金鼎盛国际要账有限公司"}),
        ]
        load(engine, tmp_path / "old", rows)
        # The bank's entries as the last release left them are gone: whatever 0033 gives it
        # is its own doing.
        with engine.begin() as conn:
            replace(conn, [], stale=[credit_code(902)])
        with session_factory(engine)() as session:
            assert search(session, "jsyh").items == []
        upgrade(url)  # 0033 re-indexes the names its cores concern
        with session_factory(engine)() as session:
            assert [item.name for item in search(session, "jsyh").items] == ["江苏银行股份有限公司"]
            assert [item.name for item in search(session, "jds").items] == [
                "连云港金鼎盛国际要账有限公司"
            ]
        engine.dispose()
    finally:
        drop()


def test_enterprises_a_killed_first_load_left_unindexed_are_indexed_by_the_next_sync(
    engine, session, tmp_path
):
    from xinyong.search.index import ensure_complete
    from xinyong.sources.config import get_source
    from xinyong.sources.scheduler import run_syncs

    load(engine, tmp_path / "drop", registry_rows(), hook=False)  # landed, never indexed
    assert search(session, "金鼎盛").total == 0
    # The registry's next sync takes the same file up again: nothing in it changed, and the
    # firms it left unindexed are indexed all the same.
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path / "drop"})])
    assert codes(search(session, "金鼎盛")) == [JDS]
    assert ensure_complete(engine) == 0  # complete: nothing to do
