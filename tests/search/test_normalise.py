"""How names are spelled for matching: width, traditional characters, 字号 core, pinyin."""

from __future__ import annotations

from xinyong.search.normalise import core, cores, normalise, query_words, spellings


def test_full_width_traditional_and_spaced_names_normalise_alike():
    assert normalise("連雲港 金鼎盛（國際）ＡＢＣ有限公司") == "连云港金鼎盛(国际)abc有限公司"


def test_the_core_drops_places_and_legal_forms():
    assert core(normalise("连云港金鼎盛国际要账有限公司")) == "金鼎盛国际要账"
    assert core(normalise("江苏省连云港市海州区恒达贸易股份有限公司")) == "恒达贸易"
    assert core(normalise("金鼎盛（连云港）贸易有限公司")) == "金鼎盛贸易"
    # A name made only of place words keeps them rather than becoming empty.
    assert core(normalise("连云港市有限公司")) == "连云港市"


def test_a_place_name_inside_the_brand_stays_in_the_core():
    # 江源 is a district of Baishan in Jilin, not inside 海州区: here it starts the 字号.
    assert core(normalise("连云港市海州区江源道物流有限公司")) == "江源道物流"
    assert core(normalise("北京市东城区华夏物流有限公司")) == "华夏物流"
    # Each place lies inside the one before it, from the province down.
    assert core(normalise("江苏连云港海州恒达有限公司")) == "恒达"
    assert core(normalise("海州区连云港物流有限公司")) == "连云港物流"


def test_a_brand_that_is_a_county_name_is_not_taken_for_a_place():
    # A name opens with a full division name or a province's or prefecture's short form; a
    # county's short form there is a brand (光明区, 长乐区, 东方市 are counties elsewhere).
    assert core(normalise("光明乳业股份有限公司")) == "光明乳业"
    assert core(normalise("长乐商贸有限公司")) == "长乐商贸"
    # 中国 opening a national firm's name is part of it.
    assert core(normalise("中国东方航空股份有限公司")) == "中国东方航空"
    assert core(normalise("中国银行股份有限公司")) == "中国银行"
    assert core(normalise("东海县金鼎物流有限公司")) == "金鼎物流"
    assert core(normalise("江苏东海金鼎物流有限公司")) == "金鼎物流"
    # A query may open with any place: 灌云餐饮 asks for the two.
    assert query_words("灌云餐饮") == ["灌云", "餐饮"]


def test_a_branch_has_its_parents_core():
    assert core(normalise("上海东南香机电设备有限公司连云港分公司")) == "东南香机电设备"
    assert core(normalise("中国银行股份有限公司连云港海州支行")) == "中国银行"
    assert core(normalise("江苏恒信律师事务所连云港分所")) == core(normalise("江苏恒信律师事务所"))
    assert core(normalise("连云港市海州区鑫源分店")) == "鑫源分店"  # a shop's own name


def test_a_name_whose_places_leave_only_an_industry_word_is_also_known_by_both():
    # People type jsyh for 江苏银行: the place is the brand when only the trade is left.
    assert cores(normalise("江苏银行股份有限公司")) == ("银行", "江苏银行")
    assert cores(normalise("上海电气集团股份有限公司")) == ("电气", "上海电气")
    assert cores(normalise("连云港市物流有限公司")) == ("物流", "连云港物流")
    assert cores(normalise("江苏银行股份有限公司连云港分行")) == ("银行", "江苏银行")
    # A brand of two characters keeps its own core first; a longer one is left alone.
    assert cores(normalise("连云港恒达有限公司"))[0] == "恒达"
    assert cores(normalise("连云港金鼎盛国际要账有限公司")) == ("金鼎盛国际要账",)
    assert cores(normalise("苏宁易购集团股份有限公司")) == ("苏宁易购",)
    assert cores(normalise("中国银行股份有限公司")) == ("中国银行",)


def test_pinyin_takes_the_common_reading_of_polyphones_in_phrases():
    assert spellings("金鼎盛") == ("jindingsheng", "jds")
    assert spellings("重庆长江银行") == ("chongqingchangjiangyinhang", "cqcjyh")
    assert spellings("abc科技1号") == ("abckeji1hao", "abckj1h")


def test_a_query_of_several_words_is_split_at_spaces_commas_and_leading_places():
    assert query_words("连云港物流") == ["连云港", "物流"]
    assert query_words("连云港市 海州区 物流") == ["连云港", "海州", "物流"]
    assert query_words("物流，连云港市") == ["物流", "连云港"]
    assert query_words("东海 餐饮、酒店") == ["东海", "餐饮", "酒店"]
    assert query_words("海州江源道物流") == ["海州", "江源道物流"]
    # One word, or one place: nothing to split.
    assert query_words("金鼎盛") == [] and query_words("连云港市") == [] and query_words(" ") == []
