"""A visitor searching for an enterprise by code, name in any spelling, former name or person."""

from __future__ import annotations

import pytest
from sqlalchemy import event

from tests.search.conftest import (
    HAIXIN_ACTIVE,
    HAIXIN_REVOKED,
    HENGXIN,
    HENGXIN_BRANCH,
    JDS,
    QIAN,
    RUIFENG,
    reg_no,
)
from xinyong.errors import InvalidInput
from xinyong.search.service import search


def codes(page) -> list[str]:
    return [item.credit_code for item in page.items]


def test_a_credit_code_finds_its_enterprise_however_it_is_typed(registry, session):
    for typed in (JDS, JDS.lower(), f"{JDS[:8]}-{JDS[8:]}", f" {JDS[:6]} {JDS[6:]} "):
        page = search(session, typed)
        assert codes(page) == [JDS], typed
        assert page.items[0].matched_field == "credit_code" and page.items[0].match == "exact"


def test_a_legacy_registration_number_or_organisation_code_finds_the_enterprise(registry, session):
    assert codes(search(session, reg_no(1))) == [JDS]
    org = JDS[8:17]
    page = search(session, f"{org[:8]}-{org[8]}")
    assert codes(page) == [JDS] and page.items[0].matched_field == "org_code"


def test_the_exact_name_comes_before_names_that_start_with_it(registry, session):
    page = search(session, "江苏恒信律师事务所")
    assert codes(page) == [HENGXIN, HENGXIN_BRANCH]
    assert [i.match for i in page.items] == ["exact", "prefix"]
    assert page.items[0].score > page.items[1].score


def test_a_brand_word_finds_the_company_and_is_highlighted(registry, session):
    page = search(session, "金鼎盛")
    assert codes(page) == [JDS]
    assert page.items[0].highlight == "连云港<mark>金鼎盛</mark>国际要账有限公司"


def test_a_substring_from_the_middle_of_the_name_is_found(registry, session):
    page = search(session, "国际要账")
    assert codes(page) == [JDS] and page.items[0].match in ("prefix", "substring")


def test_one_and_two_character_queries_work(registry, session):
    assert set(codes(search(session, "鑫"))) == {HAIXIN_ACTIVE, HAIXIN_REVOKED}
    assert codes(search(session, "恒信")) == [HENGXIN, HENGXIN_BRANCH]
    assert codes(search(session, "宏图")) == [QIAN]


def test_traditional_and_full_width_characters_find_simplified_names(registry, session):
    page = search(session, "連雲港金鼎盛國際")
    assert codes(page) == [JDS]
    assert page.items[0].highlight == "<mark>连云港金鼎盛国际</mark>要账有限公司"
    assert codes(search(session, "恒信律师事务所　")) == [HENGXIN, HENGXIN_BRANCH]
    assert codes(search(session, "ｊｄｓ")) == [JDS]


def test_pinyin_and_pinyin_initials_find_the_brand(registry, session):
    for typed in ("jindingsheng", "JinDingSheng", "jds"):
        page = search(session, typed)
        assert codes(page)[0] == JDS, typed
        assert page.items[0].highlight == "连云港<mark>金鼎盛</mark>国际要账有限公司", typed
    assert search(session, "jds").items[0].matched_field == "initials"
    assert search(session, "jindingsheng").items[0].matched_field == "pinyin"


def test_a_name_with_one_wrong_character_is_found_by_fuzzy_matching(registry, session):
    page = search(session, "金鼎胜国际要账")
    assert codes(page)[:1] == [JDS]
    assert page.items[0].match == "fuzzy" and page.items[0].score < 0.8
    assert "<mark>" in page.items[0].highlight
    assert codes(search(session, "瑞峰科技"))[:1] == [RUIFENG]


def test_a_former_name_finds_the_renamed_enterprise(registry, session):
    page = search(session, "瑞丰电子")
    assert codes(page) == [RUIFENG]
    item = page.items[0]
    assert item.matched_field == "former_name" and item.name == "连云港瑞丰科技有限公司"
    assert item.matched_text == "连云港<mark>瑞丰电子</mark>有限公司"


def test_a_place_and_a_trade_typed_together_find_the_names_that_hold_both(registry, session):
    # No name holds 连云港物流 whole: the names that hold each word are the answer, however
    # the words are run together or set apart, and each word is marked where it stands.
    for typed in ("连云港物流", "连云港 物流", "物流，连云港市"):
        page = search(session, typed)
        assert codes(page) == [HAIXIN_ACTIVE], typed
        assert sorted(page.words) == ["物流", "连云港"], typed
        [item] = page.items
        assert item.match == "words" and item.matched_field == "name"
        assert item.highlight == "<mark>连云港</mark>市海鑫<mark>物流</mark>有限公司"


def test_words_find_former_names_and_take_filters(registry, session):
    page = search(session, "连云港 电子有限")
    assert codes(page) == [RUIFENG]
    assert page.items[0].matched_field == "former_name"
    assert page.items[0].matched_text == "<mark>连云港</mark>瑞丰<mark>电子有限</mark>公司"
    # 海州 商贸: the 25 test firms of 海州区 and no other; the revoked 海鑫商贸 is not in 海州.
    assert search(session, "海州 商贸").total == 25
    assert codes(search(session, "连云港 商贸", status="吊销")) == [HAIXIN_REVOKED]


def test_a_query_held_whole_is_never_split_into_words(registry, session):
    # 连云港市海鑫 starts one name: that is the answer, not every name holding 连云港 and 海鑫
    # (连云港海鑫商贸 too).
    page = search(session, "连云港市海鑫")
    assert codes(page) == [HAIXIN_ACTIVE] and page.words == []
    assert page.items[0].match == "prefix"
    assert search(session, "金鼎盛 不存在").total == 0
    # A typo after a place is still a typo: no name holds 金鼎胜国际要账, so no words match, and
    # the typo-tolerant search finds the firm.
    page = search(session, "连云港金鼎胜国际要账")
    assert codes(page)[:1] == [JDS] and page.items[0].match == "fuzzy" and page.words == []


def test_a_legal_representative_finds_the_companies_they_represent(registry, session):
    page = search(session, "钱多多")
    assert codes(page) == [QIAN]
    assert page.items[0].matched_field == "legal_rep" and page.items[0].match == "exact"
    assert page.items[0].matched_text == "<mark>钱多多</mark>"


def test_an_active_company_comes_before_a_revoked_one_at_equal_match(registry, session):
    page = search(session, "海鑫")
    assert codes(page) == [HAIXIN_ACTIVE, HAIXIN_REVOKED]
    assert [i.status for i in page.items] == ["存续", "吊销"]


def test_filters_by_division_status_and_industry(registry, session):
    assert codes(search(session, "恒信", division="320703")) == [HENGXIN]
    # A city code covers its districts.
    assert codes(search(session, "恒信", division="320700")) == [HENGXIN, HENGXIN_BRANCH]
    assert codes(search(session, "海鑫", status="吊销")) == [HAIXIN_REVOKED]
    assert codes(search(session, "海鑫", status="存续,在业")) == [HAIXIN_ACTIVE]
    assert codes(search(session, "连云港", industry="租赁和商务服务业")) == [JDS]
    assert codes(search(session, JDS, status="存续")) == []


def test_a_filter_nothing_could_match_is_refused_with_the_values_accepted(registry, session):
    # An empty page would read as "no such firm": a typo in a filter is said instead.
    with pytest.raises(InvalidInput) as bogus:
        search(session, "海鑫", status="bogus")
    assert bogus.value.detail["field"] == "status"
    assert "存续、在业、吊销、注销、迁出" in bogus.value.message_zh
    assert "存续 (active)" in bogus.value.message_en
    with pytest.raises(InvalidInput) as nowhere:
        search(session, "恒信", division="999999")
    assert nowhere.value.detail["field"] == "division"
    assert "GB/T 2260" in nowhere.value.message_zh and "320771" in nowhere.value.message_en
    # The official aliases read as their status, and a province (2 digits) or a city (4)
    # covers its divisions.
    assert codes(search(session, "海鑫", status="开业,存续")) == [HAIXIN_ACTIVE]
    assert codes(search(session, "恒信", division="3207")) == [HENGXIN, HENGXIN_BRANCH]
    assert codes(search(session, "恒信", division="32")) == [HENGXIN, HENGXIN_BRANCH]


def test_short_and_mistyped_queries_take_filters_too(registry, session):
    # The filter joins each matched entry to its enterprise, entries first: a one-character
    # query under a status most of the registry has must not walk the registry by status.
    assert codes(search(session, "鑫", status="吊销")) == [HAIXIN_REVOKED]
    assert codes(search(session, "鑫", status="存续,在业")) == [HAIXIN_ACTIVE]
    assert codes(search(session, "金鼎胜国际要账", status="吊销"))[:1] == [JDS]
    assert codes(search(session, "金鼎胜国际要账", status="存续")) == []
    assert codes(search(session, "瑞峰科技", division="320706"))[:1] == [RUIFENG]
    assert codes(search(session, "瑞峰科技", division="320703")) == []


def test_a_bracketed_name_is_found_by_its_brackets(engine, tmp_path, session):
    from tests.search.conftest import load
    from tests.support.registry_files import credit_code, enterprise_row

    # 连云港 is the only trigram of letters alone in 泰维（连云港）百货, and most names hold
    # it; the search narrows by the trigrams with brackets instead, and finds the one name.
    names = ["泰维（连云港）百货有限公司", "连云港泰维百货有限公司", "健瑞（连云港）商贸有限公司"]
    load(
        engine,
        tmp_path / "d",
        [enterprise_row(20 + i, **{"企业名称": name}) for i, name in enumerate(names)],
    )
    assert codes(search(session, "泰维（连云港）百货")) == [credit_code(20)]
    assert codes(search(session, "泰维(连云港)")) == [credit_code(20)]
    assert codes(search(session, "（连云港）")) == [credit_code(20), credit_code(22)]


def test_a_brand_that_shares_a_word_with_a_place_is_found_by_its_brand(engine, tmp_path, session):
    from tests.search.conftest import load
    from tests.support.registry_files import credit_code, enterprise_row

    # 光明 is a district of Shenzhen, 江源 one of Baishan: in these names they are the brand.
    names = [
        "光明乳业股份有限公司",
        "连云港市海州区江源道物流有限公司",
        "连云港市海州区顺达物流有限公司",
    ]
    load(
        engine,
        tmp_path / "d",
        [enterprise_row(30 + i, **{"企业名称": name}) for i, name in enumerate(names)],
    )
    assert codes(search(session, "光明")) == [credit_code(30)]  # two characters: read from cores
    assert codes(search(session, "gmry")) == [credit_code(30)]
    assert codes(search(session, "江源")) == [credit_code(31)]
    assert codes(search(session, "jiangyuandao")) == [credit_code(31)]


def test_a_bank_named_for_its_province_is_found_by_its_initials(engine, tmp_path, session):
    from tests.search.conftest import load
    from tests.support.registry_files import credit_code, enterprise_row

    names = ["江苏银行股份有限公司", "连云港东方银行有限公司", "上海电气集团股份有限公司"]
    load(
        engine,
        tmp_path / "d",
        [enterprise_row(50 + i, **{"企业名称": name}) for i, name in enumerate(names)],
    )
    page = search(session, "jsyh")
    assert codes(page) == [credit_code(50)] and page.items[0].match == "exact"
    # 行 is read hang in 银行 (xing alone): the mark follows the phrase's reading.
    assert page.items[0].highlight == "<mark>江苏银行</mark>股份有限公司"
    assert codes(search(session, "江苏银行"))[0] == credit_code(50)
    assert codes(search(session, "shdq")) == [credit_code(52)]
    # The trade alone still finds every bank.
    assert set(codes(search(session, "银行"))) == {credit_code(50), credit_code(51)}


def test_a_branch_is_found_by_its_parents_brand(engine, tmp_path, session):
    from tests.search.conftest import load
    from tests.support.registry_files import credit_code, enterprise_row

    names = ["上海东南香机电设备有限公司连云港分公司", "上海东南香机电设备有限公司"]
    load(
        engine,
        tmp_path / "d",
        [enterprise_row(40 + i, **{"企业名称": name}) for i, name in enumerate(names)],
    )
    # The parent comes first: its branch matches as closely (the same core and spellings) and
    # its credit code sorts first, but its whole name is the longer one.
    for typed in ("dnxjdsb", "dongnanxiangjidianshebei", "东南香机电设备", "东南香"):
        page = search(session, typed)
        assert codes(page) == [credit_code(41), credit_code(40)], typed
        assert len({item.match for item in page.items}) == 1, typed


def test_results_come_in_pages(registry, session):
    pages = [search(session, "测试", page=n, size=10) for n in (1, 2, 3)]
    assert [p.total for p in pages] == [25, 25, 25]
    assert [len(p.items) for p in pages] == [10, 10, 5]
    seen = [code for p in pages for code in codes(p)]
    assert len(set(seen)) == 25
    past_the_end = search(session, "测试", page=4, size=10)
    assert past_the_end.items == [] and past_the_end.total == 25


def test_nothing_matching_is_an_empty_page_not_an_error(registry, session):
    for typed in ("不存在的企业名称", "   ", "zzzzqqq", "%", "_"):
        page = search(session, typed)
        assert page.total == 0 and page.items == [], typed


def test_markup_in_names_is_escaped_in_highlights(engine, tmp_path, session):
    from tests.search.conftest import load
    from tests.support.registry_files import enterprise_row

    load(engine, tmp_path / "d", [enterprise_row(9, **{"企业名称": "连云港<b>粗体</b>有限公司"})])
    [item] = search(session, "粗体").items
    assert item.highlight == "连云港&lt;b&gt;<mark>粗体</mark>&lt;/b&gt;有限公司"


def test_a_one_character_query_over_a_crowd_shows_pages_and_at_least_a_count(
    engine, tmp_path, session
):
    from tests.search.conftest import load
    from tests.support.registry_files import enterprise_row
    from xinyong.search.service import SHORT_CAP

    # 众 in the 字号 of more enterprises than a one-character search reads per branch: the
    # answer is pages of them and "at least N", not every one (decision 0025).
    second = "甲乙丙丁戊己庚辛壬癸子丑寅卯辰巳午未申酉"
    names = [f"连云港众{a}{b}商贸有限公司" for a in second for b in second][: SHORT_CAP + 30]
    load(
        engine,
        tmp_path / "d",
        [enterprise_row(1000 + i, **{"企业名称": name}) for i, name in enumerate(names)],
    )
    for filters in ({}, {"status": "存续"}):  # filtered, the postings drive the search
        first = search(session, "众", **filters)
        assert first.total_capped and SHORT_CAP <= first.total <= len(names)
        last_page = (first.total + 19) // 20
        pages = [search(session, "众", page=n, **filters) for n in range(1, last_page + 2)]
        seen = [item.credit_code for p in pages for item in p.items]
        assert len(seen) == len(set(seen)) == first.total
        assert all("众" in item.name for p in pages for item in p.items)
        assert pages[-1].items == [] and pages[-1].total == first.total
    # Fewer matches than the cap are counted in full.
    whole = search(session, "众甲")
    assert not whole.total_capped and whole.total == len(second)


def test_a_page_reads_its_matches_and_its_enterprises_in_one_statement(registry, engine, session):
    """On PostgreSQL every statement is a round trip: after the ranking, why each enterprise
    matched and the rows a page shows (typo candidates' too) are asked together."""
    statements: list[str] = []

    def seen(conn, cursor, statement, *args) -> None:
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", seen)
    try:
        page = search(session, "金鼎盛")
        assert page.items[0].highlight == "连云港<mark>金鼎盛</mark>国际要账有限公司"
        mistyped = search(session, "金鼎胜国际要账")  # found only as a typo candidate
        assert codes(mistyped) == [JDS]
    finally:
        event.remove(engine, "before_cursor_execute", seen)
    reads = [s for s in statements if "FROM enterprise e WHERE" in s and "e.former_names" in s]
    assert len(reads) == 2  # one per search
    assert "FROM search_entry WHERE kind IN" in reads[0]  # and the matches with it
