"""The application as a `xinyong serve` worker process runs it (Granian's ASGI factory target)."""

from __future__ import annotations

import ctypes
import os
import signal
import sys


def worker_app():
    """The app for one worker: it dies with its master, and believes X-Forwarded-For only from
    the proxies in FORWARDED_ALLOW_IPS (default 127.0.0.1: nginx on the same host)."""
    from granian.utils.proxies import wrap_asgi_with_proxy_headers

    from xinyong.api.app import create_app

    _die_with_master()
    trusted = [h.strip() for h in os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1").split(",")]
    return wrap_asgi_with_proxy_headers(create_app(), trusted)


def _die_with_master() -> None:
    # Workers are child processes. A master killed outright (SIGKILL, the OOM killer) cannot stop
    # them: they would go on holding the port and the scheduler lease. The kernel's parent-death
    # signal ends them with it.
    if sys.platform != "linux":
        return
    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)
    if os.getppid() == 1:  # the master died before the signal was asked for
        os._exit(1)
