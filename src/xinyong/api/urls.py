"""Absolute URLs of named routes, each name looked up once instead of by a scan of every route."""

from __future__ import annotations

from starlette.datastructures import URLPath
from starlette.requests import HTTPConnection
from starlette.routing import NoMatchFound


def url_for(request: HTTPConnection, name: str, /, **params: str) -> str:
    """`request.url_for(name, **params)` as a string. Starlette's look-up walks the routes one by
    one (a NoMatchFound raised and caught by each), a twentieth of a worker's time under the load
    benchmark's verifications (bench/RESULTS.md, load); the route's path is the same every time."""
    values = {k: str(v) for k, v in params.items()}
    template = _template(request.app, name, tuple(sorted(values)))
    if template is None or any("/" in v or not v for v in values.values()):
        return str(request.url_for(name, **params))  # as Starlette decides, errors included
    return str(URLPath(template.format(**values)).make_absolute_url(request.base_url))


def _template(app, name: str, keys: tuple[str, ...]) -> str | None:
    """The route's path with a {key} slot per parameter, kept per app; None when a typed
    parameter (an int, a uuid) refuses the slot, or no route has the name."""
    kept: dict | None = getattr(app.state, "url_templates", None)
    if kept is None:
        kept = app.state.url_templates = {}
    if (name, keys) not in kept:
        try:
            kept[name, keys] = app.router.url_path_for(name, **{k: "{" + k + "}" for k in keys})
        except (NoMatchFound, AssertionError, ValueError):
            kept[name, keys] = None
    return kept[name, keys]
