"""Which upstream sources this node syncs, how to reach them and when (sources.yaml)."""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator

from xinyong.errors import InvalidInput
from xinyong.settings import get_settings

DEFAULT_FILE = Path(__file__).with_name("sources.yaml")


class SourceConfig(BaseModel):
    """One upstream: a folder of file drops, an HTTP API with cursors, or a peer node's feed."""

    name: str
    title_zh: str
    title_en: str
    transport: Literal["files", "api", "peer"]
    path: Path | None = None  # files: the drop folder (relative to XINYONG_DATA_DIR)
    url: str | None = None  # api / peer: base URL
    token: str | None = None  # api: bearer token; "${ENV}" reads an environment variable
    layouts: list[str] = Field(default_factory=list)  # api: datasets to pull
    schedule: str | None = "0 3 * * *"  # cron in Asia/Shanghai; None = manual only
    page_size: int = 500
    max_requests_per_second: float = 10.0
    demo: bool = False

    @field_validator("token")
    @classmethod
    def _expand(cls, value: str | None) -> str | None:
        if value and (m := re.fullmatch(r"\$\{(\w+)\}", value)):
            return os.environ.get(m.group(1))
        return value

    def folder(self) -> Path:
        path = self.path or Path(self.name)
        return path if path.is_absolute() else get_settings().data_dir / path


def load_sources(path: Path | None = None) -> dict[str, SourceConfig]:
    path = path or get_settings().sources_file or DEFAULT_FILE
    try:
        raw = yaml.safe_load(Path(path).read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InvalidInput(
            f"数据源配置 {path} 无法读取：{exc}", f"sources file {path} cannot be read: {exc}"
        ) from None
    sources = {}
    for name, body in (raw.get("sources") or {}).items():
        try:
            sources[name] = SourceConfig(name=name, **(body or {}))
        except ValidationError as exc:
            where = "；".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
            raise InvalidInput(
                f"数据源配置 {path} 中“{name}”有误：{where}",
                f"source '{name}' in {path} is invalid: {where}",
            ) from None
    return sources


def get_source(name: str, path: Path | None = None) -> SourceConfig:
    sources = load_sources(path)
    if name not in sources:
        raise InvalidInput(
            f"没有名为“{name}”的数据源（已配置：{'、'.join(sources) or '无'}）",
            f"no source named '{name}' (configured: {', '.join(sources) or 'none'})",
        )
    return sources[name]
