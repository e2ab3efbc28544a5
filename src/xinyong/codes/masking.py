"""Masking personal data of individuals (PIPL): ID numbers and names shown in public records."""

from __future__ import annotations

import re

from stdnum.cn import ric

_ID_SHAPE = re.compile(r"\d{17}[\dX]|\d{15}")
# Already masked as courts and we publish it: 3207**********1234 (or 15-digit 3207*******1234).
_MASKED_ID = re.compile(r"\d{4}\*{10}\d{3}[\dX]|\d{4}\*{7}\d{4}")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0003134f]")


def is_personal_id(value: str) -> bool:
    """Whether the value is a valid 18-digit resident identity number (居民身份证号)."""
    return ric.is_valid(value)


def mask_id_number(value: str) -> str:
    """Keep the first and last 4 of an ID number; of anything else, at most 2 at each end.

    Whatever the input, at least half of it is masked, so the middle never shows.
    """
    text = value.strip()
    if _MASKED_ID.fullmatch(text.upper()):
        return text.upper()  # masking twice must not reveal less or more
    if _ID_SHAPE.fullmatch(text.upper()):
        text, keep = text.upper(), 4
    else:
        keep = min(2, len(text) // 4)
    if keep == 0:
        return "*" * len(text)
    return text[:keep] + "*" * (len(text) - 2 * keep) + text[-keep:]


def mask_person_name(name: str) -> str:
    """ "张三明" → "张*明", "张三" → "张*", "欧阳娜娜" → "欧**娜"; "John Smith" → "J*** S****"."""
    text = name.strip()
    if not text:
        return ""
    if _CJK.search(text):
        if len(text) <= 2:
            return text[0] + "*" * (len(text) - 1) if len(text) == 2 else "*"
        # The separator dot of minority and foreign names in Chinese (·) is not personal data.
        middle = "".join(c if c in "·•." else "*" for c in text[1:-1])
        return text[0] + middle + text[-1]
    return " ".join(word[0] + "*" * (len(word) - 1) for word in text.split())


def mask_email(address: str) -> str:
    """ "wang.min@example.cn" → "w***@example.cn": the first character and the domain (which
    tells an operator the organisation) stay; three stars hide the rest and its length."""
    text = address.strip()
    local, at, domain = text.rpartition("@")
    if not at:
        local, domain = text, ""
    head = local[:1] if len(local) > 1 else ""
    return f"{head}***" + (f"@{domain}" if at else "")
