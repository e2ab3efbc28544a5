"""A creditor asks for an agency's grade and sees why: each dimension, each factor, its points and
the source records behind it; a contract dispute shows yellow; bad codes are refused clearly."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import event, select

from tests.rating.conftest import RATED_AT
from xinyong.api.app import create_app
from xinyong.rating.models import Rating
from xinyong.rating.service import rate_codes, recompute_all
from xinyong.settings import get_settings


def _factor(body: dict, name: str) -> dict:
    return next(f for d in body["explanation"] for f in d["factors"] if f["factor"] == name)


def test_the_dishonest_agency_is_graded_cc_red_with_the_court_record_named(engine, demo, client):
    recompute_all(engine, RATED_AT)
    code = demo.code("江苏诚泰信用管理有限公司")
    body = client.get(f"/api/v1/ratings/{code}").json()

    assert (body["grade"], body["colour"], body["model_version"]) == ("CC", "red", "2")
    assert body["score"] <= 29 and body["agency"] is True
    assert "非官方名单" in body["label_zh"]
    assert body["ceiling"]["ceiling"] == "CC" and "失信被执行人" in body["ceiling"]["zh"]
    dishonest = _factor(body, "dishonest_current")
    assert dishonest["points"] == -25 and dishonest["colour"] == "red"
    [record] = dishonest["records"]
    story = next(r for r in demo.story("dishonest_agency") if "失信" in r["shows"])
    assert record["source"] == "zxgk" and record["record"] == "dishonest_record"
    assert record["as_of"] == "2026-11-20"
    judicial = next(d for d in body["explanation"] if d["dimension"] == "judicial")
    assert judicial["points_possible"] == 25 and judicial["points_kept"] == 0
    assert story["credit_code"] == code
    # The service record does not exist yet: said so, and neither for nor against.
    service = next(d for d in body["explanation"] if d["dimension"] == "service")
    assert service["assessed"] is False and "暂无记录" in service["note_zh"]
    assert [h["grade"] for h in body["history"]] == ["CC"]


def test_a_contract_dispute_under_enforcement_is_a_yellow_warning(engine, demo, client):
    recompute_all(engine, RATED_AT)
    body = client.get(f"/api/v1/ratings/{demo.code('连云港安信商务咨询有限公司')}").json()
    assert body["colour"] == "yellow" and body["colour_zh"] == "黄色预警"
    case = _factor(body, "enforcement_open")
    assert case["points"] == -8 and "合同纠纷" in case["zh"]
    assert case["records"][0]["source"] == "zxgk"
    assert body["grade"] in ("AAA", "AA")  # one open civil case is a warning, not a verdict


def test_a_clean_law_firm_keeps_every_point_and_the_page_shows_the_grade(demo, client):
    code = demo.code("江苏田湾律师事务所")
    # Never rated before: the first request rates it.
    body = client.get(f"/api/v1/ratings/{code}").json()
    assert (body["grade"], body["score"], body["colour"]) == ("AAA", 100, "green")
    assessed = [d for d in body["explanation"] if d["assessed"]]
    assert {d["dimension"] for d in assessed} >= {
        "identity",
        "judicial",
        "penalties",
        "transparency",
    }
    assert all(d["note_zh"].startswith("无不良记录") for d in assessed)
    profile = client.get(f"/api/v1/enterprises/{code}").json()
    assert profile["rating"]["grade"] == "AAA" and profile["rating"]["model_version"] == "2"
    page = client.get(f"/e/{code}")
    assert page.status_code == 200
    assert (
        "信用评级 Credit rating" in page.text
        and "AAA" in page.text
        and "评分卡第 2 版" in page.text
    )


def test_bad_and_unknown_codes_are_refused_with_the_field_named(engine, client):
    bad = client.get("/api/v1/ratings/91320700ABC")
    assert bad.status_code in (400, 422)
    problem = bad.json()
    assert "code" in str(problem) and "统一社会信用代码" in str(problem)
    unknown = client.get("/api/v1/ratings/91320700MA1MXXXX0L")
    assert unknown.status_code in (400, 404, 422)


def test_the_credit_report_carries_the_grade_and_the_records_behind_it(engine, demo, client):
    recompute_all(engine, RATED_AT)
    code = demo.code("江苏诚泰信用管理有限公司")
    issued = client.post(f"/api/v1/reports/credit/{code}")
    assert issued.status_code == 201, issued.text
    sections = client.get(f"/api/v1/reports/{issued.json()['number']}").json()["snapshot"][
        "sections"
    ]
    [section] = [s for s in sections if s["key"] == "rating"]
    assert section["title_zh"].startswith("信用评级：CC") and "红色预警" in section["title_zh"]
    judicial = next(r for r in section["rows"] if r[0].startswith("司法风险"))
    assert "现为失信被执行人 -25" in judicial[2] and "zxgk#" in judicial[2]
    assert "非官方名单" in section["notes_zh"][0]


def test_two_people_opening_an_unrated_firm_at_once_both_get_its_grade(engine, demo, client):
    """The first request rates a firm no pass has rated; when another request wins that race,
    the loser reads the winner's grade instead of failing on the duplicate row."""
    code = demo.code("江苏田湾律师事务所")
    raced: list[bool] = []

    def the_other_request_commits_first(conn, cursor, statement, *args) -> None:
        if statement.startswith("INSERT INTO rating ") and not raced:
            raced.append(True)
            with engine.begin() as other:
                rate_codes(other, [code], RATED_AT)

    event.listen(engine, "before_cursor_execute", the_other_request_commits_first)
    try:
        answer = client.get(f"/api/v1/ratings/{code}")
    finally:
        event.remove(engine, "before_cursor_execute", the_other_request_commits_first)
    assert raced == [True]
    assert answer.status_code == 200, answer.text
    assert (answer.json()["grade"], answer.json()["score"]) == ("AAA", 100)
    assert len(answer.json()["history"]) == 1


def test_a_first_rating_that_fails_halfway_leaves_nothing_behind(engine, demo, client):
    """The public profile rates a firm no pass has rated: the grade and its history are written
    together or not at all."""
    code = demo.code("江苏田湾律师事务所")
    failed: list[bool] = []

    def the_history_cannot_be_written(conn, cursor, statement, *args) -> None:
        if statement.startswith("INSERT INTO rating_history") and not failed:
            failed.append(True)
            raise RuntimeError("the database went away")

    event.listen(engine, "before_cursor_execute", the_history_cannot_be_written)
    try:
        with pytest.raises(RuntimeError):
            client.get(f"/api/v1/enterprises/{code}")
    finally:
        event.remove(engine, "before_cursor_execute", the_history_cannot_be_written)
    assert failed == [True]
    with engine.connect() as conn:
        kept = conn.execute(select(Rating.credit_code).where(Rating.credit_code == code)).all()
    assert kept == []  # no grade without its history
    rating = client.get(f"/api/v1/enterprises/{code}").json()["rating"]
    assert (rating["grade"], len(rating["history"])) == ("AAA", 1)


def read_only(url: str) -> str:
    """The same database through connections that refuse every write: a read replica's
    stand-in on one machine."""
    if url.startswith("sqlite"):
        return f"sqlite:///file:{url.removeprefix('sqlite:///')}?mode=ro&uri=true"
    parts = urlsplit(url)
    query = dict(parse_qsl(parts.query))
    query["options"] = f"{query.get('options', '')} -cdefault_transaction_read_only=on".strip()
    return parts._replace(query=urlencode(query, quote_via=quote)).geturl()


def test_a_profile_served_from_a_read_replica_writes_the_first_grade_on_the_primary(
    database_url, engine, demo, monkeypatch
):
    """Public reads go to a replica, which refuses writes: the profile of a firm no pass has
    rated still opens with its grade, written on the primary, where the next pass finds it."""
    code, quoted = demo.code("江苏田湾律师事务所"), demo.code("江苏港城律师事务所")
    monkeypatch.setenv("XINYONG_READ_DATABASE_URL", read_only(database_url))
    get_settings.cache_clear()
    with TestClient(create_app(engine)) as client:
        answer = client.get(f"/api/v1/enterprises/{code}")
        # A fee quote, also a public read, needs no grade: it rates nobody.
        quote = client.post("/api/v1/fees/quote", json={"agency": quoted, "debt_amount": "80000"})
    assert answer.status_code == 200, answer.text
    assert answer.json()["rating"]["grade"] == "AAA"
    assert quote.status_code == 200, quote.text
    with engine.connect() as conn:
        kept = conn.execute(
            select(Rating.credit_code).where(Rating.credit_code.in_([code, quoted]))
        )
        assert list(kept.scalars()) == [code]
