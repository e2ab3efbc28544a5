"""How `xinyong serve` runs several worker processes: uvicorn's supervisor, a listening socket per worker."""

from __future__ import annotations

import socket
import sys

from xinyong.errors import XinyongError


class AddressInUse(XinyongError):
    code = "address_in_use"


def own_sockets_supported() -> bool:
    """Linux spreads the connections of sockets sharing a port with SO_REUSEPORT over them;
    elsewhere the option means something else (BSD: the last socket takes them all)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def _listen(host: str, port: int, backlog: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    sock.bind((host, port))
    sock.listen(backlog)
    return sock


class OwnSocket:
    """The address every worker listens on, bound by each worker process for itself.

    uvicorn hands the sockets it is given to each worker it starts (pickled into the new
    process); this one arrives there as a fresh socket of that worker's own, bound with
    SO_REUSEPORT, and the kernel spreads new connections over the workers' sockets by a hash of
    each connection's addresses. With one socket shared by all workers, the worker that woke
    first accepted a whole burst of connections (its event loop accepts until the queue is
    empty): 5,000 clients connecting at once were split 3,977 to 1,037, and the busier worker,
    one core's worth of Python at most, answered slowly while the other idled
    (bench/RESULTS.md, load). A worker that dies takes its socket with it; the kernel spreads
    over the others until its replacement binds a new one. The parent holds no socket: one
    nobody accepts on would still be given connections.
    """

    def __init__(self, host: str, port: int, backlog: int) -> None:
        self.host, self.port, self.backlog = host, port, backlog

    def __reduce__(self):
        return (_listen, (self.host, self.port, self.backlog))

    def check_free(self) -> None:
        """Fail now, in the parent, if anything already listens on the address (a bind without
        SO_REUSEPORT fails even beside sockets that have it, such as another running server's)."""
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                probe.bind((self.host, self.port))
            except OSError as exc:
                raise AddressInUse(
                    f"无法监听 {self.host}:{self.port}：{exc.strerror}（端口已被占用？）",
                    f"cannot listen on {self.host}:{self.port}: {exc.strerror} (port in use?)",
                    host=self.host,
                    port=self.port,
                ) from None


def run_workers(config) -> None:
    """Serve `config` (a uvicorn Config with workers > 1) under uvicorn's supervisor, which starts,
    health-checks and replaces the workers, each on a socket of its own."""
    from uvicorn.supervisors import Multiprocess

    listener = OwnSocket(config.host, config.port, config.backlog)
    listener.check_free()
    Multiprocess(config, sockets=[listener]).run()
