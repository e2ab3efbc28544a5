"""A creditor opens an agency's profile: its 失信 and 被执行人 records are there when the record
names it by code, by its exact name or a former name; a name two companies share is flagged, not
guessed; a person is never tied to a company; an ended 失信 record stays visible, closed."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from tests.support.judicial_files import (
    debtor_row,
    dishonest_row,
    person_dishonest_row,
    register_enterprises,
    write_drop,
)
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.enforcement.importer import ENFORCEMENT_TARGETS, import_file
from xinyong.enforcement.models import DishonestRecord
from xinyong.enforcement.service import records_for
from xinyong.sources.layouts_judicial import ENFORCEMENT_DEBTORS, ENFORCEMENT_DISHONEST
from xinyong.sources.lifecycle import close_records, relink
from xinyong.sources.provenance import RecordHistory

DISHONEST = ENFORCEMENT_DISHONEST.name
ID = "身份证号码/组织机构代码"
NAME = "被执行人姓名/名称"
SHARED_NAME = "连云港市同名商贸有限公司"


def _registry(engine, tmp_path):
    register_enterprises(
        engine,
        tmp_path / "gsxt",
        [
            enterprise_row(1),
            enterprise_row(2, 企业名称="连云港（海州）明远企业管理咨询有限公司"),
            enterprise_row(
                3, 企业名称="连云港市新名商务服务有限公司", 曾用名="连云港市旧名商务咨询有限公司"
            ),
            enterprise_row(4, 企业名称=SHARED_NAME),
            enterprise_row(5, 企业名称=SHARED_NAME),
            enterprise_row(6),
        ],
    )


def _links(session) -> dict[str, tuple]:
    rows = session.execute(
        select(
            DishonestRecord.case_number,
            DishonestRecord.link_status,
            DishonestRecord.linked_credit_code,
            DishonestRecord.link_candidates,
        )
    )
    # keyed by the case's serial number: "（2026）苏0706执11号" → "11"
    return {case.split("执")[1][:-1]: (status, code, cands) for case, status, code, cands in rows}


def test_records_link_by_code_exact_name_or_former_name_and_never_guess(tmp_path, engine, session):
    _registry(engine, tmp_path)
    write_drop(
        tmp_path / "dishonest.csv",
        ENFORCEMENT_DISHONEST,
        [
            dishonest_row(11, **{NAME: "连云港市海州区测试1商贸有限公司", ID: credit_code(1)}),
            # the 9-character organisation code court sites used before credit codes
            dishonest_row(
                16, **{NAME: "某旧称", ID: credit_code(6)[8:16] + "-" + credit_code(6)[16]}
            ),
            # half-width brackets and a stray space; no code
            dishonest_row(12, **{NAME: "连云港(海州)明远企业管理咨询 有限公司", ID: ""}),
            dishonest_row(13, **{NAME: "连云港市旧名商务咨询有限公司", ID: ""}),
            dishonest_row(14, **{NAME: SHARED_NAME, ID: ""}),
            # the same name as ours, but a credit code we do not hold: another entity
            dishonest_row(15, **{NAME: "连云港市海州区测试1商贸有限公司", ID: credit_code(99)}),
            # a person whose name happens to be a company's is still a person
            person_dishonest_row(17, name="连云港市海州区测试1商贸有限公司"),
        ],
    )
    import_file(engine, tmp_path / "dishonest.csv", DISHONEST)

    assert _links(session) == {
        "11": ("code", credit_code(1), None),
        "16": ("code", credit_code(6), None),
        "12": ("name", credit_code(2), None),
        "13": ("name", credit_code(3), None),
        "14": ("ambiguous", None, [credit_code(4), credit_code(5)]),
        "15": ("unlinked", None, None),
        "17": ("person", None, None),
    }
    agency = records_for(session, credit_code(1))
    assert [r.case_number for r in agency.dishonest] == ["（2026）苏0706执11号"]
    assert records_for(session, credit_code(4)).dishonest == []  # flagged, not attributed


def test_a_profile_lists_records_newest_first_with_provenance_and_amounts_in_yuan(
    tmp_path, engine, session
):
    _registry(engine, tmp_path)
    write_drop(
        tmp_path / "dishonest.csv",
        ENFORCEMENT_DISHONEST,
        [dishonest_row(1, 发布时间="2025-01-10"), dishonest_row(1, 案号="（2026）苏0706执9号")],
    )
    write_drop(
        tmp_path / "debtors.csv",
        ENFORCEMENT_DEBTORS,
        [debtor_row(1), debtor_row(1, 案号="（2025）苏0706执3号", 立案时间="2025-02-01")],
    )
    import_file(engine, tmp_path / "dishonest.csv", DISHONEST, demo=True)
    import_file(engine, tmp_path / "debtors.csv", ENFORCEMENT_DEBTORS.name)

    profile = records_for(session, credit_code(1))
    assert [r.published_on for r in profile.dishonest] == [date(2026, 6, 15), date(2025, 1, 10)]
    assert [r.filed_on for r in profile.cases] == [date(2026, 3, 1), date(2025, 2, 1)]
    first = profile.dishonest[0]
    assert first.provenance.source == "zxgk" and first.provenance.demo
    assert str(first.provenance.as_of) == "2026-11-20"
    assert first.current and first.history == [] and first.link_status == "code"
    assert first.legal_rep == "王建国"
    assert str(profile.cases[0].amount_yuan) == "125000.50"


def test_an_ended_dishonest_record_is_closed_not_deleted_and_comes_back_if_republished(
    tmp_path, engine, session
):
    _registry(engine, tmp_path)
    path = write_drop(tmp_path / "dishonest.csv", ENFORCEMENT_DISHONEST, [dishonest_row(1)])
    import_file(engine, path, DISHONEST)
    record_id = "（2026）苏0706执1号|连云港市海州区测试1商贸有限公司"

    closed = close_records(
        session, DishonestRecord, "zxgk", [record_id], date(2026, 11, 25), "已履行完毕"
    )
    session.commit()
    assert closed == 1
    [record] = records_for(session, credit_code(1)).dishonest
    assert (record.current, record.ended_on, record.end_reason) == (
        False,
        date(2026, 11, 25),
        "已履行完毕",
    )
    [version] = record.history
    assert set(version.changed) == {"ended_on", "end_reason"}
    stored = session.scalars(select(RecordHistory)).one()
    assert stored.data["ended_on"] is None and stored.credit_code == credit_code(1)

    assert (
        close_records(session, DishonestRecord, "zxgk", [record_id], date(2026, 11, 26), "x") == 0
    )
    session.commit()

    again = import_file(engine, path, DISHONEST)  # the court publishes it again
    assert again.counts.updated == 1
    [record] = records_for(session, credit_code(1)).dishonest
    assert record.current and len(record.history) == 2


def test_records_imported_before_the_registry_are_linked_once_it_arrives(tmp_path, engine, session):
    write_drop(
        tmp_path / "dishonest.csv",
        ENFORCEMENT_DISHONEST,
        [dishonest_row(1, **{ID: ""}), dishonest_row(2, **{NAME: SHARED_NAME, ID: ""})],
    )
    import_file(engine, tmp_path / "dishonest.csv", DISHONEST)
    target = ENFORCEMENT_TARGETS[DISHONEST]

    register_enterprises(
        engine, tmp_path / "a", [enterprise_row(1), enterprise_row(4, 企业名称=SHARED_NAME)]
    )
    with engine.begin() as conn:
        assert relink(conn, target) == 2
    assert records_for(session, credit_code(1)).dishonest[0].link_status == "name"
    [shared] = records_for(session, credit_code(4)).dishonest
    assert shared.history[0].changed == ["linked_credit_code", "link_status"]

    # A second company registers under the same name: the name no longer tells which one.
    register_enterprises(engine, tmp_path / "b", [enterprise_row(5, 企业名称=SHARED_NAME)])
    with engine.begin() as conn:
        assert relink(conn, target) == 1
        assert relink(conn, target) == 0
    assert records_for(session, credit_code(4)).dishonest == []
    assert _links(session)["2"] == ("ambiguous", None, [credit_code(4), credit_code(5)])


def test_a_former_name_the_registry_learns_later_links_the_next_court_record(
    tmp_path, engine, session
):
    """Former names are looked up in a map read once per registry state: a rename the next
    registry sync brings must be seen by the court records that follow it."""
    register_enterprises(
        engine, tmp_path / "g1", [enterprise_row(7, 企业名称="连云港市甲乙贸易有限公司")]
    )
    old_name = "连云港市丙丁贸易有限公司"
    write_drop(
        tmp_path / "d1.csv", ENFORCEMENT_DISHONEST, [dishonest_row(21, **{NAME: old_name, ID: ""})]
    )
    import_file(engine, tmp_path / "d1.csv", DISHONEST)
    assert _links(session)["21"][0] == "unlinked"  # no enterprise has ever been called that

    register_enterprises(
        engine,
        tmp_path / "g2",
        [enterprise_row(7, 企业名称="连云港市甲乙贸易有限公司", 曾用名=old_name)],
    )
    write_drop(
        tmp_path / "d2.csv", ENFORCEMENT_DISHONEST, [dishonest_row(22, **{NAME: old_name, ID: ""})]
    )
    import_file(engine, tmp_path / "d2.csv", DISHONEST)
    session.expire_all()
    assert _links(session)["22"] == ("name", credit_code(7), None)
