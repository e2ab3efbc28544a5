"""Search results as the API returns them."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

MatchedField = Literal[
    "credit_code", "reg_no", "org_code", "name", "former_name", "legal_rep", "pinyin", "initials"
]
MatchKind = Literal["exact", "prefix", "substring", "words", "fuzzy"]


class SearchItem(BaseModel):
    credit_code: str
    name: str
    status: str
    division: str | None
    industry: str | None
    legal_rep: str | None
    matched_field: MatchedField  # 命中字段
    match: MatchKind  # 命中方式
    matched_text: str  # the matched value (a former name, the legal representative …), HTML-escaped, match in <mark>
    score: float  # 1.0 exact … lower for weaker matches; fuzzy scales with similarity
    highlight: str  # the name, HTML-escaped, with the matched part in <mark>


class SearchPage(BaseModel):
    query: str
    # When no entry holds the query whole: the words every result's name holds (连云港, 物流).
    words: list[str] = []
    total: int
    # True when the query matched more than the search reads: `total` is then "at least".
    total_capped: bool = False
    page: int
    size: int
    items: list[SearchItem]
