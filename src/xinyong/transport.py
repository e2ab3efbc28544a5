"""The server's writes to a connection: what a response writes in one turn of the event loop goes out in one system call."""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

# Held bytes past this go out at once: a large body is not kept back in memory to wait for more.
FLUSH_BYTES = 64 * 1024


class WriteOnceTransport:
    """A connection's transport that holds what is written until the event loop's turn ends.

    uvicorn writes a response's header block when the app starts the response and its body when
    the app sends it: two `send` calls on the socket for every answer. On loopback each wakes the
    reader and runs the network stack, and it was a fifth of the event loop's time per request
    (bench/RESULTS.md, load: twenty-sixth session). Written in the same turn, they leave together.
    """

    __slots__ = ("_transport", "_loop", "_held", "_size")

    def __init__(self, transport: asyncio.Transport, loop: asyncio.AbstractEventLoop) -> None:
        self._transport = transport
        self._loop = loop
        self._held: list[bytes] = []
        self._size = 0

    def write(self, data: bytes) -> None:
        if not self._held:
            self._loop.call_soon(self.flush)
        self._held.append(data)
        self._size += len(data)
        if self._size >= FLUSH_BYTES:
            self.flush()

    def writelines(self, lines) -> None:
        for data in lines:
            self.write(data)

    def flush(self) -> None:
        if not self._held:
            return
        data = self._held[0] if len(self._held) == 1 else b"".join(self._held)
        self._held.clear()
        self._size = 0
        if not self._transport.is_closing():
            self._transport.write(data)

    def close(self) -> None:
        # What the response wrote goes out before the connection closes (Connection: close).
        self.flush()
        self._transport.close()

    def write_eof(self) -> None:
        self.flush()
        self._transport.write_eof()

    def get_write_buffer_size(self) -> int:
        return self._size + self._transport.get_write_buffer_size()

    def __getattr__(self, name: str):
        # Everything else (reading, flow control, peer address, abort) is the connection's own.
        return getattr(self._transport, name)


class WriteOnceProtocol(HttpToolsProtocol):
    """uvicorn's httptools protocol over a WriteOnceTransport (`xinyong serve` runs it)."""

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(WriteOnceTransport(transport, self.loop))  # type: ignore[arg-type]
