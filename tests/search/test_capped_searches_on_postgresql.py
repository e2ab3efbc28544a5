"""On PostgreSQL a search that stops at its cap answers the same whichever plan or process serves it."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.orm import Session

from tests.search.conftest import load
from tests.support.registry_files import enterprise_row
from xinyong.db import make_engine
from xinyong.search import backends, service
from xinyong.search.backends import PostgresTrgm
from xinyong.search.service import search

# Plans PostgreSQL may pick on its own (a generic plan, a misestimate, a busy table): hashing
# the join, scanning in parallel, or starting a scan where another one has got to.
ADVERSE = (
    "SET enable_nestloop = off",
    "SET enable_mergejoin = off",
    "SET parallel_setup_cost = 0",
    "SET parallel_tuple_cost = 0",
    "SET min_parallel_table_scan_size = 0",
)


@pytest.fixture
def crowd(engine, tmp_path, monkeypatch):
    if engine.dialect.name != "postgresql":
        pytest.skip(
            "SQLite reads a capped search in one fixed order (FTS rowids, joins as written)"
        )
    # 海州区测试 in the middle of 160 names, more than the cap of a search of three or more
    # characters (lowered from 1,000 so that a small registry has a crowd).
    monkeypatch.setattr(service, "CAP", 100)
    load(engine, tmp_path / "d", [enterprise_row(2000 + i) for i in range(160)])
    with engine.begin() as conn:
        # Rewritten rows move to the end of the table: the enterprise table's order is then
        # no longer the order its entries were written in.
        conn.execute(text("UPDATE enterprise SET name = name || '' WHERE id % 3 = 0"))
    return engine


def _pages(engine, settings=(), **filters) -> list[list[str]]:
    with engine.connect() as conn:
        for setting in settings:
            conn.execute(text(setting))
        with Session(bind=conn) as session:
            first = search(session, "海州区测试", **filters)
            assert first.total_capped
            return [
                [
                    item.credit_code
                    for item in search(session, "海州区测试", page=n, **filters).items
                ]
                for n in range(1, (first.total + 19) // 20 + 1)
            ]


def test_a_filtered_crowd_pages_the_same_enterprises_whichever_plan_reads_it(crowd):
    usual = _pages(crowd, status="存续")
    listed = [code for page in usual for code in page]
    assert len(listed) == len(set(listed)) >= 100  # each once, none repeated
    assert _pages(crowd, ADVERSE, status="存续") == usual
    assert _pages(crowd, ADVERSE) == _pages(crowd)


def test_the_servers_connections_never_scan_in_parallel_or_from_midway(crowd):
    with crowd.connect() as conn:
        assert conn.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"
        assert conn.execute(text("SHOW synchronize_seqscans")).scalar() == "off"


def test_every_process_estimates_trigram_frequencies_from_the_same_sample(crowd, monkeypatch):
    with crowd.connect() as conn:
        entries = conn.execute(text("SELECT count(*) FROM search_entry")).scalar()
        conn.execute(text("ANALYZE search_entry"))
    # A sample of about half the entries, taken afresh as each new process does, and every
    # trigram counted (a small registry has none as common as a real one's).
    monkeypatch.setattr(backends, "SAMPLE_ENTRIES", entries // 2)
    monkeypatch.setattr(backends, "COMMON", 4)
    estimates = []
    for _ in range(4):
        monkeypatch.setattr(backends, "_SAMPLES", {})
        engine = make_engine(crowd.url.render_as_string(hide_password=False))
        with engine.connect() as conn:
            estimates.append(PostgresTrgm(conn)._common())
        engine.dispose()
    assert estimates[0] and all(e == estimates[0] for e in estimates)
