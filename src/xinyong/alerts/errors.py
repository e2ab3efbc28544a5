"""The error a rules file raises when it does not validate, naming the file, rule and key."""

from __future__ import annotations

import difflib
from collections.abc import Iterable

from xinyong.errors import InvalidInput


class RulesInvalid(InvalidInput):
    code = "rules_invalid"
    title_zh = "事件规则无效"
    title_en = "Invalid event rules"


class Where:
    """Where in a rules file we are, so every error can say which rule and which key."""

    def __init__(self, file: str, rule_id: str | None = None, path: str = "") -> None:
        self.file, self.rule_id, self.path = file, rule_id, path

    def at(self, key: str | int) -> Where:
        step = f"[{key}]" if isinstance(key, int) else (f".{key}" if self.path else key)
        return Where(self.file, self.rule_id, self.path + step)

    def error(self, zh: str, en: str, key: str | None = None) -> RulesInvalid:
        rule_zh = f"规则“{self.rule_id}”" if self.rule_id else "文件顶层"
        rule_en = f"rule '{self.rule_id}'" if self.rule_id else "top level"
        at_zh = f"，{self.path}" if self.path else ""
        at_en = f", {self.path}" if self.path else ""
        return RulesInvalid(
            f"规则文件 {self.file}：{rule_zh}{at_zh}：{zh}",
            f"rules file {self.file}: {rule_en}{at_en}: {en}",
            file=self.file,
            rule_id=self.rule_id or "",
            path=self.path,
            key=key or "",
        )

    def check_keys(self, block: dict, allowed: Iterable[str]) -> None:
        allowed = list(allowed)
        for key in block:
            if key in allowed:
                continue
            hint_zh, hint_en = did_you_mean(str(key), allowed)
            raise self.error(
                f"未知的键“{key}”。{hint_zh}可用的键：{'、'.join(allowed)}",
                f"unknown key '{key}'{hint_en} Allowed keys: {', '.join(allowed)}",
                key=str(key),
            )


def did_you_mean(key: str, allowed: Iterable[str]) -> tuple[str, str]:
    guess = difflib.get_close_matches(key, list(allowed), n=1)
    if not guess:
        return "", ""
    return f"是否想写“{guess[0]}”？", f" — did you mean '{guess[0]}'?"
