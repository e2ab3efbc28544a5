"""Building one realistic demo enterprise at a time, with its shareholders, licences and list entries."""

from __future__ import annotations

from datetime import date
from random import Random

from xinyong.demo import industries as ind
from xinyong.demo import vocab
from xinyong.demo.base import (
    COMPANY_FAMILIES,
    D2014,
    D2015_10,
    D2017_03,
    D2021_03,
    ZONE,
    add_years,
    weighted_table,
    year_of,
)
from xinyong.demo.codes import CodeMint
from xinyong.demo.listings import Listings
from xinyong.demo.model import Enterprise
from xinyong.demo.naming import CITY_LEVEL, Naming
from xinyong.demo.ownership import Ownership
from xinyong.demo.people import Person, PersonPool
from xinyong.demo.places import CITY_DIVISION, DISTRICTS, District, address
from xinyong.demo.vocab import Family

# Relative numbers of registrations by year: slow before 2000, faster after the 2014
# registered-capital reform, flat since 2021; 2026 is a partial year.
YEAR_WEIGHTS = {
    **dict.fromkeys(range(1985, 1992), 1.0),
    **dict.fromkeys(range(1992, 2000), 2.5),
    **dict.fromkeys(range(2000, 2008), 5.0),
    **dict.fromkeys(range(2008, 2014), 8.5),
    2014: 14,
    2015: 17,
    2016: 19,
    2017: 22,
    2018: 24,
    2019: 26,
    2020: 27,
    2021: 29,
    2022: 27,
    2023: 30,
    2024: 30,
    2025: 30,
    2026: 24,
}
CITY_REGULATOR = "连云港市市场监督管理局"
ZONE_REGULATOR = "连云港经济技术开发区市场监督管理局"
OLD_ECONOMY = frozenset(
    {
        "trade",
        "food_trade",
        "machinery",
        "light_industry",
        "chemicals",
        "construction",
        "haulage",
        "seafood",
        "farming",
        "crystal",
    }
)
RURAL_SHOPS = frozenset({"farm"})
TABLE_SLOTS = 10_000
FAMILY_SLOTS = DISTRICT_SLOTS = TABLE_SLOTS
VARIANTS = 48


class Builder(Naming, Ownership, Listings):
    """Makes enterprises one by one from one random stream.

    Memory stays flat apart from one small integer per name issued: the person pool and the
    pool of companies that can be shareholders are bounded.
    """

    def __init__(self, rng: Random, as_of: date) -> None:
        super().__init__(rng)
        self.as_of = as_of.toordinal()
        self.brands = vocab.brand_words()
        self.mint = CodeMint(rng)
        self.people = PersonPool(rng)
        # crc32 pairs of every name used; a false match only costs a retry, never a duplicate.
        self._names: set[int] = set()
        # Recent active companies that other enterprises can name as corporate shareholders.
        self._companies: list[tuple[str, str, int]] = []
        self._licence_serial: dict[str, int] = {}
        self.operator: Person | None = None  # the keeper of the 个体工商户 being built
        self.families = weighted_table([(f, f.weight) for f in vocab.FAMILIES])
        self.districts = weighted_table([(d, d.weight) for d in DISTRICTS])
        self.profiles = {
            d.code: weighted_table(
                [(p, p.weight * p.boost.get(d.code, 1.0)) for p in ind.COMPANY_PROFILES]
            )
            for d in DISTRICTS
        }
        # State-owned and collective firms of the 1980s and 1990s made and traded goods.
        self.old_economy = {
            d.code: weighted_table(
                [
                    (p, p.weight * p.boost.get(d.code, 1.0))
                    for p in ind.COMPANY_PROFILES
                    if p.key in OLD_ECONOMY
                ]
            )
            for d in DISTRICTS
        }
        self.shops = {
            d.code: weighted_table(
                [(p, p.weight * p.boost.get(d.code, 1.0)) for p in ind.SHOP_PROFILES]
            )
            for d in DISTRICTS
        }
        self.coops = {
            d.code: weighted_table(
                [(p, p.weight * p.boost.get(d.code, 1.0)) for p in ind.COOP_PROFILES]
            )
            for d in DISTRICTS
        }
        self.years = {f.key: self._year_table(f) for f in vocab.FAMILIES}
        self.variants = {
            p.key: [self._variant(p.general, p.licensed) for _ in range(VARIANTS)]
            for p in (*ind.COMPANY_PROFILES, *ind.SHOP_PROFILES)
        }
        self.coop_variants = {
            p.tail: [self._variant(p.general, ()) for _ in range(VARIANTS)]
            for p in ind.COOP_PROFILES
        }

    def _year_table(self, family: Family) -> list[int]:
        years = [
            (y, w) for y, w in YEAR_WEIGHTS.items() if family.first_year <= y <= family.last_year
        ]
        return weighted_table(years, 2000)

    def _variant(
        self, general: tuple[str, ...], licensed: tuple[ind.Licensed, ...]
    ) -> tuple[dict[str, str], tuple[str, ...]]:
        """A business scope in all three wordings, and the licences its 许可项目 call for."""
        r = self.r
        k = min(len(general), 2 + int(r() * 5))
        start = int(r() * len(general))
        items = tuple(general[(start + i) % len(general)] for i in range(k))
        chosen = [(item, key) for item, key, p in licensed if r() < p]
        lic_items = tuple(item for item, _ in chosen)
        texts = {era: ind.scope_text(items, lic_items, era) for era in ("new", "mid", "old")}
        return texts, tuple(key for _, key in chosen if key)

    def establishment(self, family: Family, latest: int) -> int:
        year = self.pick(self.years[family.key])
        start = date(year, 1, 1).toordinal()
        day = start + int(self.r() * 365)
        return min(day, latest - 1 - int(self.r() * 40))

    # ---- the enterprise ------------------------------------------------------------

    def enterprise(self) -> Enterprise:
        r = self.r
        family: Family = self.families[int(r() * FAMILY_SLOTS)]
        district: District = self.districts[int(r() * DISTRICT_SLOTS)]
        as_of = self.as_of - int(r() * 45)
        est = self.establishment(family, as_of - 20)
        e = Enterprise(
            credit_code="",
            name="",
            entity_type=family.entity_type,
            established=est,
            status="",
            division=district.code,
            as_of=as_of,
        )
        old_code = False  # registered under the abolished 新浦区 / 赣榆县 code
        if district.code == ZONE:
            reg_div, e.authority = ZONE, ZONE_REGULATOR
        elif family.key in CITY_LEVEL or (family.key in COMPANY_FAMILIES and r() < 0.12):
            reg_div, e.authority = CITY_DIVISION, CITY_REGULATOR
        else:
            reg_div, e.authority = district.code, district.market_regulator
            # Individual businesses got their codes in 2016-2017, after the old codes went.
            if district.former_code and est < D2014 and family.key != "individual" and r() < 0.3:
                reg_div, old_code = district.former_code, True

        self.operator = self.person(0.05) if family.key == "individual" else None
        if family.key == "individual":
            profile = self.shops[district.code][int(r() * TABLE_SLOTS)]
        elif family.key == "coop":
            profile = self.coops[district.code][int(r() * TABLE_SLOTS)]
        elif family.key in ("state_owned", "collective"):
            profile = self.old_economy[district.code][int(r() * TABLE_SLOTS)]
        else:
            profile = self.profiles[district.code][int(r() * TABLE_SLOTS)]
        self._name(e, family, district, profile)
        self._status(e, family)
        self._code(e, family, reg_div, district, est)
        self._people_and_capital(e, family)
        self._terms(e, family)
        rural = (
            family.key == "coop"
            or getattr(profile, "key", "") in RURAL_SHOPS
            or (getattr(profile, "category", "") == ind.AGRI and r() < 0.6)
        )
        e.address = address(self.rng, district, rural, old_code and r() < 0.4)
        if family.key == "coop":
            texts, licence_keys = self.coop_variants[profile.tail][int(r() * VARIANTS)]
            e.industry = ind.AGRI
            filings: tuple[tuple[str, float], ...] = ()
        else:
            texts, licence_keys = self.variants[profile.key][int(r() * VARIANTS)]
            e.industry = profile.category
            filings = profile.filings
        e.scope = texts[self._era(est)]
        place = "连云港市" if reg_div == CITY_DIVISION else district.place
        issuer_div = CITY_DIVISION if reg_div == CITY_DIVISION else district.code
        for key in licence_keys:
            if r() < 0.85:
                self.licences(e, key, place, issuer_div)
        for key, p in filings:
            if r() < p:
                self.licences(e, key, place, issuer_div)
        self._abnormal(e, family)
        if e.status in ("存续", "在业") and family.key in COMPANY_FAMILIES:
            self.remember_company(e)
        return e

    def _era(self, est: int) -> str:
        if est >= D2021_03 or self.r() < 0.5:  # many older firms re-filed their scope since
            return "new"
        return "mid" if est >= D2014 else "old"

    def _status(self, e: Enterprise, family: Family) -> None:
        r, est, as_of = self.r, e.established, e.as_of
        old = est < D2014
        x = r()
        revoked, cancelled = (0.20, 0.15) if old else (0.035, 0.08)
        individual = family.key == "individual"
        if x < revoked:
            if old and est + 400 < D2014 and r() < 0.7:
                e.status = "吊销"
                e.status_date = self.between(
                    max(est + 400, date(2002, 1, 1).toordinal()), D2014 - 1
                )
                e.status_reason = (
                    vocab.REVOKED_INDIVIDUAL if individual else vocab.REVOKED_ANNUAL_INSPECTION
                )
                return
            if est + 200 < as_of:
                e.status = "吊销"
                e.status_date = self.between(est + 200, as_of)
                e.status_reason = self.pick(vocab.REVOKED_IDLE)
                return
        elif x < revoked + cancelled:
            if est + 30 < as_of:
                e.status = "注销"
                e.status_date = day = self.between(est + 30, as_of)
                if individual:
                    e.status_reason = self.pick(vocab.CANCELLED_INDIVIDUAL)
                elif day >= D2017_03 and r() < 0.35:
                    e.status_reason = vocab.CANCELLED_SIMPLE
                else:
                    e.status_reason = self.pick(vocab.CANCELLED_REASONS)
                return
        elif x < revoked + cancelled + 0.02 and not individual and est + 30 < as_of:
            e.status = "迁出"
            e.status_date = self.between(est + 30, as_of)
            e.status_reason = "迁往" + self.pick(vocab.MOVED_TO)
            return
        e.status = self.pick(vocab.ACTIVE_STATUSES)

    def _code(
        self, e: Enterprise, family: Family, reg_div: str, district: District, est: int
    ) -> None:
        r = self.r
        # Entities that existed before 2015 kept their organisation code inside the USCC;
        # individual businesses never had one and got new "MA" codes at conversion.
        if est < D2015_10 and family.key != "individual":
            body = self.mint.org_body(0, "old")
        else:
            year = year_of(est) if est >= D2015_10 else 2016 + int(r() * 2)
            body = self.mint.org_body(year, "ma")
        e.credit_code = self.mint.uscc(family.type2, reg_div, body, org_check_ok=r() >= 0.002)
        if est < D2015_10:
            div = reg_div
            if reg_div == district.code and district.former_code and est < D2014:
                # Before 2014 the 注册号 carried the old district (新浦区 or the old, smaller
                # 海州区; 赣榆县), even where the credit code later got the new one.
                if district.former_code != "320705" or r() < 0.6:
                    div = district.former_code
            subject = family.subject_class
            if subject == "6":
                subject = self.pick("6789")
            elif subject == "0":
                subject = "0" if r() < 0.85 else self.pick("123")
            e.reg_no = self.mint.registration_number(div, subject)

    def _terms(self, e: Enterprise, family: Family) -> None:
        r, est = self.r, e.established
        if family.key != "individual":
            e.term_from = est
            if est < D2014 and r() < 0.7:
                e.term_to = add_years(est, self.pick((10, 20, 20, 30, 30, 50))) - 1
            elif est >= D2014 and r() < 0.2:
                e.term_to = add_years(est, self.pick((20, 30, 50))) - 1
        if e.status_date is not None:
            e.approved = e.status_date
        elif r() < 0.4:
            e.approved = est
        else:
            e.approved = self.between(est, e.as_of)
