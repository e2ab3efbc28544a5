"""The industries a visitor can narrow a search to are the ones the registry holds."""

from __future__ import annotations

from tests.support.registry_files import enterprise_row, write_enterprises
from xinyong.registry.importer import import_registry_dir
from xinyong.registry.service import industries

# Four industries, one enterprise without any, one with a blank one.
INDUSTRY_OF = {
    1: "制造业",
    2: "批发和零售业",
    3: "批发和零售业",
    4: "建筑业",
    5: "批发和零售业",
    6: "制造业",
    7: "租赁和商务服务业",
    8: "",
}


def _load(tmp_path, engine, session) -> None:
    write_enterprises(
        tmp_path / "enterprises.csv",
        [enterprise_row(n, 所属行业=industry) for n, industry in INDUSTRY_OF.items()],
    )
    import_registry_dir(engine, tmp_path)
    session.commit()


def test_the_filter_offers_every_industry_the_registry_holds_sorted(tmp_path, engine, session):
    _load(tmp_path, engine, session)
    assert industries(session) == sorted({"制造业", "批发和零售业", "建筑业", "租赁和商务服务业"})
    assert industries(session, most=4) == industries(session)


def test_a_registry_with_too_many_industries_offers_the_commonest(tmp_path, engine, session):
    _load(tmp_path, engine, session)
    # 批发和零售业 three times, 制造业 twice: the two commonest, sorted.
    assert industries(session, most=2) == sorted({"批发和零售业", "制造业"})
    assert industries(session, most=1) == ["批发和零售业"]
