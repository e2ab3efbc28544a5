"""Starting the fake upstream: load the folder, bind, serve with uvicorn, say when it is ready."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from datetime import date
from pathlib import Path

import uvicorn

from xinyong.errors import XinyongError
from xinyong.upstream.app import create_app
from xinyong.upstream.loader import FileLoad

DEFAULT_PORT = 8900
DEFAULT_TOKEN = "demo-token"
READY = "fake upstream ready on"


class _ReadyServer(uvicorn.Server):
    """Prints the ready line only once the socket accepts connections, for scripts to wait on."""

    def __init__(self, config: uvicorn.Config, url: str) -> None:
        super().__init__(config)
        self.url = url

    async def startup(self, sockets: list | None = None) -> None:
        await super().startup(sockets)
        if not self.should_exit:
            print(f"{READY} {self.url}", flush=True)


def describe(load: FileLoad) -> str:
    if load.refused:
        return f"{load.file} → {load.dataset}: 已拒绝 refused: {load.refused}"
    if load.already_loaded:
        return f"{load.file} → {load.dataset}: 已加载，未变 already loaded, unchanged"
    c = load.counts
    return (
        f"{load.file} → {load.dataset}: 新增 inserted {c.inserted}，更新 updated {c.updated}，"
        f"未变 unchanged {c.unchanged}，跳过 skipped {c.skipped}"
    )


def serve(
    folder: Path | None,
    host: str = "127.0.0.1",
    port: int = DEFAULT_PORT,
    state: Path | None = None,
    token: str = DEFAULT_TOKEN,
    rate: float = 50.0,
    fail_every: int | None = None,
    today: date | None = None,
    access_log: bool = False,
) -> None:
    """Load `folder` into the state (a temporary file unless given) and serve until stopped.

    Port 0 picks a free port; the ready line tells which.
    """
    scratch = None
    if state is None:
        scratch = tempfile.TemporaryDirectory(prefix="xinyong-upstream-")
        state = Path(scratch.name) / "upstream.sqlite3"
    try:
        app = create_app(folder, state, token, rate, fail_every, today)
        for load in app.state.loads:
            print(describe(load), flush=True)
        if folder is not None and not app.state.loads:
            print(
                f"目录 {folder} 中没有可识别的数据文件 / no files with a known layout in {folder}",
                file=sys.stderr,
                flush=True,
            )
        config = uvicorn.Config(
            app, host=host, port=port, log_level="warning", access_log=access_log, lifespan="off"
        )
        sock = config.bind_socket()
        bound_port = sock.getsockname()[1]
        shown = f"[{host}]" if ":" in host else host
        _ReadyServer(config, f"http://{shown}:{bound_port}").run(sockets=[sock])
    finally:
        if scratch is not None:
            scratch.cleanup()


def _parse_today(raw: str) -> date:
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"日期应为 YYYY-MM-DD / date must be YYYY-MM-DD: {raw}"
        ) from None


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="python -m xinyong.upstream",
        description="模拟上游接口（企业信用公示、执行信息、双公示）/ fake upstream APIs serving a data drop",
    )
    p.add_argument(
        "--data",
        type=Path,
        help="数据目录 / drop folder to serve (enterprises.csv, dishonest.jsonl…)",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument(
        "--port",
        type=int,
        default=DEFAULT_PORT,
        help="端口，0 为任选空闲端口 / port, 0 = any free port",
    )
    p.add_argument(
        "--state",
        type=Path,
        help="上游状态库（SQLite），默认临时文件 / state database, default a temp file",
    )
    p.add_argument(
        "--token",
        default=os.environ.get("XINYONG_UPSTREAM_TOKEN", DEFAULT_TOKEN),
        help="访问令牌 / bearer token (env XINYONG_UPSTREAM_TOKEN)",
    )
    p.add_argument(
        "--rate",
        type=float,
        default=50.0,
        help="每客户端每秒请求上限，0 不限 / requests per second per client, 0 = off",
    )
    p.add_argument(
        "--fail-every",
        type=int,
        default=None,
        help="每第 N 个数据请求返回 503 / every Nth data request answers 503",
    )
    p.add_argument(
        "--today", type=_parse_today, default=None, help="固定“今天” / fixed today (YYYY-MM-DD)"
    )
    p.add_argument("--access-log", action="store_true", help="打印访问日志 / print an access log")
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        serve(
            args.data,
            host=args.host,
            port=args.port,
            state=args.state,
            token=args.token,
            rate=args.rate,
            fail_every=args.fail_every,
            today=args.today,
            access_log=args.access_log,
        )
    except XinyongError as exc:
        print(exc.message, file=sys.stderr)
        return 1
    return 0
