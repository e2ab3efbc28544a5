"""Versioned document templates (wording in package YAML files) and filling them with values."""

from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from xinyong.documents.model import Block, Document
from xinyong.errors import InvalidInput, NotFound

_FILE = re.compile(r"^(?P<id>[a-z_]+)-(?P<version>[0-9][0-9.]*)\.yaml$")


@dataclass(frozen=True)
class Template:
    id: str
    version: str
    published_on: date
    title: str
    title_en: str
    raw: dict[str, Any]

    @property
    def clauses(self) -> list[str]:
        """The clause keys of the headings, in order (what review checks for)."""
        return [b["clause"] for b in self.raw["blocks"] if b.get("clause")]


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) for p in version.split("."))


@lru_cache
def all_templates() -> dict[str, list[Template]]:
    """Every shipped template version, grouped by id, oldest first."""
    found: dict[str, list[Template]] = {}
    for entry in resources.files("xinyong.documents").joinpath("data/templates").iterdir():
        m = _FILE.match(entry.name)
        if not m:
            continue
        raw = yaml.safe_load(entry.read_text(encoding="utf-8"))
        if raw["id"] != m["id"] or str(raw["version"]) != m["version"]:
            raise ValueError(f"{entry.name}: id/version inside do not match the file name")
        found.setdefault(raw["id"], []).append(
            Template(
                raw["id"],
                str(raw["version"]),
                raw["published_on"],
                raw["title"],
                raw["title_en"],
                raw,
            )
        )
    for versions in found.values():
        versions.sort(key=lambda t: _version_key(t.version))
    return found


def get_template(template_id: str, version: str | None = None) -> Template:
    versions = all_templates().get(template_id)
    if not versions:
        raise NotFound(
            f"没有模板“{template_id}”，可用：{'、'.join(all_templates())}",
            f"no template {template_id!r}; available: {', '.join(all_templates())}",
        )
    if version is None:
        return versions[-1]
    for t in versions:
        if t.version == version:
            return t
    known = ", ".join(t.version for t in versions)
    raise NotFound(
        f"模板“{template_id}”没有 {version} 版，可用版本：{known}",
        f"template {template_id!r} has no version {version}; versions: {known}",
    )


def placeholders(template: Template) -> set[str]:
    """Every {name} the template's wording needs."""
    names: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, str):
            names.update(f for _, f, _, _ in string.Formatter().parse(value) if f)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif isinstance(value, dict):
            for k, v in value.items():
                if k != "row":  # a repeated row is filled from its list items, not from values
                    walk(v)

    walk({k: template.raw[k] for k in ("subtitle", "footer", "blocks") if k in template.raw})
    return names


def fill(template: Template, values: dict[str, Any]) -> Document:
    """The template's wording with every placeholder filled; a missing value is an error."""
    values = {"version": template.version, **values}
    missing = sorted(placeholders(template) - set(values))
    if missing:
        raise InvalidInput(
            f"模板“{template.title}”缺少以下字段：{'、'.join(missing)}",
            f"template {template.id} {template.version} is missing: {', '.join(missing)}",
            missing=missing,
        )

    def f(text: str, extra: dict[str, Any] | None = None) -> str:
        return text.format_map(extra if extra is not None else values)

    blocks: list[Block] = []
    for b in template.raw["blocks"]:
        kind = b["kind"]
        if kind in ("table", "signature"):
            rows = [[f(c) for c in r] for r in b.get("rows", [])]
            if "rows_from" in b:
                items = values.get(b["rows_from"]) or []
                rows = [list(b["header"])] if b.get("header") else []
                rows += [[f(c, item) for c in b["row"]] for item in items] or [list(b["empty"])]
            blocks.append(Block(kind, rows=rows))
        else:
            blocks.append(Block(kind, f(b["text"])))
    raw = template.raw
    return Document(
        title=raw["title"],
        subtitle=f(raw.get("subtitle", "")),
        footer=f(raw.get("footer", "")),
        blocks=blocks,
    )


BLANK = "＿＿＿＿＿＿"


def blank(template: Template, platform_name: str) -> Document:
    """The template with blanks to fill in by hand (what the site offers for download)."""
    values: dict[str, Any] = {name: BLANK for name in placeholders(template)}
    values["platform_name"] = platform_name
    values["version"] = template.version  # the wording's version is known, not for the hand
    return fill(template, values)
