"""A registry clerk drops GSXT files; good rows land with provenance, bad rows are kept with reasons."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from tests.support.registry_files import credit_code, enterprise_row, write_csv, write_enterprises
from xinyong.errors import FileRefused, NotFound
from xinyong.registry.importer import import_file, import_registry_dir
from xinyong.registry.models import Enterprise
from xinyong.registry.service import profile
from xinyong.sources.layouts import (
    REGISTRY_ABNORMAL,
    REGISTRY_ENTERPRISES,
    REGISTRY_LICENCES,
    REGISTRY_SHAREHOLDERS,
)
from xinyong.sources.models import Reject, SyncRun
from xinyong.types import utcnow

ENT = REGISTRY_ENTERPRISES.name


def test_good_rows_land_and_bad_rows_are_kept_with_line_field_and_reason(tmp_path, engine, session):
    bad_check = credit_code(3)[:-1] + ("0" if credit_code(3)[-1] != "0" else "1")
    path = write_enterprises(
        tmp_path / "enterprises.csv",
        [
            enterprise_row(1),
            enterprise_row(2),
            enterprise_row(3, 统一社会信用代码=bad_check),
            enterprise_row(4, 成立日期="2023-02-30"),
            enterprise_row(5, 企业名称=""),
        ],
    )
    result = import_file(engine, path, ENT)

    assert (result.counts.inserted, result.counts.rejected) == (2, 3)
    assert session.scalar(select(func.count()).select_from(Enterprise)) == 2
    rejects = {r.line: r for r in session.scalars(select(Reject))}
    assert sorted(rejects) == [4, 5, 6]
    assert rejects[4].field == "统一社会信用代码" and "校验" in rejects[4].reason_zh
    assert "check" in rejects[4].reason_en
    assert rejects[5].field == "成立日期" and "2023-02-30" in rejects[5].reason_zh
    assert rejects[6].field == "企业名称" and "required" in rejects[6].reason_en
    assert rejects[4].raw["企业名称"] == "连云港市海州区测试3商贸有限公司"
    run = session.get(SyncRun, result.run_id)
    assert (run.status, run.rows_read, run.inserted, run.rejected) == ("succeeded", 5, 2, 3)


def test_re_running_a_file_changes_nothing(tmp_path, engine, session):
    path = write_enterprises(tmp_path / "enterprises.csv", [enterprise_row(n) for n in range(1, 6)])
    first = import_file(engine, path, ENT)
    again = import_file(engine, path, ENT)
    assert first.counts.inserted == 5
    assert (again.counts.inserted, again.counts.updated, again.counts.unchanged) == (0, 0, 5)


def test_an_update_keeps_the_previous_version_queryable_by_date(tmp_path, engine, session):
    code = credit_code(1)
    import_file(engine, write_enterprises(tmp_path / "a.csv", [enterprise_row(1)]), ENT)
    before_revocation = utcnow()
    revoked = enterprise_row(
        1,
        登记状态="吊销，未注销",
        状态日期="2026-11-20",
        状态原因="以暴力手段催收债务",
        更新日期="2026-11-21",
    )
    second = import_file(engine, write_enterprises(tmp_path / "b.csv", [revoked]), ENT)
    assert second.counts.updated == 1

    now = profile(session, code).enterprise
    assert (now.status, now.active, now.status_reason) == ("吊销", False, "以暴力手段催收债务")
    then = profile(session, code, before_revocation).enterprise
    assert (then.status, then.active) == ("存续", True)
    assert str(then.provenance.as_of) == "2026-11-01"


def test_an_entity_not_yet_known_on_a_date_is_not_found_then(tmp_path, engine, session):
    long_ago = utcnow()
    import_file(engine, write_enterprises(tmp_path / "a.csv", [enterprise_row(1)]), ENT)
    with pytest.raises(NotFound):
        profile(session, credit_code(1), long_ago)


def test_gbk_files_are_read_and_a_wrong_header_is_refused_before_writing(tmp_path, engine, session):
    gbk = write_enterprises(tmp_path / "gbk.csv", [enterprise_row(7)], encoding="gbk")
    assert import_file(engine, gbk, ENT).counts.inserted == 1

    wrong = tmp_path / "wrong.csv"
    wrong.write_text("代码,名字\n91320706MA0000018X,某公司\n", encoding="utf-8")
    with pytest.raises(FileRefused) as refused:
        import_file(engine, wrong, ENT)
    assert "统一社会信用代码" in refused.value.message_zh and "expects" in refused.value.message_en
    assert session.scalar(select(func.count()).select_from(Enterprise)) == 1
    assert session.scalars(select(SyncRun.status).order_by(SyncRun.id.desc())).first() == "refused"


def test_undecodable_file_is_refused(tmp_path, engine):
    path = tmp_path / "junk.csv"
    path.write_bytes(b"\xff\xfe\x00\x81" * 100)
    with pytest.raises(FileRefused) as refused:
        import_file(engine, path, ENT)
    assert "UTF-8" in refused.value.message_zh


def test_profile_shows_shareholders_licences_and_abnormal_entries_with_provenance(
    tmp_path, engine, session
):
    code = credit_code(1)
    write_enterprises(tmp_path / "enterprises.csv", [enterprise_row(1)])
    write_csv(tmp_path / "shareholders.csv", REGISTRY_SHAREHOLDERS, [
        {"记录编号": "S1", "统一社会信用代码": code, "股东名称": "王建国", "股东类型": "自然人股东",
         "证照号码": "320706199001011234", "认缴出资额（万元）": "60", "出资比例": "60%", "更新日期": "2026-11-01"},
        {"记录编号": "S2", "统一社会信用代码": code, "股东名称": "连云港市测试2商贸有限公司", "股东类型": "企业法人",
         "证照类型": "统一社会信用代码", "证照号码": credit_code(2), "认缴出资额（万元）": "40", "出资比例": "40"},
    ])  # fmt: skip
    write_csv(tmp_path / "licences.csv", REGISTRY_LICENCES, [
        {"记录编号": "L1", "统一社会信用代码": code, "类别": "行政许可", "许可文件名称": "食品经营许可证",
         "许可文件编号": "JY13207060012345", "许可机关": "连云港市海州区市场监督管理局",
         "有效期自": "2021-01-01", "有效期至": "2026-12-31", "状态": "有效"},
    ])  # fmt: skip
    write_csv(tmp_path / "abnormal.csv", REGISTRY_ABNORMAL, [
        {"记录编号": "A1", "统一社会信用代码": code, "列入经营异常名录原因": "未按规定公示年度报告",
         "列入日期": "2024-07-01", "移出日期": "2024-09-01", "移出经营异常名录原因": "已补报年度报告"},
    ])  # fmt: skip
    (tmp_path / "manifest.json").write_text('{"demo": true}', encoding="utf-8")

    results = import_registry_dir(engine, tmp_path)
    assert [r.file for r in results] == [
        "enterprises.csv",
        "shareholders.csv",
        "licences.csv",
        "abnormal.csv",
    ]

    p = profile(session, code)
    assert p.enterprise.provenance.demo and p.enterprise.provenance.source == "gsxt"
    assert str(p.enterprise.registered_capital_yuan) == "1000000.00"
    person, company = p.shareholders
    assert person.id_number == "3207**********1234"  # a natural person's ID is masked
    assert company.id_number == credit_code(2)
    assert str(person.subscribed_yuan) == "600000.00" and person.share_percent == 60
    assert p.licences[0].title == "食品经营许可证"
    assert p.abnormal_entries[0].current is False
    assert p.enterprise.division.name == "江苏省连云港市海州区"
