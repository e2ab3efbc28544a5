"""Enterprise names: region, 字号, industry word and legal form, unique across the data set."""

from __future__ import annotations

import zlib

from xinyong.demo import industries as ind
from xinyong.demo import vocab
from xinyong.demo.base import COMPANY_FAMILIES, D2014, ZONE, Draws
from xinyong.demo.model import Enterprise
from xinyong.demo.people import Person, surname_of
from xinyong.demo.places import CITY, District
from xinyong.demo.vocab import Family

CITY_LEVEL = frozenset(
    {
        "llc_state",
        "llc_state_ctrl",
        "jsc",
        "jsc_np",
        "fie_jv",
        "fie_foreign",
        "fie_hk",
        "fie_cjv",
        "state_owned",
    }
)
RENAMEABLE = COMPANY_FAMILIES | {"sole_prop", "gp", "lp"}
NAME_TRIES = 40


class Naming(Draws):
    """Makes and reserves names; needs the brand words, the name set and the current operator."""

    brands: tuple[str, ...]
    _names: set[int]
    operator: Person | None  # the keeper of the 个体工商户 being built, if any

    def claim_name(self, name: str) -> bool:
        """Reserve a name; False when it (or, rarely, a name with the same hash) is taken."""
        data = name.encode()
        key = zlib.crc32(data) << 32 | zlib.adler32(data)
        if key in self._names:
            return False
        self._names.add(key)
        return True

    def brand(self) -> str:
        return self.pick(self.brands)

    def _name(self, e: Enterprise, family: Family, district: District, profile: object) -> None:
        # With some 40,000 字号 words a free name turns up within a try or two even at
        # millions of enterprises; the limit only guards against a broken word list.
        for _ in range(10_000):
            name = self.make_name(family, district, profile, e.established)
            if self.claim_name(name):
                e.name = name
                break
        else:
            raise RuntimeError(f"no free enterprise name left for {family.key}")
        if family.key in RENAMEABLE and self.r() < 0.075:
            self._former_names(e, family, district, profile)

    def _former_names(
        self, e: Enterprise, family: Family, district: District, profile: object
    ) -> None:
        r = self.r
        count = 2 if r() < 0.12 else 1
        for _ in range(count):
            for _ in range(NAME_TRIES):
                old = self.make_name(family, district, profile, e.established)
                if r() < 0.5:  # kept the 字号, changed region or line: the common kind of change
                    old = self._rebrand(old, e.name)
                if old != e.name and self.claim_name(old):
                    e.former_names.append(old)
                    break

    def _rebrand(self, candidate: str, current: str) -> str:
        for prefix in ("江苏", "连云港市", "连云港"):
            if current.startswith(prefix):
                rest = current[len(prefix) :]
                alt = self.pick(("连云港", "连云港市", "江苏"))
                return alt + rest if alt != prefix else candidate
        return candidate

    def region_prefix(self, district: District, est: int, provincial: float = 0.12) -> str:
        x = self.r()
        if x < provincial:
            return "江苏东海" if district.code == "320722" and self.r() < 0.2 else "江苏"
        if x < 0.55:
            return "连云港"
        if x < 0.70:
            return "连云港市"
        return self.local_prefix(district, est)

    def local_prefix(self, district: District, est: int) -> str:
        """How names written by a district start: 连云港市海州区, 东海县, 赣榆县 before 2014."""
        if district.former_name == "赣榆县" and est < D2014:
            return "赣榆县"
        if district.short.endswith("区") and district.code != ZONE:
            return CITY + district.short
        return district.short

    def make_name(self, family: Family, district: District, profile: object, est: int) -> str:
        r, key = self.r, family.key
        if key == "individual":
            shop: ind.ShopProfile = profile  # type: ignore[assignment]
            where = self.local_prefix(district, est)
            if where.startswith(CITY) and r() < 0.7:
                where = where[len(CITY) :]
            x = r()
            if x < 0.6:
                middle = self.brand()
            elif x < 0.85 and self.operator is not None:
                middle = surname_of(self.operator.name) + "记"
            elif self.operator is not None:
                middle = self.operator.name  # shops are often named after their keeper
            else:
                middle = self.brand()
            return where + middle + self.pick(shop.tails)
        if key == "coop":
            coop: ind.CoopProfile = profile  # type: ignore[assignment]
            return self.local_prefix(district, est) + self.brand() + coop.tail
        company: ind.Profile = profile  # type: ignore[assignment]
        word = self.pick(company.words)
        brand = self.brand()
        if key == "branch":
            parent = (
                self.pick(("连云港", "江苏", "南京", "徐州", "上海", "山东"))
                + brand
                + word
                + "有限公司"
            )
            where = district.short.rstrip("区县") if district.code != ZONE else "开发区"
            return parent + (where if r() < 0.7 else "连云港") + "分公司"
        if key in ("state_owned", "collective"):
            tail = "厂" if company.factory and r() < 0.7 else "公司"
            where = "连云港市" if key == "state_owned" else self.local_prefix(district, est)
            return where + brand + word + tail
        if key == "sole_prop":
            return (
                self.local_prefix(district, est) + brand + word + self.pick(vocab.SOLE_PROP_FORMS)
            )
        if key == "gp":
            return (
                self.region_prefix(district, est, 0)
                + brand
                + word
                + self.pick(("中心（普通合伙）", "合伙企业（普通合伙）", "事务所（普通合伙）"))
            )
        if key == "lp":
            tail = self.pick(("中心（有限合伙）", "合伙企业（有限合伙）"))
            if r() < 0.35:
                word, tail = (
                    "",
                    self.pick(
                        (
                            "股权投资合伙企业（有限合伙）",
                            "创业投资合伙企业（有限合伙）",
                            "企业管理咨询中心（有限合伙）",
                        )
                    ),
                )
            return self.region_prefix(district, est, 0) + brand + word + tail
        provincial = 0.6 if key in CITY_LEVEL else 0.1
        prefix = self.region_prefix(district, est, provincial)
        form = "股份有限公司" if key.startswith("jsc") else self.pick(vocab.COMPANY_FORMS)
        if key == "llc_state" and r() < 0.4:
            form = "集团有限公司"
        if prefix in ("连云港", "江苏") and r() < 0.08:
            return f"{brand}（{'连云港' if prefix == '连云港' else '江苏'}）{word}{form}"
        return prefix + brand + word + form
