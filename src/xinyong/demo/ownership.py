"""Who owns and runs a demo enterprise: legal representative, shareholders, capital and shares."""

from __future__ import annotations

from datetime import date

from xinyong.demo import vocab
from xinyong.demo.base import D2014, D2024_07, Draws, add_years, year_of
from xinyong.demo.model import Enterprise, Shareholder
from xinyong.demo.people import Person, PersonPool
from xinyong.demo.vocab import Family

SPLITS = {
    1: (("100",),),
    2: (
        ("50", "50"),
        ("60", "40"),
        ("51", "49"),
        ("70", "30"),
        ("80", "20"),
        ("90", "10"),
        ("66.67", "33.33"),
    ),
    3: (
        ("40", "30", "30"),
        ("34", "33", "33"),
        ("50", "30", "20"),
        ("60", "20", "20"),
        ("51", "25", "24"),
        ("33.34", "33.33", "33.33"),
    ),
    4: (
        ("25", "25", "25", "25"),
        ("40", "20", "20", "20"),
        ("30", "30", "20", "20"),
        ("55", "15", "15", "15"),
    ),
    5: (
        ("20", "20", "20", "20", "20"),
        ("30", "20", "20", "15", "15"),
        ("40", "15", "15", "15", "15"),
    ),
    6: (("20", "20", "15", "15", "15", "15"), ("30", "14", "14", "14", "14", "14")),
    7: (("25", "15", "12", "12", "12", "12", "12"),),
}
# The same splits with each share in basis points, for exact integer arithmetic.
SPLITS_BP = {
    n: tuple(tuple((p, round(float(p) * 100)) for p in s) for s in splits)
    for n, splits in SPLITS.items()
}
ROUND_CAPITAL = (
    3,
    5,
    10,
    10,
    20,
    30,
    50,
    50,
    100,
    100,
    100,
    100,
    200,
    200,
    300,
    500,
    500,
    800,
    1000,
    1000,
    2000,
    3000,
    5000,
    10000,
)
CAPITAL_BY_FAMILY = {
    "individual": (0.5, 1, 1, 2, 3, 5, 5, 10, 10, 20, 30, 50),
    "llc_state": (1000, 2000, 5000, 10000, 20000, 50000, 100000),
    "llc_state_ctrl": (1000, 3000, 5000, 10000, 30000),
    "jsc": (1000, 2000, 3000, 5000, 6000, 8000, 10000, 12000, 15000, 30000),
    "jsc_np": (1000, 2000, 3000, 5000, 6000, 8000, 10000),
    "fie": (10, 20, 50, 100, 100, 200, 300, 500, 1000, 2000, 3000),
    "coop": (5, 10, 20, 50, 50, 100, 100, 200, 300, 500, 1000),
    "sole_prop": (1, 3, 5, 10, 10, 20, 50, 100),
    "partnership": (10, 50, 100, 100, 200, 500, 1000, 3000, 5000, 10000),
    "state_owned": (50, 100, 200, 500, 1000, 3000),
    "collective": (10, 20, 30, 50, 100, 200),
}


def wan_fen(wan: float) -> int:
    """万元 to fen, exactly for the values the tables hold."""
    return round(wan * 100) * 10_000


class Ownership(Draws):
    """People and money; keeps a bounded pool of companies that can hold shares in others."""

    people: PersonPool
    operator: Person | None
    _companies: list[tuple[str, str, int]]

    def person(self, reuse: float = 0.15) -> Person:
        return self.people.get(reuse)

    def people_distinct(self, n: int, reuse: float) -> list[Person | Shareholder]:
        """n different people: a reused person must not hold two stakes in one company."""
        chosen: dict[int, Person] = {}
        while len(chosen) < n:
            p = self.person(reuse)
            chosen.setdefault(p.pid, p)
        return list(chosen.values())

    def _people_and_capital(self, e: Enterprise, family: Family) -> None:
        r, key = self.r, family.key
        capital: int | None
        if key == "individual":
            e.legal_rep = (self.operator or self.person(0.05)).name
            capital = None if r() < 0.55 else wan_fen(self.pick(CAPITAL_BY_FAMILY["individual"]))
            e.capital_fen, e.currency = capital, "人民币" if capital else ""
            return
        if key == "branch":
            e.legal_rep = self.person(0.2).name
            return
        if key in ("state_owned", "collective"):
            e.legal_rep = self.person(0.1).name
            e.capital_fen, e.currency = wan_fen(self.pick(CAPITAL_BY_FAMILY[key])), "人民币"
            return
        e.currency = "人民币"
        if key.startswith("fie"):
            capital = wan_fen(self.pick(CAPITAL_BY_FAMILY["fie"]))
        elif key in CAPITAL_BY_FAMILY:
            capital = wan_fen(self.pick(CAPITAL_BY_FAMILY[key]))
        elif key in ("gp", "lp"):
            capital = wan_fen(self.pick(CAPITAL_BY_FAMILY["partnership"]))
        elif r() < 0.1:
            capital = (10 + int(r() * 990)) * 1_000_000 + int(r() * 10) * 100_000  # e.g. 52.8 万元
        else:
            capital = wan_fen(self.pick(ROUND_CAPITAL))
        e.capital_fen = capital
        holders = self._holders(e, family)
        self.fill_shares(e, holders, capital)
        naturals = [h for h in holders if isinstance(h, Person)]
        if naturals and r() < 0.8:
            e.legal_rep = naturals[0].name
        else:
            e.legal_rep = self.person(0.2).name

    def _holders(self, e: Enterprise, family: Family) -> list[Person | Shareholder]:
        r, key = self.r, family.key
        if key in ("llc_sole_np", "sole_prop"):
            return [self.person(0.15)]
        if key in ("llc_corp", "llc_corp_np"):
            return [self.corporate_holder(e)]
        if key == "llc_state":
            return [Shareholder(self.pick(vocab.STATE_HOLDERS), "其他")]
        if key.startswith("fie"):
            parent = self.foreign_parent(e, family)
            if key in ("fie_jv", "fie_cjv"):
                return [parent, self.corporate_holder(e) if r() < 0.5 else self.person(0.2)]
            return [parent]
        if key == "coop":
            return self.people_distinct(5 + int(r() * 3), 0.1)
        n = 2 if r() < 0.55 else 3 if r() < 0.65 else 4 + int(r() * 2)
        if key.startswith("jsc"):
            n = 5 + int(r() * 3)
        holders: list[Person | Shareholder] = self.people_distinct(n, 0.2)
        if key == "llc_state_ctrl":
            holders[0] = Shareholder(self.pick(vocab.STATE_HOLDERS), "其他")
        elif key in ("llc_np", "jsc", "lp") and r() < 0.15:
            holders[-1] = self.corporate_holder(e)
        return holders

    def corporate_holder(self, e: Enterprise) -> Shareholder | Person:
        """Another generated company founded earlier, named by its credit code; else a person."""
        if self._companies:
            for _ in range(4):
                code, name, established = self.pick(self._companies)
                if established < e.established:
                    return Shareholder(name, "企业法人", "统一社会信用代码", code)
        return self.person(0.2)

    def foreign_parent(self, e: Enterprise, family: Family) -> Shareholder:
        if family.key == "fie_hk":
            pattern = self.pick(vocab.GREATER_CHINA_PARENTS)
        elif family.key == "fie_foreign":
            pattern = self.pick(vocab.FOREIGN_PARENTS)
        else:
            pattern = self.pick(vocab.GREATER_CHINA_PARENTS + vocab.FOREIGN_PARENTS)
        r = self.r()
        if "香港" in pattern:
            e.currency = "港元" if r < 0.3 else "美元"
        elif "日本" in pattern:
            e.currency = "日元" if r < 0.3 else "美元"
        else:
            e.currency = "人民币" if r < 0.15 else "美元"
        return Shareholder(
            pattern.format(self.brand()), "企业法人", "外国（地区）企业有关资格证明文件", ""
        )

    def remember_company(self, e: Enterprise) -> None:
        item = (e.credit_code, e.name, e.established)
        if len(self._companies) < 5000:
            self._companies.append(item)
        else:
            self._companies[int(self.r() * 5000)] = item

    def fill_shares(
        self, e: Enterprise, holders: list[Person | Shareholder], capital: int | None
    ) -> None:
        split = self.pick(SPLITS_BP[len(holders)])
        est, r = e.established, self.r
        if est < D2014:
            due: int | None = est if r() < 0.7 else add_years(est, 2)
        elif est < D2024_07:
            due = date(
                year_of(est) + 10 + int(r() * 21), self.pick((6, 12, 12)), self.pick((30, 30, 1))
            ).toordinal()
        else:
            due = add_years(est, 1 + int(r() * 5))
        left = capital
        for i, (holder, (percent, basis_points)) in enumerate(zip(holders, split, strict=True)):
            amount: int | None = None
            if capital is not None:
                amount = left if i == len(split) - 1 else capital * basis_points // 10000
                left -= amount  # type: ignore[operator]
            if isinstance(holder, Person):
                # GSXT publishes no ID number for natural-person shareholders.
                sh = Shareholder(holder.name, "自然人股东")
            else:
                sh = Shareholder(holder.name, holder.kind, holder.id_type, holder.id_number)
            sh.subscribed_fen, sh.percent, sh.subscribed_on = amount, percent, due
            e.shareholders.append(sh)
