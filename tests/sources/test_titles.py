"""Records and sources are named as people call them wherever a page or report cites them."""

from __future__ import annotations

from xinyong.settings import get_settings
from xinyong.sources.catalog import record_title, source_title


def test_a_record_table_is_named_by_the_layout_that_feeds_it_or_as_the_platforms_own():
    assert record_title("dishonest_record") == (
        "失信被执行人信息",
        "Dishonest judgment debtors (失信被执行人)",
    )
    assert record_title("abnormal_entry")[0] == "经营异常名录信息"
    assert record_title("list_entry") == ("红黑名单", "Red and black lists")
    # A table nobody named is shown as it is, never as a blank.
    assert record_title("some_new_table") == ("some_new_table", "some_new_table")


def test_a_source_is_named_by_its_configured_title_and_another_file_by_its_own(
    tmp_path, monkeypatch
):
    assert source_title("gsxt")[0] == "国家企业信用信息公示系统（企业登记）"
    assert source_title("lists")[0] == "本平台红黑名单认定"
    assert source_title("nobody") == ("nobody", "nobody")
    assert source_title(None) == ("—", "—")

    own = tmp_path / "sources.yaml"
    own.write_text(
        "sources:\n  gsxt:\n    title_zh: 省市场监管局登记库\n    title_en: Provincial registry\n"
        "    transport: files\n",
        "utf-8",
    )
    monkeypatch.setenv("XINYONG_SOURCES_FILE", str(own))
    get_settings.cache_clear()
    try:
        assert source_title("gsxt") == ("省市场监管局登记库", "Provincial registry")
        assert source_title("zxgk") == ("zxgk", "zxgk")
    finally:
        monkeypatch.delenv("XINYONG_SOURCES_FILE")
        get_settings.cache_clear()
