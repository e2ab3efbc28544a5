"""Read lanes: a public read's miss answered by its route's own function before routing."""

from __future__ import annotations

import inspect
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fastapi import Request, Response
from pydantic import BaseModel, ValidationError
from starlette.types import Receive, Scope


@dataclass(frozen=True)
class Lane:
    """A read route its misses can reach without FastAPI's routing and parameter machinery:
    the route's function, the model of its query parameters (which the route declares with
    `Annotated[Model, Query()]`, so both validate alike; None for a route that reads none)
    and its path's parameters."""

    endpoint: Callable[..., Awaitable[Response]]
    params: type[BaseModel] | None
    path: re.Pattern[str]

    async def answer(self, scope: Scope, receive: Receive) -> Response | None:
        """The route's answer to this request, or None when its query is not valid: the request
        then goes on to the route, whose answer to invalid input (a 422 saying what is wrong
        and where) is the one every caller gets."""
        matched = self.path.match(scope["path"])
        if matched is None:
            return None
        arguments = matched.groupdict()
        if self.params is not None:
            query = scope.get("query_string", b"").decode("latin-1")
            try:
                asked = dict(parse_qsl(query, keep_blank_values=True))
                arguments["params"] = self.params.model_validate(asked)
            except ValidationError:
                return None
        request = Request(scope, receive)
        try:
            return await self.endpoint(request, **arguments)
        except Exception as exc:
            handler = _handler(scope["app"], exc)
            if handler is None:
                raise  # as from a route: the server error middleware answers 500
            answer = handler(request, exc)
            return await answer if inspect.isawaitable(answer) else answer


LANES: dict[str, Lane] = {}


def template_pattern(template: str) -> re.Pattern[str]:
    """The addresses of a route's path template, each `{name}` matched as a named group."""
    return re.compile("^" + re.sub(r"\{([^}/]+)\}", r"(?P<\1>[^/]+)", template) + "$")


def register(
    template: str,
    endpoint: Callable[..., Awaitable[Response]],
    params: type[BaseModel] | None = None,
) -> None:
    """Misses of `template` (a path the read cache serves, api/cache.FAST_PATHS) answered by
    `endpoint(request, params=…, **path parameters)` before routing (no `params` when the
    route reads no query). The route keeps its place in the app: it answers invalid input,
    callers with credentials, and the docs."""
    LANES[template] = Lane(endpoint, params, template_pattern(template))


def _handler(app, exc: Exception) -> Callable | None:
    """The app's handler for `exc`, as Starlette's exception middleware picks it (the nearest
    class first); none for a bare Exception, which the server error middleware answers."""
    handlers = getattr(app, "exception_handlers", {})
    for cls in type(exc).__mro__:
        if cls is Exception:
            return None
        if cls in handlers:
            return handlers[cls]
    return None
