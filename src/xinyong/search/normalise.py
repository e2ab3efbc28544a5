"""Name normalisation for matching: width, case, traditional→simplified, 字号 core and pinyin."""

from __future__ import annotations

import os
import re
import unicodedata
from functools import lru_cache

import stdnum
from opencc import OpenCC
from pypinyin import lazy_pinyin
from pypinyin.contrib.tone_convert import to_normal
from pypinyin.pinyin_dict import pinyin_dict

_T2S = OpenCC("t2s")


@lru_cache(maxsize=1)
def _t2s_starts() -> frozenset[str] | None:
    """First characters of every t2s dictionary entry that changes something. A text holding
    none of them is already simplified: converting it (pure Python, the costly part of
    indexing a million names) would return it as it is. None when the OpenCC package keeps
    its dictionaries elsewhere: then every text is converted."""
    _T2S.convert("")  # loads the dictionaries
    chains = getattr(_T2S, "_dict_chain_data", None)
    if not chains:
        return None
    return frozenset(
        key[0]
        for group in chains
        for _longest, _shortest, entries in group
        for key, value in entries.items()
        if key != value
    )


@lru_cache(maxsize=1)
def _one_reading() -> dict[str, str]:
    """Characters with a single reading in pypinyin's data, without tone. pypinyin's phrase
    data exists to choose among readings, so a text made only of these needs no phrase
    matching (checked equal to lazy_pinyin on the 172,350 such names, cores and legal
    representatives among 2.2 million in the 1,000,000-enterprise demo registry)."""
    return {chr(cp): to_normal(r) for cp, r in pinyin_dict.items() if "," not in r}


# Legal-form suffixes (组织形式), longest first so 股份有限公司 is not cut as 有限公司 + 股份.
LEGAL_FORMS = (
    "股份有限公司",
    "有限责任公司",
    "集团有限公司",
    "有限公司",
    "分公司",
    "公司",
    "个人独资企业",
    "合伙企业",
    "个体工商户",
    # Not a legal form but a group's word before one (上海电气集团股份有限公司): no brand.
    "集团",
)
_PARENS = re.compile(r"\([^()]*\)")
_NOT_PINYIN = re.compile(r"[^a-z0-9]")
_DIVISION_NAME = re.compile(r'(?:county|province)="([^"]+)"')
_YEARS = re.compile(r"^\[[\d-]*\]")
_DIVISION_SUFFIXES = (
    "特别行政区",
    "自治区",
    "自治州",
    "自治县",
    "地区",
    "省",
    "市",
    "区",
    "县",
    "盟",
    "旗",
)


def normalise(text: str) -> str:
    """NFKC (full-width letters and brackets become half-width), no whitespace, lower case,
    simplified characters: the one form both the index and the query are compared in."""
    text = "".join(unicodedata.normalize("NFKC", text).split()).lower()
    starts = _t2s_starts()
    if starts is not None and starts.isdisjoint(text):
        return text
    return _T2S.convert(text)


def normalise_char(ch: str) -> str:
    """`normalise` of one character (may be empty or longer); highlighting maps through it."""
    return normalise(ch)


@lru_cache(maxsize=1)
def _divisions() -> tuple[dict[str, frozenset[str]], frozenset[str]]:
    """Each division name of GB/T 2260 (via python-stdnum's data) and its short form → the
    code prefixes it stands for (江苏省 → 32, 连云港 → 3207, 海州区 → 210902 and 320706; 中国
    stands above them all: the empty prefix), and the names that may open a company name:
    every full name, and the short forms of provinces and prefectures."""
    path = os.path.join(os.path.dirname(stdnum.__file__), "cn", "loc.dat")
    codes: dict[str, set[str]] = {"中国": {""}, "中华人民共和国": {""}}
    # 中国 opens the names of national firms as part of them (中国银行, 中国东方航空): a name
    # keeps it; a query may still name it as a place.
    openers: set[str] = set()
    province = ""
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#") or not line.strip():
                continue
            number, _, fields = line.strip().partition(" ")
            if not line.startswith(" "):
                province = number
            # A province is known by 2 digits, a prefecture by 4 (……00), a county by 6.
            full = number if not line.startswith(" ") else province + number
            prefix = (
                full[:2] if full.endswith("0000") else full[:4] if full.endswith("00") else full
            )
            for raw in _DIVISION_NAME.findall(fields):
                for period in raw.split(","):
                    name = _YEARS.sub("", period)
                    if len(name) < 2 or name in {"市辖区", "县"}:
                        continue
                    codes.setdefault(name, set()).add(prefix)
                    codes.setdefault(short_place(name), set()).add(prefix)
                    openers.add(name)
                    if len(prefix) <= 4:
                        openers.add(short_place(name))
    return {name: frozenset(prefixes) for name, prefixes in codes.items()}, frozenset(openers)


def _place_codes() -> dict[str, frozenset[str]]:
    return _divisions()[0]


@lru_cache(maxsize=1)
def region_names() -> tuple[str, ...]:
    """Division names and their short forms, longest first: 连云港市, 连云港, 海州区, 海州 …"""
    return tuple(sorted(_place_codes(), key=len, reverse=True))


def short_place(name: str) -> str:
    """A division name without its 市/区/县… suffix when two characters stay: 连云港市 → 连云港."""
    for suffix in _DIVISION_SUFFIXES:
        if name.endswith(suffix) and len(name) - len(suffix) >= 2:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _regions_by_first_char() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for name in region_names():
        table.setdefault(name[0], []).append(name)
    return {k: tuple(v) for k, v in table.items()}


def _fits(name: str, outer: frozenset[str] | None, loose: bool) -> bool:
    """Whether the place `name` may come next, after the places `outer` stands for (None:
    nothing yet; {""}: 中国)."""
    if outer is None or "" in outer:
        return loose or name in _divisions()[1]
    return any(
        code != above and code.startswith(above) for code in _place_codes()[name] for above in outer
    )


def leading_places(text: str, keep: int = 1, loose: bool = False) -> tuple[list[str], str]:
    """The place names a name starts with, and the rest: 江苏省连云港市海州区恒达 →
    ([江苏省, 连云港市, 海州区], 恒达). The 行政区划 part of a name runs from the larger
    division to the smaller, so each place lies inside the one before it (in
    连云港市海州区江源道物流, 江源 — a district in Jilin — starts the 字号), and the first is
    a full name (东海县) or a province's or prefecture's short form (江苏, 连云港): a county's
    short form opens many brands (光明乳业, 长乐商贸, 东方物流) and stays. `loose` lets any
    place come first, as in a query (灌云餐饮). At least `keep` characters are left."""
    places: list[str] = []
    outer: frozenset[str] | None = None
    while True:
        # The longest place that fits only: 连云港市 must not lose just 连云 (连云区) when the
        # whole of it cannot go.
        name = next(
            (
                n
                for n in _regions_by_first_char().get(text[:1], ())
                if text.startswith(n) and _fits(n, outer, loose)
            ),
            None,
        )
        if name is None or len(text) - len(name) < keep:
            return places, text
        places.append(name)
        outer = _place_codes()[name]
        text = text[len(name) :]


_WORD_SEPARATORS = re.compile(r"[\s,，、;；/|+]+")


def query_words(query: str) -> list[str]:
    """The words of a query that names several things at once, normalised: the parts between
    spaces or commas, with leading place names split off each (连云港 物流, 海州物流 →
    连云港 / 海州 + 物流; a place in its short form, as names may leave 市 or 区 out). Empty
    when the query is one word."""
    words: list[str] = []
    for part in _WORD_SEPARATORS.split(unicodedata.normalize("NFKC", query)):
        places, text = leading_places(normalise(part), loose=True)
        words.extend(short_place(name) for name in places)
        if text:
            words.append(short_place(text) if is_place(text) else text)
    words = list(dict.fromkeys(words))
    return words if len(words) > 1 else []


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    return frozenset(region_names())


def is_place(word: str) -> bool:
    """Whether the (normalised) word is a division name or its short form."""
    return word in _places()


# A branch's name: its parent's whole name (up to the last legal form), where or which branch,
# and the branch word.
_BRANCH = re.compile(
    r"^(.+(?:公司|银行|事务所|合作社))(.+?)(?:分公司|分行|支行|分所|分店|分厂|分社|营业部|办事处)$"
)


def _places_and_core(normalised_name: str) -> tuple[list[str], str]:
    text = _PARENS.sub("", normalised_name)
    # A branch carries its parent's 字号: 东方豪副食品有限公司连云港分公司 → 东方豪副食品.
    if branch := _BRANCH.match(text):
        text = branch[1]
    changed = True
    while changed:
        changed = False
        for form in LEGAL_FORMS:
            if text.endswith(form) and len(text) - len(form) >= 2:
                text, changed = text[: -len(form)], True
                break
    places, text = leading_places(text, keep=2)
    return places, text or normalised_name


def core(normalised_name: str) -> str:
    """The 字号 core of a normalised name: without bracketed parts, leading region names and
    trailing legal forms (连云港金鼎盛国际要账有限公司 → 金鼎盛国际要账); a branch's is its
    parent's."""
    return _places_and_core(normalised_name)[1]


def cores(normalised_name: str) -> tuple[str, ...]:
    """The cores a name is known by: its 字号 core, and when places were cut and only two
    characters stay — an industry word rather than a brand (江苏银行 → 银行, 上海电气 → 电气) —
    also that word after the nearest place's short form (江苏银行, 连云港市物流 → 连云港物流):
    people type jsyh for 江苏银行. A two-character 字号 (连云港恒达 → 恒达) keeps its own core
    first, so short queries still meet it whole."""
    places, text = _places_and_core(normalised_name)
    if places and len(text) == 2:
        return text, short_place(places[-1]) + text
    return (text,)


@lru_cache(maxsize=1 << 16)  # cores repeat across a registry; pypinyin is the costly part
def spellings(normalised: str) -> tuple[str, str]:
    """(full pinyin without tones, initials) in the common reading (pypinyin's phrase data):
    金鼎盛 → (jindingsheng, jds). Other characters stand for themselves, one per letter."""
    one = _one_reading()
    if all(ch in one for ch in normalised):
        syllables = [one[ch] for ch in normalised]
    else:
        syllables = lazy_pinyin(normalised, errors=list)
    full = _NOT_PINYIN.sub("", "".join(syllables).lower())
    firsts = _NOT_PINYIN.sub("", "".join(s[:1] for s in syllables).lower())
    return full, firsts


def pinyin(normalised: str) -> str:
    """Full pinyin without tones: 金鼎盛 → jindingsheng."""
    return spellings(normalised)[0]


def initials(normalised: str) -> str:
    """Pinyin initials, one letter per character: 金鼎盛 → jds."""
    return spellings(normalised)[1]


def is_pinyin_query(normalised: str) -> bool:
    """Latin letters only: may be pinyin or initials (a name may also contain Latin letters)."""
    return bool(re.fullmatch(r"[a-z]+", normalised))


def warm_up() -> None:
    """Load pypinyin's phrase data, OpenCC's tables and the region list now: a server's first
    searches would otherwise each wait for them (≈ 0.3 s for the phrase data alone)."""
    spellings.__wrapped__(normalise("連雲港市海州區長樂商貿有限公司"))
    region_names()
    _regions_by_first_char()
    _places()
