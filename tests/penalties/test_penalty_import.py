"""A credit-platform clerk drops 双公示 行政处罚 files, with the national item names or their
field codes; the penalties show on the enterprise's profile and no person's ID is kept in full."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import select

from tests.support.judicial_files import penalty_row, person_id, register_enterprises, write_drop
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.penalties.importer import import_file
from xinyong.penalties.models import Penalty
from xinyong.penalties.service import records_for
from xinyong.sources.layouts_judicial import PENALTY_DECISIONS
from xinyong.sources.models import Reject


def _person_row(n: int, id_number: str) -> dict[str, str]:
    return penalty_row(
        n,
        行政相对人名称="张三明",
        行政相对人类别="自然人",
        统一社会信用代码="",
        法定代表人="",
        证件类型="身份证",
        证件号码=id_number,
        处罚类别="警告",
        **{"罚款金额（万元）": "", "没收违法所得、没收非法财物的金额（万元）": ""},
    )


def test_penalties_land_in_fen_link_to_the_enterprise_and_bad_rows_are_kept(
    tmp_path, engine, session
):
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(1)])
    bad_code = credit_code(2)[:-1] + ("0" if credit_code(2)[-1] != "0" else "1")
    path = write_drop(
        tmp_path / "penalties.csv",
        PENALTY_DECISIONS,
        [
            penalty_row(1),
            penalty_row(1, 行政处罚决定书文号="连海市监罚〔2025〕7号", 处罚决定日期="2025-08-01"),
            penalty_row(2, 统一社会信用代码=bad_code),
            penalty_row(3, 处罚决定日期="2026/13/01"),
            penalty_row(4, 行政相对人类别="公司"),
            penalty_row(5, **{"罚款金额（万元）": "0.0000001"}),
            penalty_row(6, 行政处罚决定书文号=""),
        ],
    )
    result = import_file(engine, path)

    assert (result.counts.inserted, result.counts.rejected) == (2, 5)
    rejects = {r.line: r for r in session.scalars(select(Reject))}
    assert rejects[4].field == "统一社会信用代码" and "校验" in rejects[4].reason_zh
    assert rejects[5].field == "处罚决定日期" and "2026/13/01" in rejects[5].reason_zh
    assert rejects[6].field == "行政相对人类别" and "自然人" in rejects[6].reason_zh
    assert rejects[7].field == "罚款金额（万元）" and "one fen" in rejects[7].reason_en
    assert rejects[8].field == "行政处罚决定书文号" and "必填" in rejects[8].reason_zh

    newest, older = records_for(session, credit_code(1))
    assert (newest.decided_on, older.decided_on) == (date(2026, 5, 10), date(2025, 8, 1))
    assert newest.fine_yuan == Decimal("2000.00") and newest.confiscated_yuan == Decimal("15000.00")
    assert (newest.link_status, newest.party_id, newest.party_name) == (
        "code",
        credit_code(1),
        "连云港市海州区测试1商贸有限公司",
    )
    assert newest.provenance.source == "penalties" and newest.current
    assert (
        newest.provenance.source_record_id
        == "连海市监罚〔2026〕1号|连云港市海州区测试1商贸有限公司"
    )
    stored = session.scalars(select(Penalty).where(Penalty.decision_number.like("%2026%"))).one()
    assert (stored.fine_fen, stored.confiscated_fen) == (200_000, 1_500_000)


def test_field_codes_are_accepted_as_headers_and_name_the_same_records(tmp_path, engine, session):
    rows = [penalty_row(1), _person_row(2, person_id(2))]
    by_name = write_drop(tmp_path / "names.csv", PENALTY_DECISIONS, rows)
    lower = {
        fl.header: fl.description
        for fl in PENALTY_DECISIONS.fields
        if fl.description.startswith("cf")
    }
    lower |= {"备注": "bz"}
    by_code = write_drop(tmp_path / "codes.csv", PENALTY_DECISIONS, rows, rename=lower)
    upper = write_drop(
        tmp_path / "upper.csv",
        PENALTY_DECISIONS,
        rows,
        rename={k: v.upper() for k, v in lower.items()},
        encoding="gbk",
    )
    assert "cf_xdr_mc" in by_code.read_text("utf-8").splitlines()[0]

    assert import_file(engine, by_code).counts.inserted == 2
    for path in (by_name, upper):
        counts = import_file(engine, path).counts
        assert (counts.inserted, counts.updated, counts.unchanged, counts.rejected) == (0, 0, 2, 0)


def test_a_natural_persons_id_is_kept_only_masked_and_the_person_is_never_linked(
    tmp_path, engine, session
):
    # Even a registered enterprise of the very same name does not make a person a company.
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(1, 企业名称="张三明")])
    full = person_id(9)
    legal_rep_id = person_id(8)
    rows = [
        _person_row(1, full),
        penalty_row(
            2, 法定代表人证件类型="身份证", 法定代表人证件号码=legal_rep_id, 统一社会信用代码=""
        ),
    ]
    import_file(engine, write_drop(tmp_path / "penalties.csv", PENALTY_DECISIONS, rows))

    person, company = session.scalars(select(Penalty).order_by(Penalty.id))
    assert (person.party_kind, person.link_status, person.linked_credit_code) == (
        "person",
        "person",
        None,
    )
    assert person.party_id_number == full[:4] + "*" * 10 + full[-4:]
    assert company.legal_rep_id_number == legal_rep_id[:4] + "*" * 10 + legal_rep_id[-4:]
    everything = " ".join(str(list(r)) for r in session.execute(select(Penalty.__table__)))
    assert full not in everything and legal_rep_id not in everything
    assert records_for(session, credit_code(1)) == []
