"""Administrative division codes (行政区划代码, GB/T 2260) decoded from python-stdnum's data."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from stdnum import numdb

from xinyong.errors import InvalidInput

# Direct-controlled municipalities (直辖市): the province is itself the city.
MUNICIPALITIES = frozenset({"11", "12", "31", "50"})

# Grouping rows of GB/T 2260 that stand in a city's place without naming a city.
_PLACEHOLDERS = frozenset(
    {"市辖区", "县", "省直辖县级行政单位", "省直辖行政单位", "自治区直辖县级行政单位"}
)

_PERIOD = re.compile(r"^\[(\d*)-(\d*)\](.*)$")


@dataclass(frozen=True)
class Division:
    """A six-digit division code and what GB/T 2260 (as stdnum knows it) says about it."""

    code: str
    province: str | None
    city: str | None
    county: str | None
    known: bool
    years: str | None

    @property
    def full_name(self) -> str:
        parts: list[str] = []
        for part in (self.province, self.city, self.county):
            # A municipality's city repeats its province: "北京市北京市东城区" helps nobody.
            if part and (not parts or parts[-1] != part):
                parts.append(part)
        return "".join(parts)

    @property
    def abolished_in(self) -> int | None:
        """The last year the division was in force, when it has been abolished."""
        if self.years and not self.years.endswith("-"):
            return int(self.years.rsplit("-", 1)[1])
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "code": self.code,
            "province": self.province,
            "city": self.city,
            "county": self.county,
            "full_name": self.full_name,
            "known": self.known,
            "years": self.years,
            "abolished_in": self.abolished_in,
        }


def _current_name(raw: str) -> tuple[str, str | None]:
    """Split stdnum's "[1997-1997]万县区,[1998-]万州区" into the latest name and its years."""
    latest = raw.split(",")[-1]
    match = _PERIOD.match(latest)
    if not match:
        return latest, None
    start, end, name = match.groups()
    return name, f"{start}-{end}"


def _entry(code6: str) -> tuple[str | None, str | None, str | None]:
    """(province name, own name, own years) of one code in stdnum's cn/loc data."""
    province: str | None = None
    name: str | None = None
    years: str | None = None
    for _, props in numdb.get("cn/loc").info(code6):
        if "province" in props:
            province = props["province"]
        if "county" in props:
            name, years = _current_name(props["county"])
    return province, name, years


@lru_cache(maxsize=8192)
def lookup_division(code6: str) -> Division:
    """Decode a division code; unknown codes come back with known=False, never an exception."""
    code6 = code6.strip()
    if not re.fullmatch(r"\d{6}", code6):
        raise InvalidInput(
            f"行政区划代码“{code6}”应为6位数字", f"division code '{code6}' must be 6 digits"
        )
    province, name, years = _entry(code6)
    if code6[2:] == "0000":
        return Division(code6, province, None, None, name is not None, years)
    if code6[4:] == "00":
        city = None if name in _PLACEHOLDERS else name
        if code6[:2] in MUNICIPALITIES:
            city = province
        return Division(code6, province, city, None, name is not None, years)
    _, city_name, _ = _entry(code6[:4] + "00")
    city = None if city_name in _PLACEHOLDERS else city_name
    if code6[:2] in MUNICIPALITIES:
        city = province
    return Division(code6, province, city, name, name is not None, years)


@lru_cache(maxsize=16)
def counties_of(city_code: str) -> tuple[Division, ...]:
    """The county-level divisions in force under a prefecture (320700 → 连云区, 海州区, 赣榆区,
    东海县, 灌云县, 灌南县), in code order: what a city's portal offers to filter by. Abolished
    ones (新浦区, 赣榆县) are left out; their codes still decode with lookup_division."""
    prefix = city_code.strip()[:4]
    found = (lookup_division(f"{prefix}{n:02d}") for n in range(1, 100))
    return tuple(
        d
        for d in found
        if d.known and d.abolished_in is None and d.county and d.county not in _PLACEHOLDERS
    )
