"""Matching review rules against a contract's sentences: found clauses with quotes, raised flags."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal
from functools import lru_cache
from importlib import resources
from typing import Any

import cn2an
import yaml

from xinyong.documents.review.caps import LegalCap
from xinyong.documents.review.extract import Contract, Paragraph, is_heading

_SENTENCE = re.compile(r"(?<=[。；;！!？?])")
_COMMA = re.compile(r"[，,：:]")
_ARTICLE = re.compile(
    r"^\s*(第[一二三四五六七八九十百零〇\d]+条|[一二三四五六七八九十]+、|\d+(?:\.\d+)*(?=[.、．\s])|（[一二三四五六七八九十]+）)"
)
_ITEM = re.compile(r"^\s*(\([一二三四五六七八九十\d]+\)|[一二三四五六七八九十]+、|\d+[.、])")
_RATES = [
    (re.compile(r"(\d+(?:\.\d+)?)\s*%"), lambda m: Decimal(m[1])),
    (
        re.compile(r"百分之([零一二三四五六七八九十百点]+)"),
        lambda m: Decimal(str(cn2an.cn2an(m[1], "normal"))),
    ),
    (
        re.compile(r"十分之([一二三四五六七八九])"),
        lambda m: Decimal(str(cn2an.cn2an(m[1], "normal"))) * 10,
    ),
    (
        re.compile(r"(?<![一二三四五六七八九十])([一二三四五六七八九])成(?![立功本交])"),
        lambda m: Decimal(str(cn2an.cn2an(m[1], "normal"))) * 10,
    ),
]


@dataclass
class Rule:
    key: str
    title_zh: str
    title_en: str
    all: list[re.Pattern]
    unless: list[re.Pattern]
    severity: str = "high"
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass
class Rules:
    version: int
    fee_cap_percent: Decimal
    clauses: list[Rule]
    flags: list[Rule]


def _rule(key: str, raw: dict[str, Any], groups: str) -> Rule:
    return Rule(
        key,
        raw["title_zh"],
        raw["title_en"],
        [re.compile(p) for p in raw.get(groups, [])],
        [re.compile(p) for p in raw.get("unless", [])],
        raw.get("severity", "high"),
        {k: v for k, v in raw.items() if k in ("fee_words", "not_fee")},
    )


@lru_cache
def load_rules() -> Rules:
    raw = yaml.safe_load(
        resources.files("xinyong.documents.review").joinpath("rules.yaml").read_text("utf-8")
    )
    return Rules(
        raw["version"],
        Decimal(str(raw["fee_cap_percent"])),
        [_rule(k, v, "all") for k, v in raw["clauses"].items()],
        [_rule(k, v, "any") for k, v in raw["flags"].items()],
    )


def normalise(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@dataclass
class Sentence:
    text: str  # as written
    norm: str  # NFKC, what rules match
    paragraph: Paragraph
    article: str | None
    lead: str = ""  # "不得实施下列行为：" before a list item: the item's meaning depends on it


@dataclass
class Hit:
    rule: Rule
    sentence: Sentence
    detail_zh: str = ""
    detail_en: str = ""


def sentences(contract: Contract) -> list[Sentence]:
    """Every sentence with its paragraph and the article (第X条) it sits under."""
    out: list[Sentence] = []
    article: str | None = None
    lead = ""
    for p in contract.paragraphs:
        norm = normalise(p.text)
        m = _ARTICLE.match(norm)
        if m:
            article = m[1].strip()
        if is_heading(p.text):
            continue
        if not _ITEM.match(norm):
            lead = ""
        for s in _SENTENCE.split(p.text):
            if s.strip():
                out.append(Sentence(s.strip(), normalise(s), p, article, lead))
        if norm.rstrip().endswith(":"):
            lead = _SENTENCE.split(norm.rstrip())[-1]
    return out


def _clause_match(rule: Rule, s: Sentence) -> bool:
    text = s.lead + s.norm
    return all(p.search(text) for p in rule.all) and not any(p.search(text) for p in rule.unless)


def find_clauses(contract: Contract, rules: Rules | None = None) -> dict[str, list[Hit]]:
    rules = rules or load_rules()
    found: dict[str, list[Hit]] = {r.key: [] for r in rules.clauses}
    for s in sentences(contract):
        for rule in rules.clauses:
            if _clause_match(rule, s):
                found[rule.key].append(Hit(rule, s))
    return found


def _rates(text: str) -> list[Decimal]:
    return [conv(m) for pattern, conv in _RATES for m in pattern.finditer(text)]


def find_flags(
    contract: Contract,
    rules: Rules | None = None,
    schedule_max_percent: Decimal | None = None,
    legal: LegalCap | None = None,
) -> dict[str, list[Hit]]:
    rules = rules or load_rules()
    raised: dict[str, list[Hit]] = {r.key: [] for r in rules.flags}
    for s in sentences(contract):
        parts = [p for p in _COMMA.split(s.norm) if p]
        for rule in rules.flags:
            if rule.key == "fee_above_cap":
                hit = _fee_above(rule, s, parts, rules.fee_cap_percent, schedule_max_percent, legal)
                if hit:
                    raised[rule.key].append(hit)
                continue
            # An item under "乙方不得有下列行为：" is a prohibition, whatever it says alone.
            if s.lead and any(p.search(s.lead) for p in rule.unless):
                continue
            for part in parts:
                if any(p.search(part) for p in rule.all) and not any(
                    p.search(part) for p in rule.unless
                ):
                    raised[rule.key].append(Hit(rule, s))
                    break
    return raised


def _fee_above(
    rule: Rule,
    s: Sentence,
    parts: list[str],
    cap: Decimal,
    schedule: Decimal | None,
    legal: LegalCap | None,
) -> Hit | None:
    """The first rate in a fee sentence above the law's cap for the agency's kind, the platform's
    cap or the agency's own published maximum — the law named first, as it weighs most."""
    if not re.search(rule.extra["fee_words"], s.norm):
        return None
    not_fee = re.compile(rule.extra["not_fee"])
    for part in parts:
        if not_fee.search(part):
            continue
        for rate in _rates(part):
            if legal is not None and rate > legal.percent:
                return Hit(
                    rule,
                    s,
                    f"收费比例 {rate}% 超过法定上限 {legal.percent}%：{legal.detail_zh}",
                    f"rate {rate}% is above the legal cap of {legal.percent}%: {legal.detail_en}",
                )
            if rate > cap:
                return Hit(
                    rule,
                    s,
                    f"收费比例 {rate}% 超过平台上限 {cap}%",
                    f"rate {rate}% is above the platform cap of {cap}%",
                )
            if schedule is not None and rate > schedule:
                return Hit(
                    rule,
                    s,
                    f"收费比例 {rate}% 超过该机构公示的最高比例 {schedule}%",
                    f"rate {rate}% is above the agency's published maximum of {schedule}%",
                )
    return None
