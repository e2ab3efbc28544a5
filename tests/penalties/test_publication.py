"""A visitor reads the 行政处罚 publication (双公示): the decisions still in their publicity
period, newest first, a person's name masked, and finds one by party, number or authority."""

from __future__ import annotations

from datetime import date

from tests.support.judicial_files import penalty_row, register_enterprises, write_drop
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.penalties import publication
from xinyong.penalties.importer import import_file
from xinyong.sources.layouts_judicial import PENALTY_DECISIONS

TODAY = date(2026, 11, 28)


def _drop(tmp_path, engine, rows):
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(1), enterprise_row(2)])
    import_file(engine, write_drop(tmp_path / "penalties.csv", PENALTY_DECISIONS, rows))


def test_the_publication_lists_decisions_in_their_period_newest_first_with_persons_masked(
    tmp_path, engine, session
):
    _drop(
        tmp_path,
        engine,
        [
            penalty_row(1, 处罚决定日期="2026-05-10"),
            penalty_row(
                2,
                行政处罚决定书文号="连环罚〔2026〕9号",
                处罚决定日期="2026-10-01",
                处罚机关="连云港市生态环境局",
            ),
            # Its publicity ended last month: no longer published, though kept on record.
            penalty_row(3, 处罚决定日期="2025-10-01", 公示截止期="2026-10-31"),
            penalty_row(
                4,
                行政相对人名称="张三明",
                行政相对人类别="自然人",
                统一社会信用代码="",
                法定代表人="",
                证件类型="身份证",
                证件号码="320706198001011234",
                处罚决定日期="2026-11-20",
                处罚类别="警告",
                **{"罚款金额（万元）": "", "没收违法所得、没收非法财物的金额（万元）": ""},
            ),
        ],
    )

    shown = publication.published(session, TODAY)

    assert [p.decision_number for p in shown.items] == [
        "连海市监罚〔2026〕4号",
        "连环罚〔2026〕9号",
        "连海市监罚〔2026〕1号",
    ]
    person, firm = shown.items[0], shown.items[2]
    assert person.party_name == "张*明" and person.credit_code is None
    assert firm.credit_code == credit_code(1) and str(firm.fine_yuan) == "2000.00"
    assert not shown.has_next and shown.page == 1
    assert publication.newest(session, TODAY, 2) == shown.items[:2]

    def numbers(words):
        return [p.decision_number for p in publication.published(session, TODAY, words).items]

    assert numbers("生态环境") == ["连环罚〔2026〕9号"]  # by authority
    assert numbers("连环罚") == ["连环罚〔2026〕9号"]  # by decision number
    assert numbers(credit_code(1).lower()) == ["连海市监罚〔2026〕1号"]  # by credit code
    assert numbers("测试1商贸") == ["连海市监罚〔2026〕1号"]  # by a firm's name in part
    # A person is found by the whole name only: the characters the mask hides find nothing.
    assert numbers("张三明") == ["连海市监罚〔2026〕4号"]
    assert numbers("三") == []
    # LIKE's wildcards are taken as the characters typed.
    assert numbers("%") == [] and numbers("_") == []


def test_a_long_publication_pages_and_says_where_it_stops(tmp_path, engine, session, monkeypatch):
    monkeypatch.setattr(publication, "PAGE_SIZE", 2)
    monkeypatch.setattr(publication, "MAX_PAGES", 2)
    _drop(
        tmp_path,
        engine,
        [penalty_row(n, 处罚决定日期=f"2026-06-{n:02d}") for n in range(1, 7)],
    )

    first = publication.published(session, TODAY)
    second = publication.published(session, TODAY, page=2)
    beyond = publication.published(session, TODAY, page=9)

    assert [p.decided_on.day for p in first.items] == [6, 5] and first.has_next
    assert [p.decided_on.day for p in second.items] == [4, 3]
    assert not second.has_next and second.cut_off
    assert beyond.page == 2  # a page past the last shown is the last shown
