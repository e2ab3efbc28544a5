"""`xinyong serve` holding many clients at once, as a city portal's visitors keep their connections."""

from __future__ import annotations

import socket
from urllib.parse import urlsplit

from tests.support.node_process import running_node


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
