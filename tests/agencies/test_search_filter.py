"""A creditor searching for a collector ticks "agencies only" and sees only directory agencies."""

from sqlalchemy import select

from xinyong.agencies.models import Agency


def test_the_agencies_only_filter_keeps_directory_agencies(client, session, synced):
    agencies = set(session.scalars(select(Agency.credit_code)))
    everyone = client.get("/api/v1/enterprises", params={"q": "连云港", "size": 100}).json()
    only = client.get(
        "/api/v1/enterprises", params={"q": "连云港", "size": 100, "agencies": "true"}
    ).json()
    assert only["items"] and {i["credit_code"] for i in only["items"]} <= agencies
    # Without the filter the same query finds ordinary companies too.
    assert {i["credit_code"] for i in everyone["items"]} - agencies
