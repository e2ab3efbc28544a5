"""Deliberately malformed rows, so tests can check the importer rejects exactly these."""

from __future__ import annotations

from dataclasses import dataclass
from random import Random
from typing import Any

from xinyong.demo.base import add_years
from xinyong.demo.codes import USCC_ALPHABET, CodeMint
from xinyong.demo.model import (
    ABNORMAL_KEYS,
    ENTERPRISE_KEYS,
    LICENCE_KEYS,
    SHAREHOLDER_KEYS,
    Enterprise,
    enterprise_row,
    iso,
)
from xinyong.demo.people import person_name
from xinyong.demo.vocab import ABNORMAL_ANNUAL
from xinyong.sources.layouts import REGISTRY_FILES

IMPOSSIBLE_DATES = ("2023-02-30", "2021-02-29", "2019-04-31", "2022-13-01", "2024-06-31")

# (file, problem), taken in turn so that any count covers every file and problem evenly.
PLAN = (
    ("enterprises.csv", "check_char"),
    ("shareholders.csv", "missing_name"),
    ("licences.csv", "impossible_date"),
    ("abnormal.csv", "illegal_char"),
    ("enterprises.csv", "negative_amount"),
    ("enterprises.csv", "unknown_status"),
    ("enterprises.csv", "missing_name"),
    ("shareholders.csv", "negative_amount"),
    ("enterprises.csv", "impossible_date"),
    ("licences.csv", "check_char"),
    ("abnormal.csv", "impossible_date"),
    ("enterprises.csv", "illegal_char"),
    ("shareholders.csv", "check_char"),
    ("licences.csv", "illegal_char"),
)
DESCRIPTIONS = {
    "check_char": "统一社会信用代码校验码错误 / wrong check character in the credit code",
    "illegal_char": "统一社会信用代码含非法字符 I 或 O / illegal character I or O in the credit code",
    "impossible_date": "日期不存在 / impossible date",
    "negative_amount": "金额为负数 / negative amount",
    "unknown_status": "登记状态未知 / unknown registration status",
    "missing_name": "必填名称为空 / required name missing",
    "unknown_value": "取值不在允许范围内 / value not among the allowed ones",
}


@dataclass(frozen=True)
class BadRow:
    file: str
    line: int  # 1-based line in the file; line 1 is the header
    problem: str
    column: str
    value: str

    def describe(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "line": self.line,
            "problem": self.problem,
            "column": self.column,
            "value": self.value,
            "description": DESCRIPTIONS[self.problem],
        }


class BadRowSchedule:
    """When each planned bad row is due (after how many enterprises), and what it breaks."""

    plan: tuple = PLAN

    def __init__(self, rng: Random, count: int, after: list[int]) -> None:
        self.rng = rng
        self.mint = CodeMint(rng)
        self.count = count
        self.after = after
        self.next = 0

    def due(self, done: int) -> list[int]:
        """Indices of the bad rows to write now that `done` enterprises are written."""
        out = []
        while self.next < self.count and self.after[self.next] <= done:
            out.append(self.next)
            self.next += 1
        return out

    def problem(self, index: int) -> str:
        return self.plan[index % len(self.plan)][1]


class BadRowMaker(BadRowSchedule):
    """Plans where bad rows go (spread evenly over the enterprises) and makes each one.

    Bad rows come from their own random stream and their own code series: asking for them
    adds rows but never changes the good ones.
    """

    def __init__(self, seed: int, count: int, enterprises: int) -> None:
        # After which enterprise (1-based) each bad row is written.
        after = [max(1, round((i + 1) * enterprises / (count + 1))) for i in range(count)]
        super().__init__(Random(f"{seed}:bad-rows"), count, after)

    def _corrupt(self, code: str, problem: str) -> str:
        r = self.rng.random
        if problem == "check_char":
            wrong = [c for c in USCC_ALPHABET if c != code[17]]
            return code[:17] + wrong[int(r() * len(wrong))]
        position = 8 + int(r() * 9)  # inside the organisation code, 0-based 8..16
        return code[:position] + ("I" if r() < 0.5 else "O") + code[position + 1 :]

    def row(self, index: int, template: Enterprise) -> tuple[str, list[str], str, str]:
        """(file, row, column header, bad value) for bad row `index`, modelled on `template`.

        Every bad row has exactly one defect; everything else in it is well-formed.
        """
        file, problem = PLAN[index % len(PLAN)]
        r = self.rng.random
        code, as_of = template.credit_code, iso(template.as_of)
        bad_date = IMPOSSIBLE_DATES[int(r() * len(IMPOSSIBLE_DATES))]
        bad_code = (
            self._corrupt(code, problem) if problem in ("check_char", "illegal_char") else code
        )
        serial = f"{50 + index % 50}"
        if file == "enterprises.csv":
            keys: tuple[str, ...] = ENTERPRISE_KEYS
            row = enterprise_row(template)
            # A new enterprise of the template's kind: fresh code (from a series the main
            # mint never uses) and name, so the only thing wrong is the defect.
            fresh = self.mint.uscc(code[:2], code[2:8], self.mint.org_body(2020, "spare"))
            bad_code = self._corrupt(fresh, problem) if problem.endswith("_char") else fresh
            name = template.name
            row[keys.index("name")] = (
                name.replace("有限公司", "实业有限公司", 1) if "有限公司" in name else name + "二部"
            )
            row[keys.index("reg_no")] = row[keys.index("former_names")] = ""
            row[keys.index("credit_code")] = bad_code
            if not row[keys.index("capital_currency")]:
                row[keys.index("capital_currency")] = "人民币"
            key, value = {
                "check_char": ("credit_code", bad_code),
                "illegal_char": ("credit_code", bad_code),
                "negative_amount": ("registered_capital_fen", f"-{1 + int(r() * 500)}"),
                "unknown_status": ("status", "待核实"),
                "missing_name": ("name", ""),
                "impossible_date": ("established_on", bad_date),
            }[problem]
        elif file == "shareholders.csv":
            keys = SHAREHOLDER_KEYS
            row = [
                f"{code}-GD{serial}",
                bad_code,
                person_name(self.rng),
                "自然人股东",
                "",
                "",
                "10",
                "50",
                iso(template.established),
                as_of,
            ]
            key, value = {
                "check_char": ("credit_code", bad_code),
                "missing_name": ("name", ""),
                "negative_amount": ("subscribed_fen", f"-{1 + int(r() * 100)}"),
            }[problem]
        elif file == "licences.csv":
            keys = LICENCE_KEYS
            issued = min(template.established + 30, template.as_of)
            row = [
                f"{code}-XK{serial}",
                bad_code,
                "行政许可",
                "食品经营许可证",
                f"JY1{code[2:8]}{int(r() * 1e6):06d}{int(r() * 10)}",
                template.authority,
                iso(issued),
                iso(add_years(issued, 5) - 1),
                "预包装食品（不含冷藏冷冻食品）销售",
                "有效",
                as_of,
            ]
            key, value = (
                ("valid_from", bad_date)
                if problem == "impossible_date"
                else ("credit_code", bad_code)
            )
        else:
            keys = ABNORMAL_KEYS
            listed = min(template.established + 200, template.as_of)
            row = [
                f"{code}-YC{serial}",
                bad_code,
                ABNORMAL_ANNUAL,
                iso(listed),
                template.authority,
                "",
                "",
                "",
                as_of,
            ]
            key, value = (
                ("listed_on", bad_date)
                if problem == "impossible_date"
                else ("credit_code", bad_code)
            )
        row[keys.index(key)] = value
        return file, row, REGISTRY_FILES[file].field(key).header, value
