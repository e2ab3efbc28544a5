"""Synthetic natural persons: realistic Chinese names, and a pool so one person turns up in several enterprises."""

from __future__ import annotations

from random import Random
from typing import NamedTuple

# Surname shares in percent (national frequencies, a little weight moved towards the
# surnames northern Jiangsu has more of: 徐, 孙, 朱, 孟, 惠, 葛).
SURNAMES = (
    ("王", 7.1),
    ("李", 7.0),
    ("张", 6.7),
    ("刘", 5.4),
    ("陈", 4.5),
    ("杨", 3.1),
    ("黄", 1.6),
    ("赵", 2.1),
    ("吴", 2.0),
    ("周", 1.9),
    ("徐", 2.4),
    ("孙", 2.0),
    ("马", 1.3),
    ("朱", 1.9),
    ("胡", 1.2),
    ("郭", 1.1),
    ("何", 0.9),
    ("高", 1.1),
    ("林", 0.8),
    ("罗", 0.7),
    ("郑", 0.8),
    ("梁", 0.6),
    ("谢", 0.6),
    ("宋", 0.7),
    ("唐", 0.6),
    ("许", 0.8),
    ("韩", 0.6),
    ("冯", 0.6),
    ("邓", 0.4),
    ("曹", 0.6),
    ("彭", 0.5),
    ("曾", 0.4),
    ("肖", 0.5),
    ("田", 0.5),
    ("董", 0.5),
    ("袁", 0.5),
    ("潘", 0.4),
    ("于", 0.5),
    ("蒋", 0.6),
    ("蔡", 0.4),
    ("余", 0.4),
    ("杜", 0.4),
    ("叶", 0.4),
    ("程", 0.5),
    ("苏", 0.4),
    ("魏", 0.4),
    ("吕", 0.4),
    ("丁", 0.5),
    ("任", 0.4),
    ("沈", 0.4),
    ("姚", 0.3),
    ("卢", 0.3),
    ("姜", 0.3),
    ("崔", 0.3),
    ("钟", 0.3),
    ("谭", 0.2),
    ("陆", 0.4),
    ("汪", 0.3),
    ("范", 0.3),
    ("金", 0.3),
    ("石", 0.3),
    ("廖", 0.2),
    ("贾", 0.3),
    ("夏", 0.3),
    ("付", 0.3),
    ("方", 0.2),
    ("白", 0.2),
    ("邹", 0.2),
    ("孟", 0.4),
    ("熊", 0.2),
    ("秦", 0.2),
    ("邱", 0.2),
    ("江", 0.2),
    ("尹", 0.2),
    ("薛", 0.2),
    ("闫", 0.2),
    ("段", 0.2),
    ("雷", 0.2),
    ("侯", 0.2),
    ("龙", 0.1),
    ("史", 0.2),
    ("陶", 0.2),
    ("贺", 0.2),
    ("顾", 0.2),
    ("毛", 0.2),
    ("郝", 0.1),
    ("龚", 0.1),
    ("邵", 0.2),
    ("万", 0.1),
    ("钱", 0.2),
    ("严", 0.1),
    ("武", 0.2),
    ("戴", 0.2),
    ("孔", 0.2),
    ("汤", 0.1),
    ("惠", 0.15),
    ("葛", 0.2),
    ("仲", 0.1),
    ("单", 0.1),
    ("窦", 0.05),
    ("司马", 0.02),
    ("欧阳", 0.03),
    ("诸葛", 0.01),
)
_MALE = "伟军勇强磊涛斌杰鹏超峰辉刚波明亮建国华平东林海宇浩俊飞龙文志成新中春永庆兵宏德金祥忠洪松雷坤凯阳晨旭鑫浩然子轩博瑞家乐振兴光荣"
_FEMALE = "芳娟敏静丽霞燕艳玲萍红梅琳婷雪慧莉娜倩洁琴颖云秀英兰凤月佳欣雯悦琪梦瑶晓丹蕾璐桂珍玉"


def _table(pairs: tuple[tuple[str, float], ...], size: int) -> list[str]:
    total = sum(w for _, w in pairs)
    out: list[str] = []
    for value, weight in pairs:
        out += [value] * max(1, round(weight / total * size))
    return out


_SURNAME_TABLE = _table(SURNAMES, 2000)


def person_name(rng: Random) -> str:
    r = rng.random
    surname = _SURNAME_TABLE[int(r() * len(_SURNAME_TABLE))]
    chars = _MALE if r() < 0.62 else _FEMALE  # most registered legal representatives are men
    first = chars[int(r() * len(chars))]
    if r() < 0.22:
        return surname + first
    return surname + first + chars[int(r() * len(chars))]


def person_name_and_sex(rng: Random, male_share: float = 0.62) -> tuple[str, bool]:
    """A name and whether the person is a man, for records that publish 性别 (失信被执行人)."""
    r = rng.random
    surname = _SURNAME_TABLE[int(r() * len(_SURNAME_TABLE))]
    male = r() < male_share
    chars = _MALE if male else _FEMALE
    first = chars[int(r() * len(chars))]
    if r() < 0.22:
        return surname + first, male
    return surname + first + chars[int(r() * len(chars))], male


def surname_of(name: str) -> str:
    return name[:2] if name[:2] in _COMPOUND else name[:1]


_COMPOUND = frozenset(s for s, _ in SURNAMES if len(s) == 2)


class Person(NamedTuple):
    """A natural person; the id is internal only (GSXT publishes no personal ID numbers)."""

    pid: int
    name: str


class PersonPool:
    """New people, or people already seen, so that enterprises share owners and managers."""

    def __init__(self, rng: Random, size: int = 30_000) -> None:
        self._rng = rng
        self._size = size
        self._pool: list[Person] = []
        self._next_pid = 1

    def new(self) -> Person:
        person = Person(self._next_pid, person_name(self._rng))
        self._next_pid += 1
        if len(self._pool) < self._size:
            self._pool.append(person)
        else:
            # Replace a random slot: old people fade out instead of piling up in memory.
            self._pool[int(self._rng.random() * self._size)] = person
        return person

    def get(self, reuse: float) -> Person:
        """A person already in some enterprise with probability `reuse`, otherwise a new one."""
        if self._pool and self._rng.random() < reuse:
            return self._pool[int(self._rng.random() * len(self._pool))]
        return self.new()
