"""How `xinyong serve` runs: uvicorn's supervisor in a lean process, a listening socket per worker."""

from __future__ import annotations

import json
import os
import socket
import sys
from typing import NoReturn

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


APP = "xinyong.api.app:create_app"
# How `supervise_afresh` hands the run to the fresh process (removed from the environment there,
# so the workers do not inherit it).
_SPEC = "XINYONG_SERVE_SPEC"


def serve(options: dict, remove: list[str]) -> None:
    """Serve the app with uvicorn (`options`: host, port, workers, backlog, timeout_keep_alive,
    access_log), then remove this run's folders (`remove`) once the server has stopped."""
    import shutil

    import uvicorn

    from xinyong.transport import WriteOnceProtocol

    # A response's header block and body in one send (transport.py).
    config = dict(options, factory=True, log_level="info", http=WriteOnceProtocol)
    try:
        # Each worker on a listening socket of its own, so connections are spread evenly (a
        # port chosen by the system, 0, would be a different one for each worker).
        if config["workers"] > 1 and config["port"] and own_sockets_supported():
            run_workers(uvicorn.Config(APP, **config))
        else:
            uvicorn.run(APP, **config)
    finally:
        for folder in remove:
            shutil.rmtree(folder, ignore_errors=True)


def supervise_afresh(options: dict, remove: list[str]) -> NoReturn:
    """Go on as a fresh interpreter that runs `serve(options, remove)` (`main`).

    The process that parents the workers only starts, watches and replaces them, for as long as
    the server runs. Replaced by a fresh interpreter (same pid, same environment, so process
    managers and signals are unaffected) it holds uvicorn alone: 27 MB instead of the 101 MB of
    the CLI's modules and the migrations it had run (bench/RESULTS.md, load: memory). The
    arguments stay those of the command, so `ps` still shows what was started.
    """
    sys.stdout.flush()
    sys.stderr.flush()
    os.environ[_SPEC] = json.dumps({"options": options, "remove": remove})
    # -P: the working directory is not put on the module path.
    start = "from xinyong.serving import main; main()"
    os.execv(sys.executable, [sys.executable, "-P", "-c", start, *sys.argv[1:]])


def main() -> None:
    spec = json.loads(os.environ.pop(_SPEC))
    try:
        serve(spec["options"], spec["remove"])
    except XinyongError as exc:
        print(f"错误 error: {exc.message_zh}\n{exc.message_en}", file=sys.stderr)
        sys.exit(1)
