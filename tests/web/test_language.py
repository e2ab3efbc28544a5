"""The site is in Simplified Chinese first; a visitor may switch it to English and back."""

from __future__ import annotations


def test_chinese_by_default_english_on_request(client):
    zh = client.get("/").text
    assert '<html lang="zh-CN">' in zh and "查企业信用，选合法机构" in zh
    en = client.get("/", params={"lang": "en"}).text
    assert '<html lang="en">' in en and "Check any enterprise, choose a lawful agency" in en
    assert "Red &amp; black lists" in en


def test_the_window_title_names_the_page_then_the_site_in_the_visitors_language(client):
    assert "<title>信用连云港</title>" in client.get("/").text
    assert "<title>红黑名单 · 信用连云港</title>" in client.get("/lists").text
    en = client.get("/lists", params={"lang": "en"}).text
    assert "<title>Red and black lists · Credit Lianyungang</title>" in en


def test_the_switch_remembers_the_choice_and_returns_to_the_page(client):
    response = client.get("/lang/en", params={"next": "/lists?type=red"}, follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/lists?type=red"
    assert "Red and black lists" in client.get("/lists").text
    client.get("/lang/zh", params={"next": "/"})
    assert "红黑名单" in client.get("/lists").text


def test_the_switch_never_leaves_the_site(client):
    for target in ("https://example.com/", "//example.com/x", "javascript:alert(1)"):
        response = client.get("/lang/en", params={"next": target}, follow_redirects=False)
        assert response.headers["location"] == "/"


def test_the_sources_page_in_english(client):
    page = client.get("/sources", params={"lang": "en"}).text
    assert "Data sources and freshness" in page and "never synced" in page
