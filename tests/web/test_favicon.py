"""The site's icon: every page names it, and a browser's own look at /favicon.ico finds it."""

from __future__ import annotations

from xml.etree import ElementTree


def test_every_page_names_the_icon_and_favicon_ico_leads_to_it(client):
    for path in ("/", "/agencies", "/no-such-page"):
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in (
            client.get(path, headers={"accept": "text/html"}).text
        ), path
    moved = client.get("/favicon.ico", follow_redirects=False)
    assert moved.status_code == 301 and moved.headers["location"] == "/static/favicon.svg"
    assert "max-age" in moved.headers["cache-control"]
    icon = client.get("/favicon.ico")  # followed, as a browser does
    assert icon.status_code == 200 and icon.headers["content-type"] == "image/svg+xml"
    assert "max-age" in icon.headers["cache-control"]
    svg = ElementTree.fromstring(icon.content)
    assert svg.tag == "{http://www.w3.org/2000/svg}svg"
    assert "信" in "".join(svg.itertext())
