"""Search quality over the 2,000-enterprise demo registry: top-1 accuracy and MRR per query kind.

A labelled set of 40 queries of each of 13 kinds (about 520: short 字号 get no typo query, and fewer enterprises have a former name) made from the demo registry; the
goals are ≥ 0.98 top-1 for code, exact, traditional and pinyin queries and ≥ 0.9 for typos.
The table printed also shows in-process latency; timings are reported, never asserted (bench/).
"""

from __future__ import annotations

from xinyong.demo.generator import generate
from xinyong.registry.importer import import_file
from xinyong.search.evaluation import FLOORS, evaluate, labelled_queries, sample_rows, table
from xinyong.search.index import rebuild


def test_search_quality_on_the_demo_registry(engine, session, tmp_path, capsys):
    drop = tmp_path / "demo"
    drop.mkdir()
    generate(drop, enterprises=2000, seed=11)
    import_file(engine, drop / "enterprises.csv", "registry.enterprises", demo=True)
    rebuild(engine)

    queries = labelled_queries(sample_rows(session, 400, seed=3), per_kind=40, seed=4)
    scores = evaluate(session, queries)
    with capsys.disabled():
        print("\n" + table(scores))

    assert len(queries) >= 200 and set(FLOORS) <= set(scores)
    for kind, floor in FLOORS.items():
        assert scores[kind].accuracy >= floor, (kind, scores[kind].accuracy)
