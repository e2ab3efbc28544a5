"""A visitor's answers leave the server whole and in order, each in one write to the socket."""

from __future__ import annotations

import asyncio
import socket
import threading
import time

import pytest
import uvicorn

from xinyong.transport import FLUSH_BYTES, WriteOnceProtocol

CHUNK = b"x" * 40_000


async def app(scope, receive, send):
    if scope["type"] != "http":
        return
    path = scope["path"]
    if path == "/stream":
        # A long body sent in parts, yielding between them, as a file download does.
        await send({"type": "http.response.start", "status": 200, "headers": []})
        for _ in range(5):
            await send({"type": "http.response.body", "body": CHUNK, "more_body": True})
            await asyncio.sleep(0)
        await send({"type": "http.response.body", "body": b"end"})
        return
    body = f"answer to {path}".encode()
    headers = [(b"content-type", b"text/plain"), (b"content-length", str(len(body)).encode())]
    if path == "/last":
        headers.append((b"connection", b"close"))
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": body})


class _Counted:
    """The real socket transport, with each write it is given recorded."""

    def __init__(self, transport, writes: list[int]) -> None:
        self._transport, self.writes = transport, writes

    def write(self, data) -> None:
        self.writes.append(len(data))
        self._transport.write(data)

    def __getattr__(self, name):
        return getattr(self._transport, name)


WRITES: list[list[int]] = []


class CountedWriteOnce(WriteOnceProtocol):
    def connection_made(self, transport):
        WRITES.append([])
        super().connection_made(_Counted(transport, WRITES[-1]))


@pytest.fixture
def server():
    WRITES.clear()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=0, http=CountedWriteOnce, log_level="warning", lifespan="off"
    )
    running = uvicorn.Server(config)
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not running.started and time.monotonic() < deadline:
        time.sleep(0.01)
    yield running.servers[0].sockets[0].getsockname()[1]
    running.should_exit = True
    thread.join(timeout=10)


def _read(sock: socket.socket, until: bytes, count: int = 1) -> bytes:
    data = b""
    while data.count(until) < count:
        part = sock.recv(65536)
        if not part:
            break
        data += part
    return data


def _ask(path: str) -> bytes:
    return f"GET {path} HTTP/1.1\r\nHost: xinyong\r\n\r\n".encode()


def test_each_answer_is_one_write_on_a_kept_connection(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        for path in ("/a", "/b", "/c"):
            sock.sendall(_ask(path))
            answer = _read(sock, f"answer to {path}".encode())
            assert answer.startswith(b"HTTP/1.1 200 OK\r\n")
            assert answer.endswith(f"\r\n\r\nanswer to {path}".encode())
    # uvicorn alone writes the header block and the body apart: six writes for three answers.
    assert len(WRITES) == 1 and len(WRITES[0]) == 3


def test_pipelined_questions_are_answered_in_order(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        sock.sendall(_ask("/first") + _ask("/second"))
        data = _read(sock, b"answer to ", 2)
    assert data.index(b"answer to /first") < data.index(b"answer to /second")


def test_a_closing_answer_is_sent_before_the_connection_closes(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        sock.sendall(_ask("/last"))
        data = b""
        while part := sock.recv(65536):
            data += part
    assert data.startswith(b"HTTP/1.1 200 OK\r\n")
    assert data.endswith(b"answer to /last")


def test_a_long_body_arrives_whole_without_being_held_back(server):
    with socket.create_connection(("127.0.0.1", server), timeout=10) as sock:
        sock.sendall(_ask("/stream"))
        data = _read(sock, b"0\r\n\r\n")
    head, _, body = data.partition(b"\r\n\r\n")
    assert b"transfer-encoding: chunked" in head.lower()
    assert body.count(CHUNK) == 5 and body.endswith(b"3\r\nend\r\n0\r\n\r\n")
    # Parts written across turns of the loop go out as they come, none larger than the cap
    # plus one part: nothing waits for the whole body.
    assert len(WRITES[0]) > 1
    assert max(WRITES[0]) < FLUSH_BYTES + len(CHUNK) + 64
