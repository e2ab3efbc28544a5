"""Absolute URLs of named routes, each name looked up once instead of by a scan of every route."""

from __future__ import annotations

from starlette.datastructures import URLPath
from starlette.requests import HTTPConnection
from starlette.routing import NoMatchFound

# Absolute prefixes kept per app, at most this many: the Host header is the client's to choose.
_PREFIXES_MAX = 64


def url_for(request: HTTPConnection, name: str, /, **params: str) -> str:
    """`request.url_for(name, **params)` as a string. Starlette's look-up walks the routes one by
    one (a NoMatchFound raised and caught by each), a twentieth of a worker's time under the load
    benchmark's verifications (bench/RESULTS.md, load); the route's path is the same every time,
    and so is the absolute prefix for the same scheme, host and root path."""
    values = {k: str(v) for k, v in params.items()}
    template = _template(request.app, name, tuple(sorted(values)))
    if template is None or any("/" in v or not v for v in values.values()):
        return str(request.url_for(name, **params))  # as Starlette decides, errors included
    return _prefix(request) + template.format(**values)


def _prefix(request: HTTPConnection) -> str:
    """What Starlette puts before the route's path: scheme, host and the app's root path, made
    once per request base (making it parsed and rebuilt two URLs a call, a twentieth of a
    reused verification's time in the event loop — bench/RESULTS.md, load)."""
    scope = request.scope
    host = next((value for key, value in scope["headers"] if key == b"host"), None)
    root = scope.get("app_root_path", scope.get("root_path", ""))
    server = scope.get("server")
    base = (scope.get("scheme"), host, tuple(server) if server else None, root)
    kept: dict | None = getattr(request.app.state, "url_prefixes", None)
    if kept is None or len(kept) >= _PREFIXES_MAX:
        kept = request.app.state.url_prefixes = {}
    prefix = kept.get(base)
    if prefix is None:
        # Starlette's absolute URL of an empty path: everything but the route's path.
        prefix = kept[base] = str(URLPath("").make_absolute_url(request.base_url))
    return prefix


def _template(app, name: str, keys: tuple[str, ...]) -> URLPath | None:
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
