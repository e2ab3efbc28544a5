"""A visitor opens the front page and the 行政处罚 publication: the newest decisions in their
publicity period, each linked to the firm's profile, shown as soon as a sync brings them."""

from __future__ import annotations

from tests.support.judicial_files import penalty_row, register_enterprises, write_drop
from tests.support.registry_files import credit_code, enterprise_row
from xinyong.penalties.importer import import_file
from xinyong.sources.layouts_judicial import PENALTY_DECISIONS


def test_a_penalty_sync_reaches_the_front_page_and_the_publication(tmp_path, engine, client):
    register_enterprises(engine, tmp_path / "gsxt", [enterprise_row(1)])
    front = client.get("/")
    assert "目前没有公示中的行政处罚决定" in front.text
    assert client.get("/").headers["x-cache"] == "hit"

    drop = [penalty_row(1, 处罚决定日期="2026-04-20", 处罚机关="连云港市海州区市场监督管理局")]
    import_file(engine, write_drop(tmp_path / "penalties.csv", PENALTY_DECISIONS, drop))

    again = client.get("/", headers={"if-none-match": front.headers["etag"]})
    assert again.status_code == 200 and again.headers["x-cache"] == "miss"
    assert f'<a href="/e/{credit_code(1)}">连云港市海州区测试1商贸有限公司</a>' in again.text
    assert 'href="/penalties"' in again.text

    listed = client.get("/penalties", params={"q": "海州区市场监督"})
    assert listed.status_code == 200
    assert "连海市监罚〔2026〕1号" in listed.text and "罚款 ¥2,000.00" in listed.text
    assert "公示至 2029-05-10" in listed.text
    none = client.get("/penalties", params={"q": "生态环境局"})
    assert "没有符合条件的公示决定" in none.text
    english = client.get("/penalties", params={"lang": "en"}).text
    assert "Administrative penalties published" in english
