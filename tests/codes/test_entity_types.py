"""An English reader sees what kind of entity a firm is, phrase by phrase; an unknown wording is
left in Chinese rather than half translated."""

from __future__ import annotations

from xinyong.codes.entity_types import entity_type_en


def test_the_type_and_each_qualifier_are_translated_with_either_kind_of_parenthesis():
    assert entity_type_en("个体工商户") == "individual business"
    assert entity_type_en("股份有限公司（非上市、自然人投资或控股）") == (
        "company limited by shares (unlisted, invested or controlled by natural persons)"
    )
    assert entity_type_en("有限责任公司分公司(自然人投资或控股)") == (
        "branch of a limited liability company (invested or controlled by natural persons)"
    )


def test_an_unknown_type_or_qualifier_gives_nothing():
    assert entity_type_en("有限责任公司(某种新的说法)") is None
    assert entity_type_en("新型市场主体") is None
    assert entity_type_en("有限责任公司(自然人投资或控股") is None  # unbalanced
