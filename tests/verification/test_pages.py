"""A visitor verifies an agency from the web form and shares the page of the answer."""

from __future__ import annotations

from fastapi.testclient import TestClient

from xinyong.api.app import create_app


def test_the_form_verifies_and_redirects_to_a_shareable_page(demo, client):
    form = client.get("/verifications").text
    assert 'action="/verifications"' in form and "统一社会信用代码或企业名称" in form
    firm = demo.story("dishonest_agency")
    response = client.post(
        "/verifications", data={"query": firm["credit_code"]}, follow_redirects=False
    )
    assert response.status_code == 303
    page_url = response.headers["location"]
    page = client.get(page_url).text
    assert "核验结论：不通过" in page and firm["name"] in page
    assert "第三步 信用记录核验" in page and "records.dishonest" in page
    # The page and the API tell the same stored answer.
    verification_id = page_url.rstrip("/").rsplit("/", 1)[-1]
    assert client.get(f"/api/v1/verifications/{verification_id}").json()["verdict"] == "不通过"
    # A foreign creditor reads the firm's class in English (the record keeps the Chinese).
    header = page.split('id="verdict"')[1].split("</p>")[1]
    assert "· 企业" in header
    english = client.get(page_url, params={"lang": "en"}).text
    header = english.split('id="verdict"')[1].split("</p>")[1]
    assert "· a company" in header and "企业" not in header


def test_the_page_right_after_the_form_is_the_stored_record(demo, engine, client):
    """The result page the form leads to is made from the answer just recorded (no read
    back); it must be the page anyone opening the shared link later gets from the database."""
    firm = demo.story("dishonest_agency")
    first = client.post("/verifications", data={"query": firm["credit_code"]})
    assert first.status_code == 200 and "核验结论：不通过" in first.text
    page_url = str(first.url)
    assert client.app.state.just_recorded.get(page_url.rsplit("/", 1)[-1]) is not None
    # Another process of the server (its own app) has only the stored record to go by.
    with TestClient(create_app(engine)) as other:
        later = other.get(page_url)
        assert later.status_code == 200
        assert other.app.state.just_recorded.get(page_url.rsplit("/", 1)[-1]) is None
    assert later.text == first.text
    # Asked for in English, the same two ways agree too.
    english = client.get(page_url, params={"lang": "en"})
    assert english.status_code == 200 and english.text != first.text
    with TestClient(create_app(engine)) as other:
        assert other.get(page_url, params={"lang": "en"}).text == english.text


def test_an_empty_form_and_an_unknown_id_explain_themselves(engine, client):
    empty = client.post("/verifications", data={"query": ""})
    assert empty.status_code == 422 and "统一社会信用代码或企业名称" in empty.text
    missing = client.get("/verifications/ffffffffffffffffffffffffffffffff")
    assert missing.status_code == 404 and "核验记录" in missing.text
