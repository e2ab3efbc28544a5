"""The importer reads the demo files as it reads a real registry drop: official headers, valid cells."""

from __future__ import annotations

import csv

from stdnum.cn import uscc as stdnum_uscc
from stdnum.iso7064 import mod_11_10

from tests.demo.conftest import DemoSet
from xinyong.codes import check_registration_number, check_uscc
from xinyong.demo.judicial import JUDICIAL_FILES
from xinyong.sources.fields import FieldError
from xinyong.sources.layouts import REGISTRY_FILES, Layout

ALL_FILES: dict[str, Layout] = {**REGISTRY_FILES, **JUDICIAL_FILES}


def _problems(layout: Layout, row: list[str]) -> list[str]:
    """What the layout's own parsers object to in one row."""
    found = []
    for field, cell in zip(layout.fields, row, strict=True):
        if not cell.strip():
            if field.required:
                found.append(f"{field.header}: missing")
            continue
        try:
            field.parse(cell)
        except FieldError as error:
            found.append(f"{field.header}: {error}")
    return found


def test_each_file_has_exactly_the_layout_headers_in_order(demo: DemoSet) -> None:
    for name, layout in ALL_FILES.items():
        with open(demo.out / name, encoding="utf-8", newline="") as fh:
            assert next(csv.reader(fh)) == [field.header for field in layout.fields]


def test_every_good_row_parses_and_every_listed_bad_row_is_rejected(demo: DemoSet) -> None:
    rejected = set()
    for name, layout in ALL_FILES.items():
        with open(demo.out / name, encoding="utf-8", newline="") as fh:
            reader = csv.reader(fh)
            next(reader)
            for line, row in enumerate(reader, start=2):
                problems = _problems(layout, row)
                if problems:
                    rejected.add((name, line))
                    assert (name, line) in demo.bad_lines, (name, line, problems)
    assert rejected == demo.bad_lines


def test_bad_rows_cover_every_file_and_every_kind_of_defect(demo: DemoSet) -> None:
    bad = demo.manifest["bad_rows"]
    # As many again in the judicial and penalty files as in the registry files.
    assert sum(b["file"] in REGISTRY_FILES for b in bad) == 28
    assert sum(b["file"] in JUDICIAL_FILES for b in bad) == 28
    assert {b["file"] for b in bad} == set(ALL_FILES)
    assert {b["problem"] for b in bad} == {
        "check_char",
        "illegal_char",
        "impossible_date",
        "negative_amount",
        "unknown_status",
        "unknown_value",
        "missing_name",
    }
    rows = {name: demo.rows(name, good_only=False) for name in ALL_FILES}
    for b in bad:
        row = rows[b["file"]][b["line"] - 2]
        assert row[b["column"]] == b["value"]
        if b["problem"] == "illegal_char":
            assert set(b["value"]) & {"I", "O"}
        if b["problem"] == "check_char":
            assert not stdnum_uscc.is_valid(b["value"])
            assert stdnum_uscc.is_valid(
                b["value"][:17] + stdnum_uscc.calc_check_digit(b["value"][:17])
            )


def test_credit_codes_are_valid_unique_and_decode_to_lianyungang(demo: DemoSet) -> None:
    codes = [row["统一社会信用代码"] for row in demo.rows("enterprises.csv")]
    assert len(codes) == len(set(codes)) == 5000
    for code in codes:
        assert stdnum_uscc.is_valid(code), code
        assert check_uscc(code).valid, code
    kinds = {code[:2] for code in codes}
    assert {"91", "92", "93", "31", "51", "52"} <= kinds
    divisions = {code[2:8] for code in codes}
    assert divisions <= {
        "320000",
        "320700",
        "320703",
        "320705",
        "320706",
        "320707",
        "320721",
        "320722",
        "320723",
        "320724",
        "320771",
    }


def test_a_few_codes_fail_only_the_inner_organisation_code_check(demo: DemoSet) -> None:
    codes = [row["统一社会信用代码"] for row in demo.rows("enterprises.csv")]
    org_failures = [c for c in codes if any(w.code == "org_check" for w in check_uscc(c).warnings)]
    assert 0 < len(org_failures) < 0.006 * len(codes)


def test_development_zone_and_abolished_divisions_appear_as_warnings(demo: DemoSet) -> None:
    rows = demo.rows("enterprises.csv")
    zone = [r for r in rows if r["统一社会信用代码"][2:8] == "320771"]
    assert 0.008 < len(zone) / len(rows) < 0.03
    assert all(r["行政区划代码"] == "320771" and "开发区" in r["住所"] for r in zone)
    old = [r for r in rows if r["统一社会信用代码"][2:8] in ("320705", "320721")]
    assert old and all(r["成立日期"] < "2014-03-01" for r in old)  # before the 2014 reorganisation
    assert all(
        w.code == "abolished_division"
        for r in old
        for w in check_uscc(r["统一社会信用代码"]).warnings
        if w.code != "org_check"
    )


def test_registration_numbers_exist_exactly_for_enterprises_before_october_2015(
    demo: DemoSet,
) -> None:
    for row in demo.rows("enterprises.csv"):
        number, established = row["注册号"], row["成立日期"]
        if row["统一社会信用代码"][:1] in "35":  # law firms and social organisations have none
            assert number == ""
        elif established < "2015-10-01":
            assert len(number) == 15 and mod_11_10.is_valid(number), row
            assert check_registration_number(number).valid
            assert number[:6] in {
                "320700",
                "320703",
                "320705",
                "320706",
                "320707",
                "320721",
                "320722",
                "320723",
                "320724",
                "320771",
            }
        else:
            assert number == "", row


def test_names_are_unique_including_former_names(demo: DemoSet) -> None:
    rows = demo.rows("enterprises.csv")
    names = [r["企业名称"] for r in rows] + [n for r in rows for n in r["曾用名"].split("；") if n]
    assert len(names) == len(set(names))
    renamed = sum(1 for r in rows if r["曾用名"])
    assert 0.025 < renamed / len(rows) < 0.08


def test_shareholders_name_people_without_id_numbers_and_companies_by_code(demo: DemoSet) -> None:
    founded = {r["统一社会信用代码"]: r["成立日期"] for r in demo.rows("enterprises.csv")}
    codes = set(founded)
    holders = demo.rows("shareholders.csv")
    assert {h["统一社会信用代码"] for h in holders} <= codes
    people = [h for h in holders if h["股东类型"] == "自然人股东"]
    assert people and all(h["证照号码"] == "" and h["证照类型"] == "" for h in people)
    companies = [h for h in holders if h["证照类型"] == "统一社会信用代码"]
    assert companies and all(h["证照号码"] in codes for h in companies)
    assert all(h["证照号码"] != h["统一社会信用代码"] for h in companies)
    # A company can only invest in one founded after it.
    assert all(founded[h["证照号码"]] < founded[h["统一社会信用代码"]] for h in companies)


def test_amounts_have_at_most_six_decimals_and_shares_add_up(demo: DemoSet) -> None:
    from decimal import Decimal

    totals: dict[str, Decimal] = {}
    for h in demo.rows("shareholders.csv"):
        amount = h["认缴出资额（万元）"]
        if amount:
            assert len(amount.partition(".")[2]) <= 6
            totals[h["统一社会信用代码"]] = totals.get(h["统一社会信用代码"], Decimal(0)) + Decimal(
                amount
            )
    capital = {r["统一社会信用代码"]: r["注册资本（万元）"] for r in demo.rows("enterprises.csv")}
    for code, total in totals.items():
        assert Decimal(capital[code]) == total, code
