"""Search pages on an empty register say so plainly; bad filters say what is wrong."""

from __future__ import annotations


def test_empty_states(client):
    assert "输入名称或代码开始搜索" in client.get("/search").text
    none = client.get("/search", params={"q": "金鼎盛"})
    assert none.status_code == 200 and "没有找到符合条件的企业" in none.text
    assert client.get("/search/suggest", params={"q": ""}).text.strip() == ""
    assert "没有找到" in client.get("/search/suggest", params={"q": "金鼎盛"}).text


def test_a_bad_division_filter_is_named(client):
    response = client.get("/search", params={"q": "金鼎盛", "division": "haizhou"})
    assert response.status_code == 422
    assert "division" in response.text and "2–6 位数字" in response.text


def test_the_templates_page_offers_every_model_document(client):
    page = client.get("/templates").text
    assert "/api/v1/documents/templates/entrustment_agreement?format=docx" in page
    assert "/api/v1/documents/templates/pi_authorization?format=pdf" in page


def test_a_result_found_by_something_else_than_its_name_says_what_in_words(
    engine, client, tmp_path
):
    from tests.support.registry_files import enterprise_row, write_enterprises
    from xinyong.sources.config import get_source
    from xinyong.sources.scheduler import run_syncs

    row = enterprise_row(1, 企业名称="连云港市海州区金鼎商贸有限公司", 法定代表人="王建国")
    write_enterprises(tmp_path / "drop" / "enterprises.csv", [row])
    run_syncs(engine, [get_source("gsxt").model_copy(update={"path": tmp_path / "drop"})])

    assert "命中拼音首字母：" in client.get("/search", params={"q": "jdsm"}).text
    assert "命中法定代表人：" in client.get("/search", params={"q": "王建国"}).text
    english = client.get("/search", params={"q": "jdsm", "lang": "en"}).text
    assert "Matched pinyin initials：" in english

    # Its page names where the record came from as people call it, in the visitor's language.
    from tests.support.registry_files import credit_code

    page = client.get(f"/e/{credit_code(1)}").text
    assert "来源 Source：国家企业信用信息公示系统（企业登记）" in page
    english = client.get(f"/e/{credit_code(1)}", params={"lang": "en"}).text
    assert "National Enterprise Credit Information Publicity System (registry)" in english
