"""A clerk drops zxgk files: good rows land with provenance, bad rows are kept with their reasons,
and a natural person's ID number is never stored in full."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.support.judicial_files import (
    debtor_row,
    dishonest_row,
    person_dishonest_row,
    person_id,
    write_drop,
)
from tests.support.registry_files import credit_code
from xinyong.enforcement.importer import import_file
from xinyong.enforcement.models import DishonestRecord, EnforcementCase
from xinyong.sources.layouts_judicial import ENFORCEMENT_DEBTORS, ENFORCEMENT_DISHONEST
from xinyong.sources.models import Reject, SyncRun
from xinyong.sources.provenance import RecordHistory

DEBTORS = ENFORCEMENT_DEBTORS.name
DISHONEST = ENFORCEMENT_DISHONEST.name
ID = "身份证号码/组织机构代码"
NAME = "被执行人姓名/名称"


def _wrong_check(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def test_debtor_file_lands_good_rows_and_keeps_bad_ones_with_line_field_and_reason(
    tmp_path, engine, session
):
    org_code = credit_code(6)[8:17]
    path = write_drop(
        tmp_path / "debtors.csv",
        ENFORCEMENT_DEBTORS,
        [
            debtor_row(1),
            debtor_row(2, **{ID: person_id(2), NAME: "李四"}),
            debtor_row(3, **{"执行标的（元）": "12.345"}),
            debtor_row(4, 立案时间="2026-02-30"),
            debtor_row(5, 执行法院=""),
            debtor_row(6, **{ID: _wrong_check(org_code)}),
            debtor_row(7, 案件状态="审理中"),
        ],
    )
    result = import_file(engine, path, DEBTORS)

    assert (result.counts.inserted, result.counts.rejected) == (2, 5)
    rejects = {r.line: r for r in session.scalars(select(Reject))}
    assert sorted(rejects) == [4, 5, 6, 7, 8]
    assert rejects[4].field == "执行标的（元）" and "一分" in rejects[4].reason_zh
    assert "fen" in rejects[4].reason_en
    assert rejects[5].field == "立案时间" and "2026-02-30" in rejects[5].reason_zh
    assert rejects[6].field == "执行法院" and "required" in rejects[6].reason_en
    assert rejects[7].field == ID and "校验" in rejects[7].reason_zh
    assert rejects[8].field == "案件状态" and "执行中" in rejects[8].reason_zh

    company, person = session.scalars(select(EnforcementCase).order_by(EnforcementCase.id))
    assert company.amount_fen == 12_500_050 and company.party_kind == "organisation"
    assert company.source_record_id == "（2026）苏0706执1号|连云港市海州区测试1商贸有限公司"
    assert (company.source, str(company.as_of)) == ("zxgk", "2026-11-20")
    assert person.party_kind == "person"
    assert person.party_id == "3207**********" + person_id(2)[-4:]
    run = session.get(SyncRun, result.run_id)
    assert (run.status, run.rows_read, run.inserted, run.rejected) == ("succeeded", 7, 2, 5)


def test_a_gbk_file_reads_like_a_utf8_one_and_re_running_it_changes_nothing(
    tmp_path, engine, session
):
    rows = [
        dishonest_row(1),
        person_dishonest_row(2),
        dishonest_row(3, 被执行人的履行情况="部分履行"),
    ]
    utf8 = write_drop(tmp_path / "utf8.csv", ENFORCEMENT_DISHONEST, rows)
    gbk = write_drop(tmp_path / "gbk.csv", ENFORCEMENT_DISHONEST, rows, encoding="gbk")

    first = import_file(engine, gbk, DISHONEST)
    again = import_file(engine, gbk, DISHONEST)
    same_in_utf8 = import_file(engine, utf8, DISHONEST)

    assert (first.counts.inserted, first.counts.rejected) == (3, 0)
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 3)
    assert (same_in_utf8.counts.updated, same_in_utf8.counts.unchanged) == (0, 3)
    assert session.scalar(select(func.count()).select_from(RecordHistory)) == 0
    record = session.scalars(
        select(DishonestRecord).where(DishonestRecord.case_number.like("%3号"))
    ).one()
    assert (
        record.performance == "部分未履行"
    )  # the site's shorter wording, read as the official one
    assert str(record.published_on) == "2026-06-15"


def test_a_persons_id_is_stored_only_masked_however_the_court_site_masked_it(
    tmp_path, engine, session
):
    full = person_id(7)
    site_masked = full[:10] + "****" + full[-4:]  # how zxgk shows it: birth month and day hidden
    path = write_drop(
        tmp_path / "dishonest.csv",
        ENFORCEMENT_DISHONEST,
        [
            person_dishonest_row(1, "张三明", full),
            person_dishonest_row(2, "李梅", site_masked),
            # 主体类型 left empty: the ID alone says it is a person
            person_dishonest_row(3, "王五", full, 主体类型=""),
        ],
    )
    import_file(engine, path, DISHONEST)

    masked = full[:4] + "*" * 10 + full[-4:]
    records = session.scalars(select(DishonestRecord).order_by(DishonestRecord.id)).all()
    assert [r.party_id for r in records] == [masked, masked, masked]
    assert [r.party_kind for r in records] == ["person"] * 3
    assert [r.link_status for r in records] == ["person"] * 3
    stored = [str(list(row)) for row in session.execute(select(DishonestRecord.__table__))]
    assert not any(full in row or full[6:14] in row for row in stored)
