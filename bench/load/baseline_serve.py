"""Serves bench/load/baseline_app.py as `xinyong serve` serves ours: uvicorn with the same options and,
unless told otherwise, the same HTTP protocol (xinyong.transport: one write per answer).

    python bench/load/baseline_serve.py --port 18002 --workers 2 [--http httptools]
"""

from __future__ import annotations

import argparse
from pathlib import Path

import uvicorn

from xinyong.transport import WriteOnceProtocol

PROTOCOLS = {"write-once": WriteOnceProtocol, "httptools": "httptools"}

if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--http", choices=sorted(PROTOCOLS), default="write-once")
    args = parser.parse_args()
    uvicorn.run(
        "baseline_app:app",
        app_dir=str(Path(__file__).parent),
        host=args.host,
        port=args.port,
        workers=args.workers,
        timeout_keep_alive=75,
        backlog=4096,
        access_log=False,
        http=PROTOCOLS[args.http],
    )
