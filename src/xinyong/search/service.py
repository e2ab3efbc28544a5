"""Query understanding and ranking: codes first, then exact > prefix > substring > fuzzy names."""

from __future__ import annotations

import functools
import json
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape
from typing import Any

from rapidfuzz import fuzz
from rapidfuzz.distance import Levenshtein
from sqlalchemy import Connection, column, text
from sqlalchemy.orm import Session

from xinyong.codes import lookup_division
from xinyong.db import AtOnce, among_text
from xinyong.errors import InvalidInput
from xinyong.search import grams
from xinyong.search.backends import (
    COMMON,
    Backend,
    backend_for,
    like_escape,
    telling_units,
)
from xinyong.search.highlight import highlight, highlight_words
from xinyong.search.normalise import is_pinyin_query, is_place, normalise, pinyin, query_words
from xinyong.search.schemas import SearchItem, SearchPage
from xinyong.settings import get_settings
from xinyong.sources.layouts import ENTERPRISE_STATUSES, STATUS_ALIASES, STATUS_EN

# Within one match level: the current name before its core, former names, pinyin, people.
KIND_RANK = {"name": 0, "core": 1, "former_name": 2, "pinyin": 3, "initials": 4, "legal_rep": 5}
TEXT_KINDS = ("name", "core", "former_name", "legal_rep")
PINYIN_KINDS = ("pinyin", "initials")
# Levels: 0 code, 1 exact name, 2 exact other field, 3 prefix, 4 substring, 5 every word of
# the query in a name (when nothing holds the query whole), 6 fuzzy.
WORDS, FUZZY = 5, 6
LEVEL_MATCH = {
    0: "exact",
    1: "exact",
    2: "exact",
    3: "prefix",
    4: "substring",
    WORDS: "words",
    FUZZY: "fuzzy",
}
LEVEL_SCORE = {0: 1.0, 1: 1.0, 2: 0.95, 3: 0.9, 4: 0.8, WORDS: 0.75}
# A query's words are looked for in names and former names (a 字号 core holds no place).
WORD_KINDS = ("name", "former_name")
FUZZY_BELOW = 10  # fuzzy candidates are looked for only when precise matches are this few
FUZZY_CANDIDATES = 300
CAP = 1000  # candidate entries read per branch; beyond it the total is a lower bound (至少 N)
# One or two characters match a twentieth of a registry (华, 鑫, 工贸): what a visitor can use
# is a first page and "at least N"; nobody pages through tens of thousands. Reading 1,000 + 1,000
# candidates for them was 41% of all name-search time in the load benchmark's query mix, and
# 300 per branch still fills 25 pages (bench/RESULTS.md, load; decision 0025).
SHORT_CAP = 300
MAX_SIZE = 100

# Statements come in a few shapes (query length, kinds, filters, how many codes): 236 distinct
# texts over the load benchmark's 4,874 queries. Parsing one into a TextClause cost ~30 µs and
# a search runs six to eight, so each distinct text is parsed once per process (bench/RESULTS.md,
# load). Bounded: values are always bound parameters, never part of the text.
_sql = functools.lru_cache(maxsize=512)(text)


@functools.lru_cache(maxsize=512)
def _at_once(sql: str, names: str) -> AtOnce:
    """A statement of these (space-separated) columns whose rows SQLite hands over in one step
    (db.AtOnce): a search beside a busy thread waited for the GIL at every row."""
    return AtOnce(text(sql).columns(*(column(name) for name in names.split())))


_SEPARATORS = re.compile(r"[\s\-_—－]")
_ENTERPRISE_COLUMNS = (
    "e.credit_code, e.name, e.status, e.division_code, e.industry, e.legal_rep, e.former_names"
)


@dataclass(frozen=True)
class Hit:
    """Why one enterprise is in the results: its best entry and how it matched."""

    code: str
    kind: str
    text: str
    level: int
    score: float


def code_query(query: str) -> tuple[str, str] | None:
    """(column, value) when the query looks like a credit code, registration number or
    organisation code, with or without separators (9133…, 12345678-9)."""
    value = _SEPARATORS.sub("", unicodedata.normalize("NFKC", query)).upper()
    if not re.search(r"\d", value):
        return None
    if re.fullmatch(r"[0-9A-Z]{18}", value):
        return "credit_code", value
    if re.fullmatch(r"\d{15}", value):
        return "reg_no", value
    if re.fullmatch(r"[0-9A-Z]{8}[0-9X]", value):
        return "org_code", value
    return None


def checked_division(division: str | None) -> str | None:
    """The division filter, checked: a GB/T 2260 code of a province (2 digits or 320000), a
    city (4 or 320700) or a county (320706), or one of the deployment's zones (320771). A code
    nothing can match is refused (422): an empty page would read as a clean result."""
    if not division or not division.strip():
        return None
    code = division.strip()
    zones = get_settings().division_zones
    if re.fullmatch(r"\d{2}|\d{4}|\d{6}", code) and (
        code in zones or lookup_division(code.ljust(6, "0")).known
    ):
        return code
    listed = "、".join(zones)
    raise InvalidInput(
        f"行政区划代码“{code}”无效：应为已知的 GB/T 2260 行政区划代码——省 2 位（如 32）、"
        f"市 4 位（如 3207）或区县 6 位（如 320706）——或本平台的开发区代码（{listed}）",
        f"division {code!r} is not accepted: expected a known GB/T 2260 division code — a "
        f"province (2 digits, e.g. 32), a city (4, e.g. 3207) or a county (6, e.g. 320706) — "
        f"or one of this platform's zones ({', '.join(zones)})",
        field="division",
    )


def checked_statuses(status: str | Sequence[str] | None) -> list[str]:
    """The status filter, checked: registry statuses (存续,在业 — comma-separated), the official
    aliases (开业) read as the status they stand for. An unknown word is refused (422) with the
    statuses known, rather than matching nothing."""
    if not status:
        return []
    wanted = re.split(r"[,，、]", status) if isinstance(status, str) else list(status)
    wanted = [s.strip() for s in wanted if s.strip()]
    unknown = [s for s in wanted if s not in ENTERPRISE_STATUSES and s not in STATUS_ALIASES]
    if unknown:
        raise InvalidInput(
            f"登记状态“{'、'.join(unknown)}”无效：应为以下之一（可逗号分隔）："
            + "、".join(ENTERPRISE_STATUSES),
            f"status {', '.join(map(repr, unknown))} is not a registry status: expected one or more "
            "(comma-separated) of "
            + ", ".join(f"{s} ({STATUS_EN[s]})" for s in ENTERPRISE_STATUSES),
            field="status",
        )
    return list(dict.fromkeys(STATUS_ALIASES.get(s, s) for s in wanted))


def _filters(
    division: str | None,
    status: str | Sequence[str] | None,
    industry: str | None,
    agencies_only: bool = False,
) -> tuple[str, dict[str, Any]]:
    """SQL conditions on `e` (enterprise) and their parameters."""
    parts: list[str] = []
    params: dict[str, Any] = {}
    division = checked_division(division)
    wanted = checked_statuses(status)
    if division:
        prefix = division
        # 320700 (a city) means every 3207xx district; 320000 the whole province.
        while len(prefix) > 2 and prefix.endswith("00"):
            prefix = prefix[:-2]
        parts.append("e.division_code LIKE :division")
        params["division"] = like_escape(prefix) + "%"
    if wanted:
        names = [f"st{i}" for i in range(len(wanted))]
        parts.append(f"e.status IN ({', '.join(':' + n for n in names)})")
        params.update(zip(names, wanted, strict=True))
    if industry:
        parts.append("e.industry = :industry")
        params["industry"] = industry.strip()
    if agencies_only:  # in the agency directory (its listing rules are the directory's own)
        parts.append("e.credit_code IN (SELECT a.credit_code FROM agency a)")
    return "".join(f" AND {p}" for p in parts), params


def _joined(where: str, lateral: bool = False) -> tuple[str, str]:
    """The join to the enterprise row that filter conditions on `e` need, and the conditions.

    CROSS JOIN, because SQLite joins in the order written then: left to choose, it started
    from the filter's index (e.status = '存续' holds most of the registry) and looked up each
    enterprise's entries; a one-character search with a status filter took three minutes at
    a million enterprises (bench/RESULTS.md, load). PostgreSQL plans it as any inner join,
    unless `lateral`: a subquery it may not flatten (OFFSET 0), looked up per entry in the
    entries' own order. As a join it could hash the entries and emit them in the enterprise
    table's order, and a capped read then took a different subset for a different plan
    (pages of 海州区 among active enterprises repeated and skipped some; bench/RESULTS.md)."""
    if not where:
        return "", ""
    if lateral:
        return (
            " CROSS JOIN LATERAL (SELECT 1 FROM enterprise e "
            f"WHERE e.credit_code = s.credit_code{where} OFFSET 0) e",
            "",
        )
    return " CROSS JOIN enterprise e", " AND e.credit_code = s.credit_code" + where


def _in_list(values: Sequence[str]) -> str:
    # Only our own constant kind names reach this: safe to inline.
    return ", ".join(f"'{v}'" for v in values)


def _level(entry_text: str, kind: str, query: str) -> int | None:
    if entry_text == query:
        return 1 if kind == "name" else 2
    if entry_text.startswith(query):
        return 3
    if query in entry_text:
        return 4
    return None


def branch_cap(query: str) -> int:
    """How many candidate entries each branch of a precise search reads for this (normalised)
    query: SHORT_CAP for one or two characters, else CAP."""
    return SHORT_CAP if len(query) < 3 else CAP


def _precise(
    backend: Backend, query: str, kinds: Sequence[str], where: str, params: dict
) -> tuple[str, dict[str, Any]]:
    """The enterprises whose entries contain the query (a SELECT of `code`, their best level
    and kind as `best`, `rank`, `len`, and `np` / `nc`: how many entries each branch found).

    Candidates come from two bounded branches: entries starting with the query (the b-tree
    on text, so exact and prefix matches are never crowded out) and entries containing it
    (the trigram index, or the gram postings for one or two characters). Each stops at
    branch_cap(query) rows, so a query matching half the registry costs no more than one
    matching a thousand; the total is then a lower bound.
    """
    cap = branch_cap(query)
    params = dict(params, q=query, hi=query + "\U0010ffff", cap=cap)
    entries, contains, order = backend.contains(query, params, limit=None if where else cap)
    kind_rank = (
        "CASE s.kind " + " ".join(f"WHEN '{k}' THEN {r}" for k, r in KIND_RANK.items()) + " END"
    )
    exact = "WHEN s.text = :q THEN (CASE WHEN s.kind = 'name' THEN 1 ELSE 2 END)"
    # Each branch ranks its own rows, and only what ranking needs leaves it: carrying the
    # entries' text out to rank them after the union cost as much as finding them
    # (bench/RESULTS.md, load). A prefix candidate is exact or a prefix; a contained one
    # may be either too.
    by_prefix_level = f"CASE {exact} ELSE 3 END"
    by_contains_level = f"CASE {exact} WHEN s.text >= :q AND s.text < :hi THEN 3 ELSE 4 END"
    # With filters, candidates are filtered before the cap, not after it.
    join, on = _joined(where)
    # The contains branch's scan has no order but the table's (trigrams give none), so its
    # cap must not depend on the join's plan: PostgreSQL looks each candidate up in turn.
    each_join, each_on = _joined(where, lateral=backend.lateral)
    kinds_in = f"s.kind IN ({_in_list(kinds)})"

    def columns(level: str, branch: int) -> str:
        return (
            f"s.credit_code AS code, ({level}) * 10 + {kind_rank} AS best, "
            f"s.status_rank AS rank, length(s.text) AS len, {branch} AS b"
        )

    # In the text index's order, which both engines read and stop at the cap: without it
    # PostgreSQL was free to take any capped subset, and took different ones for different
    # pages of the same query (results repeated and missing from page to page).
    by_prefix = (
        f"SELECT {columns(by_prefix_level, 0)} FROM search_entry s{join} "
        f"WHERE s.text >= :q AND s.text < :hi AND {kinds_in}{on} "
        "ORDER BY s.text, s.kind, s.status_rank, s.credit_code LIMIT :cap"
    )
    by_contains = (
        f"SELECT {columns(by_contains_level, 1)} FROM {entries}{each_join} "
        f"WHERE {kinds_in} AND {contains}{each_on} {f'ORDER BY {order} ' if order else ''}"
        "LIMIT :cap"
    )
    return _per_enterprise(
        f"SELECT * FROM ({by_prefix}) p UNION ALL SELECT * FROM ({by_contains}) c"
    ), params


def _per_enterprise(matched: str) -> str:
    """Matched entries (`code`, `best`, `rank`, `len` and the branch `b`) as one row per
    enterprise. The filters were applied in the branches: ranking needs nothing from the
    enterprise table (a thousand look-ups of wide rows), only the matched entries. At equal
    level and status the shorter matched text is the closer match."""
    return (
        "SELECT m.code, MIN(m.best) AS best, MIN(m.rank) AS rank, MIN(m.len) AS len, "
        f"SUM(1 - m.b) AS np, SUM(m.b) AS nc FROM ({matched}) m GROUP BY m.code"
    )


def _narrowest(conn: Connection, backend: Backend, words: list[str]) -> str | None:
    """The word whose entries are likely fewest: not a place (places are in most names); of
    three or more characters when the index holds one of its trigrams under COMMON entries
    (有限公司 holds a million); else the one or two characters with the fewest postings. None
    when the index's exact counts show that no entry holds some word (a typo's word, most
    often): nothing can match."""
    usable = [w for w in words if not is_place(w)] or words
    # Cores have no places: the postings of a short place (海州) hold few of its names.
    short = [w for w in usable if len(w) < 3 and not is_place(w)]
    long = [w for w in words if len(w) >= 3]
    if long:
        units = sorted({w[i : i + 3] for w in long for i in range(len(w) - 2)})
        counts = backend.rarity(units) or {}

        def fewest_of(counts: dict[str, int]) -> dict[str, int]:
            return {w: min(counts.get(w[i : i + 3], 0) for i in range(len(w) - 2)) for w in long}

        fewest = fewest_of(counts)
        if backend.exact_counts and counts and 0 in fewest.values():
            # What this process remembers may be from before a sync brought the word: a word
            # search answered "nothing" then stayed empty, kept at the new generation too. Only
            # the trigrams remembered as held by none are read again: counting a common one
            # (连云港) reads its 600,000 postings, 17 ms at a million firms.
            absent = [u for u in units if not counts.get(u)]
            counts = {**counts, **(backend.rarity(absent, fresh=True) or {})}
            fewest = fewest_of(counts)
            if 0 in fewest.values():
                return None
        best = min((w for w in long if w in usable), key=lambda w: fewest[w], default=None)
        if best and (fewest[best] <= COMMON or not short):
            return best
    short = short or [w for w in usable if len(w) < 3]
    if len(short) == 1:
        return short[0]
    # 物流 金鼎: 16,894 postings against a few hundred at a million enterprises.
    return min(short, key=lambda w: grams.postings(conn, w, COMMON))


def _words(
    conn: Connection, backend: Backend, words: list[str], where: str, params: dict
) -> tuple[str, dict[str, Any]] | None:
    """The enterprises whose name or a former name holds every word (连云港 物流), in the
    shape `_precise` gives. Candidates are the entries holding one word (`_narrowest`), read
    through the index as a contained query is, up to CAP names that hold the rest.

    A word of one or two characters is read from the gram postings, which hold 字号 cores:
    each core's name and former names are looked up, so such a word finds a former name only
    beside a longer word, and never in a place or legal form (公司)."""
    driver = _narrowest(conn, backend, words)
    if driver is None:
        return None
    params = dict(params, cap=CAP, **{f"w{i}": w for i, w in enumerate(words)})
    entries, contains, order = backend.contains(driver, params, limit=None)
    if len(driver) >= 3:  # the entry holding the driver is the name that holds the rest, or not
        held, found_in = "s", WORD_KINDS
    else:
        entries += (
            f" JOIN search_entry n ON n.credit_code = s.credit_code "
            f"AND n.kind IN ({_in_list(WORD_KINDS)})"
        )
        held, found_in = "n", ("core",)
    every = " AND ".join(
        f"{backend.position(f'{held}.text', f'w{i}')} > 0" for i in range(len(words))
    )
    join, on = _joined(where, lateral=backend.lateral)
    kind_rank = (
        f"CASE {held}.kind WHEN 'name' THEN {KIND_RANK['name']} ELSE {KIND_RANK['former_name']} END"
    )
    matched = (
        f"SELECT {held}.credit_code AS code, {WORDS * 10} + {kind_rank} AS best, "
        f"{held}.status_rank AS rank, length({held}.text) AS len, 1 AS b FROM {entries}{join} "
        f"WHERE s.kind IN ({_in_list(found_in)}) AND {contains} AND {every}{on} "
        f"{f'ORDER BY {order} ' if order else ''}LIMIT :cap"
    )
    return _per_enterprise(matched), params


def _similarity(query: str, entry_text: str) -> tuple[float, float]:
    """(Levenshtein, Indel) similarity in percent of the query and the text, or of the query
    and the part of a longer text it best matches. A typo is most often one character put for
    another, which Levenshtein counts once and Indel twice (段西面馆 is nearer 段记面馆 than
    西胜面馆); Indel breaks ties."""
    n = len(query)
    if len(entry_text) <= n:
        windows = [entry_text]
    else:  # a missing or extra character shifts the match by one
        windows = [
            entry_text[i : i + width]
            for width in (n - 1, n, n + 1)
            for i in range(len(entry_text) - width + 1)
        ]
    best = max(Levenshtein.normalized_similarity(query, w) for w in windows)
    return 100.0 * best, fuzz.partial_ratio(query, entry_text)


def typo_bounds(query: str) -> tuple[float, int]:
    """The similarity a typo match must reach (one wrong character, two from eight characters
    on), and the most edits that leaves between the query and a text or a stretch of it."""
    errors = 1 if len(query) < 8 else 2
    cutoff = 100.0 * (len(query) - errors) / len(query) - 0.5
    # A stretch is at most one character longer than the query (see _similarity).
    return cutoff, math.floor((len(query) + 1) * (100.0 - cutoff) / 100.0 + 1e-6)


def _fuzzy(
    conn: Connection,
    backend: Backend,
    query: str,
    where: str,
    params: dict[str, Any],
    exclude: set[str],
) -> list[Hit]:
    """Typo-tolerant matches: candidates sharing characters or bigrams with the query,
    re-ranked by RapidFuzz; allows one wrong character (two from eight characters on)."""
    latin = is_pinyin_query(query)
    if len(query) < (4 if latin else 3):
        return []
    kinds = ("name", "core", "pinyin") if latin else ("name", "core", "former_name")
    cutoff, edits = typo_bounds(query)
    # Candidates share a unit with the query: trigrams from six characters on, else bigrams
    # (characters for three) from the gram postings, which hold cores: a query that short
    # is a 字号.
    width = 3 if latin or len(query) >= 6 else (2 if len(query) > 3 else 1)
    units = list(dict.fromkeys(query[i : i + width] for i in range(len(query) - width + 1)))
    units = units[:32]
    params = dict(params, **{f"u{i}": u for i, u in enumerate(units)})
    found = [f"{backend.position('s.text', f'u{i}')} > 0" for i in range(len(units))]
    overlap = " + ".join(f"CASE WHEN {f} THEN 1 ELSE 0 END" for f in found)
    # The enterprise row is joined only when a filter needs it: the name length (a tie-break)
    # of the few candidates that pass the cutoff is read afterwards. Joining every candidate
    # was half of this statement's time (bench/RESULTS.md, load).
    join, where = _joined(where)
    candidates = (
        f"SELECT s.id, s.credit_code, s.kind, s.text, s.status_rank, "
        f"({overlap}) AS overlap FROM search_entry s{join} "
        f"WHERE s.kind IN ({_in_list(kinds)}) "
        f"AND {backend.contains_any(telling_units(backend, units), params)}{where} "
        f"ORDER BY overlap DESC, length(s.text), s.id LIMIT {FUZZY_CANDIDATES}"
    )
    # Passing the cutoff means at most `edits` edits from the query (or from a stretch of a
    # longer text), and an edit spoils at most `width` of the query's units: a candidate that
    # shares fewer units than that leaves cannot pass, and is not measured (the same hits,
    # for a fraction of the RapidFuzz calls; bench/RESULTS.md, load).
    params["least"] = len(units) - edits * width
    # Likewise an edit loses at most one of the query's distinct characters: a text holding
    # fewer of them than that leaves cannot pass. Sharing one bigram let most candidates of a
    # short query through to RapidFuzz; sharing characters lets through the few that can pass
    # (bench/RESULTS.md, load). Both screens run in the database, after the candidates are
    # chosen: most of the 300 fail them, and each row brought to Python cost more than the
    # checks themselves.
    chars = sorted(set(query))
    params.update({f"ch{i}": c for i, c in enumerate(chars)})
    held = " + ".join(
        f"CASE WHEN {backend.position('c.text', f'ch{i}')} > 0 THEN 1 ELSE 0 END"
        for i in range(len(chars))
    )
    params["shared"] = len(chars) - edits
    sql = (
        f"SELECT c.credit_code, c.kind, c.text, c.status_rank FROM ({candidates}) c "
        f"WHERE c.overlap >= :least AND ({held}) >= :shared "
        "ORDER BY c.overlap DESC, length(c.text), c.id"
    )
    close = []
    for row in _at_once(sql, "credit_code kind text status_rank").rows(conn, params):
        if row.credit_code in exclude:
            continue
        similarity, indel = _similarity(query, row.text)
        if similarity >= cutoff:
            close.append((row, similarity, indel))
    # A typed Chinese typo is most often a homophone (金鼎胜 for 金鼎盛): same pinyin wins ties.
    sound = pinyin(query) if not latin else ""
    ties = _tie_breaks(conn, sound, [row.credit_code for row, _, _ in close])
    best: dict[str, tuple[tuple, Hit]] = {}
    for row, similarity, indel in close:
        homophone, name_len = ties.get(row.credit_code, (False, 0))
        similarity = min(100.0, similarity + (10 if homophone else 0))
        key = (-similarity, -indel, row.status_rank, KIND_RANK[row.kind], name_len, row.credit_code)
        hit = Hit(row.credit_code, row.kind, row.text, FUZZY, round(0.7 * similarity / 100, 3))
        if row.credit_code not in best or key < best[row.credit_code][0]:
            best[row.credit_code] = (key, hit)
    return [hit for _, hit in sorted(best.values(), key=lambda kh: kh[0])]


def _tie_breaks(conn: Connection, sound: str, codes: list[str]) -> dict[str, tuple[bool, int]]:
    """For these enterprises, the tie-breaks of typo matches in one statement: whether a
    pinyin entry holds `sound` (a homophone of the query) and the length of the name."""
    if not codes:
        return {}
    listed, params = among_text(conn.dialect.name, "e.credit_code", "codes", dict.fromkeys(codes))
    homophone = "0"
    if sound:
        params["sound"] = sound
        homophone = (
            "CASE WHEN EXISTS (SELECT 1 FROM search_entry p WHERE p.credit_code = e.credit_code "
            f"AND p.kind = 'pinyin' AND {backend_for(conn).position('p.text', 'sound')} > 0) "
            "THEN 1 ELSE 0 END"
        )
    rows = _at_once(
        f"SELECT e.credit_code, {homophone} AS homophone, length(e.name) AS name_len "
        f"FROM enterprise e WHERE {listed}",
        "credit_code homophone name_len",
    ).rows(conn, params)
    return {row.credit_code: (bool(row.homophone), row.name_len) for row in rows}


_PAGE_ROW_COLUMNS = (
    "part credit_code kind text name status division_code industry legal_rep former_names"
)


def _page_rows(
    conn: Connection,
    codes: list[str],
    shown: list[str],
    kinds: Sequence[str],
    query: str,
    words: Sequence[str] = (),
) -> tuple[dict[str, Hit], dict[str, Any]]:
    """For enterprises found by the SQL ranking (`codes`): which of their entries matched, and
    how (holding the query, or every one of `words` when given); and the rows of the
    enterprises a page may show (`shown`). One statement for both: on PostgreSQL each
    statement is a round trip (bench/RESULTS.md, load)."""
    dialect = conn.dialect.name
    arms: list[str] = []
    params: dict[str, Any] = {}
    needles = list(words) or [query]
    if codes:
        listed, bound = among_text(dialect, "credit_code", "codes", codes)
        params.update(bound, **{f"q{i}": n for i, n in enumerate(needles)})
        # Only the entries holding the query can be the match: most of a firm's entries (its
        # pinyin, initials, 字号, legal representative) do not, and each row brought to Python
        # to be found wanting cost more than the database's test.
        position = backend_for(conn).position
        contains = " AND ".join(f"{position('text', f'q{i}')} > 0" for i in range(len(needles)))
        arms.append(
            "SELECT 0 AS part, credit_code, kind, text, NULL AS name, NULL AS status, "
            "NULL AS division_code, NULL AS industry, NULL AS legal_rep, NULL AS former_names "
            f"FROM search_entry WHERE kind IN ({_in_list(kinds)}) AND {listed} AND {contains}"
        )
    if shown:
        listed, bound = among_text(dialect, "e.credit_code", "shown", dict.fromkeys(shown))
        params.update(bound)
        arms.append(
            "SELECT 1 AS part, e.credit_code, NULL AS kind, NULL AS text, e.name, e.status, "
            "e.division_code, e.industry, e.legal_rep, e.former_names "
            f"FROM enterprise e WHERE {listed}"
        )
    if not arms:
        return {}, {}
    rows = _at_once(" UNION ALL ".join(arms), _PAGE_ROW_COLUMNS).rows(conn, params)
    best: dict[str, tuple[int, Hit]] = {}
    ents: dict[str, Any] = {}
    for row in rows:
        if row.part == 1:
            ents[row.credit_code] = _Ent.of(row)
            continue
        level = WORDS if words else _level(row.text, row.kind, query)
        if level is None:
            continue
        key = level * 10 + KIND_RANK[row.kind]
        if row.credit_code not in best or key < best[row.credit_code][0]:
            best[row.credit_code] = (
                key,
                Hit(row.credit_code, row.kind, row.text, level, LEVEL_SCORE[level]),
            )
    return {code: hit for code, (_, hit) in best.items()}, ents


def _item(ent: Any, hit: Hit, query: str, words: Sequence[str] = ()) -> SearchItem:
    fuzzy = hit.level == FUZZY

    def mark(original: str) -> str:
        if hit.level == WORDS:
            return highlight_words(original, words)
        return highlight(original, query, fuzzy=fuzzy)

    name_marked = escape(ent.name)
    matched = name_marked
    field = hit.kind
    if hit.kind in ("name", "core"):
        field = "name"
        name_marked = matched = mark(ent.name)
    elif hit.kind in PINYIN_KINDS:
        name_marked = matched = highlight(ent.name, query, hit.kind, fuzzy=fuzzy)
    elif hit.kind == "former_name":
        original = next((f for f in ent.former_names or [] if normalise(f) == hit.text), hit.text)
        matched = mark(original)
    elif hit.kind == "legal_rep":
        matched = highlight(ent.legal_rep or hit.text, query, fuzzy=fuzzy)
    elif hit.kind in ("credit_code", "reg_no", "org_code"):
        matched = f"<mark>{escape(hit.text)}</mark>"
    return SearchItem(
        credit_code=ent.credit_code,
        name=ent.name,
        status=ent.status,
        division=ent.division_code,
        industry=ent.industry,
        legal_rep=ent.legal_rep,
        matched_field=field,
        match=LEVEL_MATCH[hit.level],
        matched_text=matched,
        score=hit.score,
        highlight=name_marked,
    )


@dataclass(frozen=True)
class _Ent:
    """The enterprise columns a result shows."""

    credit_code: str
    name: str
    status: str
    division_code: str | None
    industry: str | None
    legal_rep: str | None
    former_names: list[str]

    @classmethod
    def of(cls, row: Any) -> _Ent:
        former = row.former_names
        if isinstance(former, str):  # raw SQL returns the JSON column as text on SQLite
            former = json.loads(former)
        return cls(
            row.credit_code,
            row.name,
            row.status,
            row.division_code,
            row.industry,
            row.legal_rep,
            list(former or []),
        )


@dataclass(frozen=True)
class _Totals:
    total: int
    top: int | None  # the best level and kind found (level * 10 + kind rank)
    np: int | None  # entries found by each branch: either at its cap means there are more
    nc: int | None


def _page_and_totals(
    conn: Connection, matched: str, params: dict[str, Any], size: int, offset: int
) -> tuple[list[Any], _Totals]:
    """One statement for the page of precise matches and the totals over all of them: the
    matches are gathered once (a materialised CTE) and read twice, for the page (a top-N
    sort) and for the totals (one pass). Window functions over the same rows sorted every
    match to give twenty (bench/RESULTS.md, load). The totals row comes last, part 1."""
    rows = _at_once(
        f"WITH h AS MATERIALIZED ({matched}) "
        "SELECT * FROM (SELECT h.code, h.best, h.rank, h.len, 0 AS total, 0 AS np, "
        "0 AS nc, 0 AS part FROM h "
        "ORDER BY h.best / 10, h.rank, h.best, h.len, h.code LIMIT :limit OFFSET :offset) pg "
        "UNION ALL SELECT '', min(h.best), 0, 0, count(*), sum(h.np), sum(h.nc), 1 FROM h",
        "code best rank len total np nc part",
    ).rows(conn, dict(params, limit=size, offset=offset))
    page = [r for r in rows if r.part == 0]
    # A union keeps no order by itself: the page is put back in ranking order here.
    page.sort(key=lambda r: (r.best // 10, r.rank, r.best, r.len, r.code))
    totals = next(r for r in rows if r.part == 1)
    return page, _Totals(totals.total, totals.best, totals.np, totals.nc)


def search(
    session: Session,
    q: str,
    *,
    division: str | None = None,
    status: str | Sequence[str] | None = None,
    industry: str | None = None,
    agencies_only: bool = False,
    page: int = 1,
    size: int = 20,
) -> SearchPage:
    """Find enterprises by code, name (any spelling), former name or legal representative.

    Ranking: exact code > exact name > other exact > prefix > substring > fuzzy; at equal
    level active (存续/在业) before moved, revoked and cancelled ones; then the shorter matched
    text, then the shorter whole name.
    """
    page, size = max(1, page), min(max(1, size), MAX_SIZE)
    offset = (page - 1) * size
    conn = session.connection()
    where, filter_params = _filters(division, status, industry, agencies_only)
    empty = SearchPage(query=q, total=0, page=page, size=size, items=[])

    code = code_query(q)
    if code:
        column, value = code
        rows = conn.execute(
            _sql(
                f"SELECT {_ENTERPRISE_COLUMNS} FROM enterprise e "
                f"WHERE e.{column} = :code{where} ORDER BY e.credit_code"
            ),
            dict(filter_params, code=value),
        ).all()
        if rows:
            hits = [_Ent.of(row) for row in rows]
            items = [
                _item(ent, Hit(ent.credit_code, column, value, 0, 1.0), value)
                for ent in hits[offset : offset + size]
            ]
            return SearchPage(query=q, total=len(hits), page=page, size=size, items=items)

    query = normalise(q)
    if not query:
        return empty
    backend = backend_for(conn)
    kinds = TEXT_KINDS + (PINYIN_KINDS if is_pinyin_query(query) else ())
    matched, params = _precise(backend, query, kinds, where, filter_params)
    page_rows, first = _page_and_totals(conn, matched, params, size, offset)
    cap = branch_cap(query)
    words: list[str] = []
    # Nothing holds the query whole: names that hold each of its words (连云港 物流) come
    # before guesses at a typo.
    if first.total == 0 and (asked := query_words(q)):
        held = _words(conn, backend, asked, where, filter_params)
        if held:
            matched, params = held
            page_rows, first = _page_and_totals(conn, matched, params, size, offset)
            if first.total:
                words, kinds, cap = asked, WORD_KINDS, CAP
    precise_total = first.total
    best_level = None if first.top is None else first.top // 10
    capped = max(first.np or 0, first.nc or 0) >= cap

    fuzzy: list[Hit] = []
    # An exact or prefix hit shows the query was typed right: typo candidates would only
    # add noise (and a scan) below it.
    if precise_total < FUZZY_BELOW and (best_level is None or best_level >= 4):
        if offset == 0 and len(page_rows) == precise_total:  # the page holds them all
            found = {r.code for r in page_rows}
        else:
            found = {
                r.code for r in conn.execute(_sql(f"SELECT h.code FROM ({matched}) h"), params)
            }
        fuzzy = _fuzzy(conn, backend, query, where, filter_params, found)

    codes = [r.code for r in page_rows]
    start = max(0, offset - precise_total)
    # The page's typo candidates are known only once its precise hits are: their rows are
    # read for as many as could fill it, and only those that do are shown.
    shown = codes + [h.code for h in fuzzy[start : start + size]]
    best, ents = _page_rows(conn, codes, shown, kinds, query, words)
    # At an equal match the shorter whole name comes first: a firm before its branches, which
    # share its core and spellings (东南香机电设备 finds …有限公司 before …有限公司连云港分公司).
    # The SQL ranking ends its ties by credit code; a stable sort keeps that order after this.
    ranked = {r.code: (r.best // 10, r.rank, r.best, r.len) for r in page_rows}
    codes.sort(key=lambda c: (ranked[c], len(ents[c].name) if c in ents else 0))
    hits: list[Hit] = [best[c] for c in codes if c in best]
    hits += fuzzy[start : start + size - len(hits)]
    items = [_item(ents[h.code], h, query, words) for h in hits if h.code in ents]
    return SearchPage(
        query=q,
        words=words,
        total=precise_total + len(fuzzy),
        total_capped=capped,
        page=page,
        size=size,
        items=items,
    )
