"""Division codes (GB/T 2260) read as place names, from python-stdnum's data."""

import pytest

from xinyong.codes import Division, lookup_division
from xinyong.errors import InvalidInput


def test_a_district_has_province_city_and_county() -> None:
    division = lookup_division("320706")
    assert division == Division("320706", "江苏省", "连云港市", "海州区", True, "1986-")
    assert division.full_name == "江苏省连云港市海州区"


def test_a_city_code_has_no_county() -> None:
    division = lookup_division("320700")
    assert (division.city, division.county, division.known) == ("连云港市", None, True)


def test_a_municipality_district_does_not_repeat_the_city() -> None:
    division = lookup_division("110101")
    assert division.full_name == "北京市东城区"
    assert division.to_dict()["city"] == "北京市"


def test_an_abolished_district_keeps_its_years() -> None:
    division = lookup_division("320705")
    assert (division.county, division.years, division.abolished_in) == ("新浦区", "1986-2014", 2014)


def test_a_renamed_district_takes_its_current_name() -> None:
    assert lookup_division("500101").county == "万州区"


def test_an_unknown_code_is_not_an_exception() -> None:
    division = lookup_division("610131")
    assert not division.known and division.province == "陕西省"
    assert not lookup_division("999999").known


def test_a_malformed_code_is_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        lookup_division("32070")


def test_a_city_portal_offers_the_counties_in_force_under_its_city() -> None:
    from xinyong.codes.divisions import counties_of

    names = [d.county for d in counties_of("320700")]
    assert names == ["连云区", "海州区", "赣榆区", "东海县", "灌云县", "灌南县"]
    # 新浦区 (until 2014) and 赣榆县 (until it became 赣榆区) are history, not filters.
    assert "新浦区" not in names and "赣榆县" not in names
    assert [d.county for d in counties_of("3201")][:2] == ["玄武区", "秦淮区"]
