"""`xinyong serve` holding many clients at once, as a city portal's visitors keep their connections."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.support.node_process import running_node
from xinyong.serving import own_sockets_supported


def _ask_on_each(port: int, clients: int) -> list[bytes]:
    """Open `clients` connections, ask on every one, then read every answer (10 s each)."""
    socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(clients)]
    try:
        for s in socks:
            s.sendall(b"GET /healthz HTTP/1.1\r\nHost: xinyong\r\n\r\n")
        answers = []
        for s in socks:
            try:
                answers.append(s.recv(64))
            except TimeoutError:
                answers.append(b"(no answer in 10 s)")
        return answers
    finally:
        for s in socks:
            s.close()


def test_every_open_connection_is_served_beyond_the_backlog(database_url):
    # A server that held only as many connections as its backlog (Granian's default, measured
    # in decision 0020) would leave the others waiting unserved.
    with running_node(database_url, "--backlog", "128") as base:
        answers = _ask_on_each(urlsplit(base).port, 300)
    assert [a[:15] for a in answers] == [b"HTTP/1.1 200 OK"] * 300


def _workers_of(port: int) -> list[int]:
    """The worker processes of the `xinyong serve` listening on `port` (Linux /proc)."""
    parents = [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit()
        and _cmdline(p).endswith(f"serve --port {port} --no-scheduler --workers 2")
    ]
    return [
        int(p.name)
        for p in Path("/proc").iterdir()
        if p.name.isdigit() and _parent(p) in parents and "spawn_main" in _cmdline(p)
    ]


def _cmdline(proc: Path) -> str:
    try:
        return (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode().strip()
    except OSError:
        return ""


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None


def _sockets(pid: int) -> int:
    fds = Path(f"/proc/{pid}/fd")
    return sum(1 for fd in fds.iterdir() if os.readlink(fd).startswith("socket:"))


@pytest.mark.skipif(not own_sockets_supported(), reason="SO_REUSEPORT spreads connections on Linux")
def test_two_workers_each_take_a_fair_share_of_a_burst_of_connections(database_url):
    # Visitors arriving together must not all land on one worker (one core's worth of Python)
    # while the other idles: each worker listens on a socket of its own.
    with running_node(database_url, "--workers", "2") as base:
        port = urlsplit(base).port
        socks = [socket.create_connection(("127.0.0.1", port), timeout=10) for _ in range(400)]
        try:
            for s in socks:
                s.sendall(b"GET /healthz HTTP/1.1\r\nHost: xinyong\r\n\r\n")
            answers = [s.recv(64)[:15] for s in socks]
            held = sorted(_sockets(pid) for pid in _workers_of(port))
        finally:
            for s in socks:
                s.close()
    assert answers == [b"HTTP/1.1 200 OK"] * 400
    assert len(held) == 2
    # Each worker holds its listening socket, its database files and its share of the 400.
    assert min(held) > 120, held


def test_serving_on_a_port_already_taken_fails_with_a_clear_message(database_url):
    with running_node(database_url, "--workers", "2") as base:
        port = urlsplit(base).port
        second = subprocess.run(
            [sys.executable, "-m", "xinyong", "serve", "--port", str(port), "--workers", "2"],
            env=dict(os.environ, XINYONG_DATABASE_URL=database_url),
            capture_output=True,
            text=True,
            timeout=60,
        )
    assert second.returncode == 1
    assert f"无法监听 127.0.0.1:{port}" in second.stderr
    assert "port in use?" in second.stderr


def _rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise AssertionError(f"no VmRSS for {pid}")


@pytest.mark.skipif(not own_sockets_supported(), reason="reads the processes from Linux /proc")
def test_the_parent_of_two_workers_holds_little_memory_of_its_own(database_url):
    # The parent only starts, watches and replaces the workers for the server's whole life: it
    # must not keep the command line's and the migrations' modules (100 MB it never uses).
    with running_node(database_url, "--workers", "2") as base:
        workers = _workers_of(urlsplit(base).port)
        assert len(workers) == 2
        parent = _parent(Path(f"/proc/{workers[0]}"))
        assert parent is not None and _parent(Path(f"/proc/{workers[1]}")) == parent
        assert _cmdline(Path(f"/proc/{parent}")).endswith("--workers 2")
        assert _rss_mb(parent) < min(_rss_mb(pid) for pid in workers) / 2
