"""Marking the matched part of a displayed name, through normalisation and pinyin."""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache
from html import escape

from pypinyin import Style, lazy_pinyin
from rapidfuzz import fuzz

from xinyong.search.normalise import normalise_char


def _mark(original: str, spans: list[tuple[int, int]]) -> str:
    """`original` escaped, each (start, end) span of it in <mark>; overlapping spans merge."""
    if len(spans) == 1:  # the common case, ~20 a search page: kept as short as it was
        start, end = spans[0]
        if start >= end:
            return escape(original)
        return (
            escape(original[:start])
            + "<mark>"
            + escape(original[start:end])
            + "</mark>"
            + escape(original[end:])
        )
    merged: list[list[int]] = []
    for start, end in sorted(s for s in spans if s[0] < s[1]):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    out, at = [], 0
    for start, end in merged:
        out += [escape(original[at:start]), "<mark>", escape(original[start:end]), "</mark>"]
        at = end
    out.append(escape(original[at:]))
    return "".join(out)


def _spelled(original: str, spell) -> tuple[str, list[int]]:
    """The original spelled char by char (normalised, or as pinyin) and, for every output
    character, the index of the original character it came from."""
    out: list[str] = []
    owner: list[int] = []
    for i, ch in enumerate(original):
        piece = spell(ch)
        out.append(piece)
        owner.extend([i] * len(piece))
    return "".join(out), owner


# Per character, so a few thousand entries cover every name; a search page marks up to 100
# names, and pypinyin's per-call overhead was an eighth of a search's time.
@lru_cache(maxsize=16384)
def _pinyin_of(ch: str) -> str:
    norm = normalise_char(ch)
    return "".join(lazy_pinyin(norm)).lower() if norm else ""


@lru_cache(maxsize=16384)
def _initial_of(ch: str) -> str:
    norm = normalise_char(ch)
    return "".join(lazy_pinyin(norm, style=Style.FIRST_LETTER)).lower()[:1] if norm else ""


_normalised_char = lru_cache(maxsize=16384)(normalise_char)


@lru_cache(maxsize=16384)
def _readings(normalised: str) -> tuple[str, ...] | None:
    """Each character's pinyin as read in its phrase (行 in 银行 is hang, not xing), as the
    index spells it (normalise.spellings); None when pypinyin gives not one per character."""
    syllables = lazy_pinyin(normalised, errors=list)
    if len(syllables) != len(normalised):
        return None
    return tuple(s.lower() for s in syllables)


def _spelled_in_phrases(original: str, initials: bool) -> tuple[str, list[int]] | None:
    """`_spelled` in pinyin or initials, each character read in its phrase; None when the
    readings do not line up with the characters."""
    pieces = [_normalised_char(ch) for ch in original]
    readings = _readings("".join(pieces))
    if readings is None:
        return None
    out: list[str] = []
    owner: list[int] = []
    at = 0
    for i, piece in enumerate(pieces):
        for _ in piece:
            reading = readings[at][:1] if initials else readings[at]
            at += 1
            out.append(reading)
            owner.extend([i] * len(reading))
    return "".join(out), owner


def highlight(original: str, query: str, how: str = "text", fuzzy: bool = False) -> str:
    """`original` escaped, with the part matching the normalised `query` in <mark>.

    `how` is text, pinyin or initials: how the query was compared. Pinyin is spelled per
    character, and in phrases when that finds nothing (a polyphone read in its phrase).
    """
    spell = {"pinyin": _pinyin_of, "initials": _initial_of}.get(how, _normalised_char)
    spelled, owner = _spelled(original, spell)
    if how in ("pinyin", "initials") and spelled.find(query) < 0:
        # Read character by character a polyphone may be spelled otherwise than the index
        # spelled it in its phrase (江苏银行 is jsyh, per character jsyx).
        spelled, owner = _spelled_in_phrases(original, how == "initials") or (spelled, owner)
    if not query or not spelled:
        return escape(original)
    pos = spelled.find(query)
    if pos >= 0:
        end = pos + len(query)
    elif fuzzy:
        aligned = fuzz.partial_ratio_alignment(query, spelled)
        if aligned is None or aligned.dest_end <= aligned.dest_start:
            return escape(original)
        pos, end = aligned.dest_start, aligned.dest_end
    else:
        return escape(original)
    return _mark(original, [(owner[pos], owner[end - 1] + 1)])


def highlight_words(original: str, words: Sequence[str]) -> str:
    """`original` escaped, with the first place each normalised word appears in <mark>."""
    spelled, owner = _spelled(original, _normalised_char)
    spans = []
    for word in words:
        pos = spelled.find(word) if word else -1
        if pos >= 0:
            spans.append((owner[pos], owner[pos + len(word) - 1] + 1))
    return _mark(original, spans)
