"""The fake upstream as a real process for tests: start it, wait until it answers, talk, stop it.

Usage, as a fixture (import it into a conftest.py, or request it where it is imported)::

    from tests.support.upstream_process import fake_upstream  # noqa: F401

    def test_sync(fake_upstream, tmp_path):
        upstream = fake_upstream(drop_folder, today="2026-11-25", rate=0)
        records, cursor = upstream.read_all("registry.enterprises")
        upstream.scenario("violent-collection")

or as a context manager: ``with upstream_process(drop_folder, state=tmp_path / "s.db") as up: ...``.
``upstream.url`` and ``upstream.token`` are what a connector under test is configured with.
"""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

TOKEN = "test-token"
READY = "fake upstream ready on "


@dataclass
class RunningUpstream:
    """A started `python -m xinyong.upstream` process and an authorised client for it."""

    url: str
    token: str
    state: Path
    process: subprocess.Popen
    output: list[str] = field(default_factory=list)
    _reader: threading.Thread | None = None
    _client: httpx.Client | None = None
    _ready: threading.Event = field(default_factory=threading.Event)

    @property
    def http(self) -> httpx.Client:
        if self._client is None:
            self._client = self.client()
        return self._client

    def client(self, token: str | None = None, **options: Any) -> httpx.Client:
        """A new client sending `token` (default: the right one; "" sends no token)."""
        token = self.token if token is None else token
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        # Plain HTTP: verify=False only skips loading the CA bundle (60 ms per client).
        options.setdefault("verify", False)
        return httpx.Client(base_url=self.url, headers=headers, timeout=10, **options)

    def page(self, dataset: str, cursor: str | None = None, page_size: int | None = None) -> dict:
        params: dict[str, Any] = {}
        if cursor is not None:
            params["updated_since"] = cursor
        if page_size is not None:
            params["page_size"] = page_size
        response = self.http.get(f"/api/{dataset}", params=params)
        response.raise_for_status()
        return response.json()

    def read_all(
        self, dataset: str, cursor: str | None = None, page_size: int = 500
    ) -> tuple[list[dict], str]:
        """Every record changed after `cursor`, following next_cursor; and the final cursor."""
        records: list[dict] = []
        while True:
            page = self.page(dataset, cursor, page_size)
            records += page["records"]
            cursor = page["next_cursor"]
            if not page["has_more"]:
                return records, cursor

    def change(self, *changes: dict) -> dict:
        response = self.http.post("/_admin/changes", json=list(changes))
        response.raise_for_status()
        return response.json()

    def scenario(self, name: str, **params: Any) -> dict:
        response = self.http.post(f"/_admin/scenarios/{name}", params=params)
        response.raise_for_status()
        return response.json()

    def admin_state(self) -> dict:
        response = self.http.get("/_admin/state")
        response.raise_for_status()
        return response.json()

    def terminate(self) -> None:
        """Ask the server to shut down (SIGTERM) without waiting for it."""
        if self._client is not None:
            self._client.close()
            self._client = None
        if self.process.poll() is None:
            self.process.terminate()

    def stop(self) -> None:
        self.terminate()
        try:
            self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        if self._reader is not None:
            self._reader.join(timeout=5)

    def wait_ready(self, timeout: float = 15.0) -> RunningUpstream:
        """Block until the ready line is printed and /healthz answers; fail with the output."""
        deadline = time.monotonic() + timeout
        if not self._ready.wait(timeout) or not self.url:
            self.stop()
            raise RuntimeError("fake upstream did not start:\n" + "\n".join(self.output))
        while True:
            try:
                if httpx.get(f"{self.url}/healthz", timeout=2, verify=False).status_code == 200:
                    return self
            except httpx.TransportError:
                pass
            if time.monotonic() > deadline:
                self.stop()
                raise RuntimeError(
                    "fake upstream never answered /healthz:\n" + "\n".join(self.output)
                )
            time.sleep(0.05)


def spawn_upstream(
    data: Path | None,
    *,
    state: Path,
    token: str = TOKEN,
    rate: float | None = None,
    fail_every: int | None = None,
    today: str | None = None,
    extra: tuple[str, ...] = (),
) -> RunningUpstream:
    """Start the server process on a free port (--port 0) without waiting for it."""
    args = [sys.executable, "-m", "xinyong.upstream", "--port", "0", "--state", str(state)]
    args += ["--token", token]
    if data is not None:
        args += ["--data", str(data)]
    if rate is not None:
        args += ["--rate", str(rate)]
    if fail_every is not None:
        args += ["--fail-every", str(fail_every)]
    if today is not None:
        args += ["--today", today]
    args += list(extra)
    process = subprocess.Popen(
        args, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8"
    )
    upstream = RunningUpstream("", token, state, process)

    def read() -> None:
        # Keep draining to the end: a full pipe would block the server mid-test.
        assert process.stdout is not None
        for line in process.stdout:
            upstream.output.append(line.rstrip("\n"))
            if line.startswith(READY) and not upstream.url:
                upstream.url = line[len(READY) :].strip()
                upstream._ready.set()
        upstream._ready.set()

    upstream._reader = threading.Thread(target=read, daemon=True)
    upstream._reader.start()
    return upstream


def start_upstream(
    data: Path | None, *, state: Path, timeout: float = 15.0, **options: Any
) -> RunningUpstream:
    """Start the server and return once it answers /healthz (options as for spawn_upstream)."""
    return spawn_upstream(data, state=state, **options).wait_ready(timeout)


@contextmanager
def upstream_process(
    data: Path | None, *, state: Path, **options: Any
) -> Iterator[RunningUpstream]:
    upstream = start_upstream(data, state=state, **options)
    try:
        yield upstream
    finally:
        upstream.stop()


class UpstreamStarter:
    """What the `fake_upstream` fixture gives: call it to start one server, `.many` for several."""

    def __init__(self, tmp_path: Path) -> None:
        self.tmp_path = tmp_path
        self.started: list[RunningUpstream] = []

    def _spawn(self, data: Path | None, options: dict[str, Any]) -> RunningUpstream:
        options.setdefault("state", self.tmp_path / f"upstream-{len(self.started)}.sqlite3")
        upstream = spawn_upstream(data, **options)
        self.started.append(upstream)
        return upstream

    def __call__(self, data: Path | None, **options: Any) -> RunningUpstream:
        return self._spawn(data, options).wait_ready()

    def many(self, count: int, data: Path | None, **options: Any) -> list[RunningUpstream]:
        """`count` servers on the same folder, each with its own state, started in parallel."""
        spawned = [self._spawn(data, dict(options)) for _ in range(count)]
        return [upstream.wait_ready() for upstream in spawned]

    def stop_all(self) -> None:
        for upstream in self.started:
            upstream.terminate()  # all at once: shutdowns overlap
        for upstream in self.started:
            upstream.stop()


@pytest.fixture
def fake_upstream(tmp_path: Path) -> Iterator[UpstreamStarter]:
    """A starter: `fake_upstream(folder, **options)`; every server started is stopped afterwards.

    Each start gets its own state file in tmp_path unless `state=` is given (pass the same
    path again to restart on kept state, after `upstream.stop()`).
    """
    starter = UpstreamStarter(tmp_path)
    yield starter
    starter.stop_all()
