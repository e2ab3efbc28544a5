"""The article's tiered example quoted under both readings, in the words a creditor reads."""

from __future__ import annotations

from decimal import Decimal

import pytest

from xinyong.agencies.fees import quote
from xinyong.agencies.schedule import Band, Commission, FeeSchedule, Hourly


def article(method: str) -> FeeSchedule:
    """30% up to 50,000 yuan, 20% above it, declared marginal or whole-amount."""
    return FeeSchedule(
        commission=Commission(
            method=method,
            bands=[Band(lower=0, upper=50000, rate=30), Band(lower=50000, rate=20)],
        )
    )


@pytest.mark.parametrize(
    ("recovered", "marginal", "whole"),
    [
        ("30000", "9000.00", "9000.00"),
        ("50000", "15000.00", "15000.00"),
        ("50000.01", "15000.00", "10000.00"),
        ("80000", "21000.00", "16000.00"),
        ("200000", "45000.00", "40000.00"),
    ],
)
def test_the_article_example_under_both_readings(recovered, marginal, whole):
    amount = Decimal(recovered)
    assert quote(article("marginal"), amount).total_high == Decimal(marginal)
    assert quote(article("whole_amount"), amount).total_high == Decimal(whole)


def test_the_marginal_quote_explains_each_band_in_plain_chinese_and_english():
    q = quote(article("marginal"), Decimal(200000))
    assert [line.text_zh for line in q.lines] == [
        "前 50,000 元按 30% 计 15,000 元",
        "超过 50,000 元的 150,000 元按 20% 计 30,000 元",
    ]
    assert q.lines[0].text_en == "first 50,000 yuan at 30%: 15,000 yuan"
    assert q.summary_zh.endswith("合计 45,000 元。")
    assert q.effective_rate_high == Decimal("22.50")
    assert any("超额累进" in zh for zh, _ in q.notes)
    assert any("未填写回收金额" in zh for zh, _ in q.notes)


def test_the_whole_amount_quote_names_the_band_the_amount_falls_in():
    q = quote(article("whole_amount"), Decimal(200000), Decimal(80000))
    (line,) = q.lines
    assert line.text_zh == "回收金额 80,000 元落在超过 50,000 元一档，全额按 20% 计 16,000 元"
    assert q.effective_rate_high == Decimal("20.00")


def test_personal_debts_at_200_to_500_yuan_an_hour_quote_a_range():
    schedule = FeeSchedule(
        hourly=Hourly(
            min_rate=200, max_rate=500, applies_to_zh="个人债务", applies_to_en="personal debts"
        )
    )
    q = quote(schedule, Decimal(30000), Decimal(0), Decimal("12.5"))
    assert (q.total_low, q.total_high) == (Decimal("2500.00"), Decimal("6250.00"))
    assert (
        q.lines[0].text_zh
        == "计时收费（个人债务） 12.5 小时 × 每小时 200–500 元，计 2,500–6,250 元"
    )
    assert q.effective_rate_high is None  # nothing recovered: no rate to show


def test_amounts_finer_than_a_fen_are_refused():
    from xinyong.errors import InvalidInput

    with pytest.raises(InvalidInput) as refused:
        quote(article("marginal"), Decimal("100.001"))
    assert "精确到分" in refused.value.message_zh
