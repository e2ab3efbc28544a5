"""Start a real xinyong node (`xinyong serve`) as a separate process for tests over HTTP."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_until_healthy(proc: subprocess.Popen, base: str, seconds: float) -> None:
    """Poll /healthz until it answers 200; fail with the process's output if it dies first."""
    deadline = time.monotonic() + seconds
    while True:
        if proc.poll() is not None:
            raise RuntimeError(
                f"process exited early:\n{proc.stdout.read().decode(errors='replace')}"
            )
        try:
            if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"{base} did not answer within {seconds} s")
        time.sleep(0.2)


@contextmanager
def running_node(database_url: str, *serve_args: str, **env: str) -> Iterator[str]:
    """Serve `database_url` on a free loopback port (more `serve` options in `serve_args`);
    yields the base URL; stops the process."""
    port = free_port()
    environ = dict(os.environ, XINYONG_DATABASE_URL=database_url, **env)
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "xinyong",
            "serve",
            "--port",
            str(port),
            "--no-scheduler",
            *serve_args,
        ],
        env=environ,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        wait_until_healthy(proc, base, 30)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
