"""Seams: named points where a domain asks others for facts without importing them.

A domain declares a `Seam` for what it needs (verification: list entries; reports: extra
sections; the agency directory: standing facts); `wiring.connect()` registers the providers
other domains offer. Registration is by key, so registering again replaces, and a test can
plug in its own provider and take it out again.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

P = TypeVar("P", bound=Callable)


class Seam(Generic[P]):
    """Providers of one kind of fact, in registration order."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._providers: dict[str, P] = {}

    def register(self, key: str, provider: P) -> None:
        self._providers[key] = provider

    def unregister(self, key: str) -> None:
        self._providers.pop(key, None)

    def items(self) -> list[tuple[str, P]]:
        return list(self._providers.items())

    def __iter__(self) -> Iterator[P]:
        return iter(list(self._providers.values()))

    @contextmanager
    def plugged(self, key: str, provider: P) -> Iterator[None]:
        """Register for the duration of a `with` block (tests, one-off jobs)."""
        previous = self._providers.get(key)
        self.register(key, provider)
        try:
            yield
        finally:
            if previous is None:
                self.unregister(key)
            else:
                self.register(key, previous)

    @contextmanager
    def isolated(self) -> Iterator[None]:
        """No provider for the duration of a `with` block, then every one back (tests)."""
        saved = dict(self._providers)
        self._providers.clear()
        try:
            yield
        finally:
            self._providers.clear()
            self._providers.update(saved)

    def __repr__(self) -> str:
        return f"Seam({self.name!r}, {list(self._providers)})"
