"""The demo's judicial and penalty drops: zxgk 被执行人 / 失信被执行人 and 双公示 行政处罚 rows, streamed."""

from __future__ import annotations

from datetime import date
from random import Random
from typing import Any, NamedTuple

from xinyong.codes import is_personal_id
from xinyong.demo import industries as ind
from xinyong.demo import judicial_vocab as jv
from xinyong.demo.base import add_years, weighted_table, year_of
from xinyong.demo.codes import CodeMint, org_check_char
from xinyong.demo.model import Enterprise, iso, wan
from xinyong.demo.people import person_name_and_sex
from xinyong.demo.places import BY_CODE, DISTRICTS
from xinyong.demo.sector import (
    ACCOUNT_MANAGEMENT,
    CONSULTING,
    DEBT_BRANDED_CONSULTING,
    UNLAWFUL_COLLECTOR,
    Member,
)
from xinyong.demo.vocab import REVOKED_IDLE
from xinyong.sources.layouts_judicial import (
    ENFORCEMENT_DEBTORS,
    ENFORCEMENT_DISHONEST,
    PENALTY_DECISIONS,
)

DEBTORS = "debtors.csv"  # 被执行人
DISHONEST = "dishonest.csv"  # 失信被执行人
PENALTIES = "penalties.csv"  # 行政处罚
JUDICIAL_FILES = {
    DEBTORS: ENFORCEMENT_DEBTORS,
    DISHONEST: ENFORCEMENT_DISHONEST,
    PENALTIES: PENALTY_DECISIONS,
}

Row = dict[str, str]

# Chances per ordinary enterprise (tuned so that, over all enterprises, there are about 0.12
# 被执行人 and 0.08 失信 records and 0.10 penalties per enterprise; see tests/demo).
DEBTOR_ORG = 0.029  # the enterprise is a judgment debtor (1-3 cases)
DISHONEST_ORG = 0.024  # the enterprise is a dishonest judgment debtor (1-2 cases)
PENALTY_ORG = 0.0625  # the enterprise was penalised (1-3 decisions)
REVOKED_PENALTY = 0.4  # a company revoked since 2019 for idleness has its 吊销 decision published
DEBTOR_PERSON = 0.038  # a natural person's 被执行人 case, drawn once per enterprise written
DISHONEST_PERSON = 0.055
PENALTY_PERSON = 0.011
OUTSIDE = 0.004  # a firm registered outside Lianyungang, unknown to the registry
CO_DEBTOR = {"92": 0.3}  # the operator of an 个体工商户 is named beside it; others:
CO_DEBTOR_OTHERS = 0.1  # a legal representative who guaranteed the debt
PAIRED = 0.4  # a 失信 record whose party is also listed as 被执行人 in the same case
PERSON_POOL = 4000
PERSON_REUSE = 0.12
OUTSIDE_FIRMS = 2000

Y2019 = date(2019, 1, 1).toordinal()
# zxgk lists current cases, so recent filings dominate; penalties spread over 2019-2026.
FILING_YEARS = weighted_table(
    [(2019, 3), (2020, 4), (2021, 5), (2022, 7), (2023, 9), (2024, 12), (2025, 15), (2026, 14)],
    1000,
)
PENALTY_YEARS = weighted_table(
    [(2019, 6), (2020, 7), (2021, 9), (2022, 10), (2023, 12), (2024, 14), (2025, 16), (2026, 13)],
    1000,
)
COUNTS_1_3 = weighted_table([(1, 70), (2, 20), (3, 10)], 100)
COUNTS_1_2 = weighted_table([(1, 85), (2, 15)], 100)
CONDUCTS = weighted_table(list(jv.CONDUCTS), 1000)
ORG_CAUSES = weighted_table([(c, c[3]) for c in jv.CAUSES if c[3]], 1000)
PERSON_CAUSES = weighted_table([(c, c[4]) for c in jv.CAUSES if c[4]], 1000)
PERSON_DISTRICTS = weighted_table([(d, d.weight) for d in DISTRICTS], 1000)
_YEAR_START = {y: date(y, 1, 1).toordinal() for y in range(1990, 2031)}
OUTSIDE_PLACES = (
    ("徐州", "320300"),
    ("淮安", "320800"),
    ("宿迁", "321300"),
    ("盐城", "320900"),
    ("南京", "320100"),
    ("临沂", "371300"),
    ("日照", "371100"),
    ("上海", "310000"),
)
OUTSIDE_BRANDS = "恒泰瑞丰华鑫宏远金源天成永盛润达汇通盛世嘉诚宝丰德隆"
OUTSIDE_TRADES = ("商贸", "建材", "物流", "建筑工程", "化工", "食品", "科技", "机械设备")
# Division codes whose court is a successor's (see judicial_vocab.COURTS).
_DISTRICT_OF = {"320705": "320706", "320721": "320707"}

# Offence weights by kind of party and industry.
_BASE_OFFENCES = {
    "late_filing": 3.0,
    "false_advert": 0.7,
    "absolute_terms": 0.7,
    "false_publicity": 0.4,
    "fire_exits": 0.6,
    "price_tags": 0.2,
    "expired_food": 0.1,
    "unregistered_change": 0.5,
    "tax_evasion": 0.3,
    "substandard_product": 0.2,
}
_INDUSTRY_OFFENCES = {
    ind.MANUF: {
        "vocs": 1.2,
        "hidden_discharge": 0.4,
        "no_acceptance": 0.4,
        "safety_training": 1.0,
        "hazards": 0.6,
        "substandard_product": 0.8,
    },
    ind.MINING: {"hidden_discharge": 0.5, "safety_training": 1.0, "hazards": 1.0},
    ind.ENERGY: {"vocs": 0.5, "no_acceptance": 0.5, "safety_training": 0.8, "hazards": 0.6},
    ind.BUILD: {"safety_training": 0.8, "hazards": 0.8},
    ind.TRANSPORT: {"safety_training": 0.5, "hazards": 0.3},
    ind.TRADE: {"price_tags": 1.0, "expired_food": 0.8, "substandard_product": 0.6},
    ind.HOSPITALITY: {"expired_food": 1.2, "price_tags": 1.0, "fire_exits": 1.0},
    ind.RESIDENT: {"fire_exits": 1.0, "price_tags": 0.5},
    ind.CULTURE: {"fire_exits": 1.0, "price_tags": 0.3},
    ind.EDUCATION: {"fire_exits": 1.0, "false_advert": 0.5},
    ind.HEALTH: {"fire_exits": 0.8, "false_advert": 0.8},
}
_INDIVIDUAL_OFFENCES = {
    "late_filing": 2.0,
    "price_tags": 1.5,
    "expired_food": 1.0,
    "fire_exits": 0.8,
    "absolute_terms": 0.5,
    "false_advert": 0.3,
}
_COOP_OFFENCES = {"late_filing": 2.0, "substandard_product": 0.3, "fire_exits": 0.2}


def yuan(fen: int) -> str:
    """Integer fen as the yuan text zxgk publishes: 125000 or 125000.50."""
    whole, cents = divmod(fen, 100)
    return f"{whole}.{cents:02d}" if cents else str(whole)


def _dated(key: str, day: int) -> str:
    """The offence as the law stood on the day (article numbers changed with amendments)."""
    if key in ("safety_training", "hazards") and day < jv.D2021_09:
        return "safety_training_2014"
    if key == "unregistered_change" and day < jv.D2022_03:
        return "late_filing"
    if key == "idle_revoked" and day >= jv.D2024_07:
        return "idle_revoked_2024"
    return key


class Person(NamedTuple):
    """A natural person as the court lists them: name, sex, and the ID pieces it shows."""

    name: str
    male: bool
    area: str  # 4 or 6 digits of the ID's division part
    born: int  # year
    last4: str

    def masked_id(self, with_birth_year: bool = False) -> str:
        """The ID as zxgk shows it: 3207**********1234, or 3207221985****1234 on 失信 pages.

        The full number is never made up: only the parts the site publishes exist.
        """
        if with_birth_year and len(self.area) == 6:
            return f"{self.area}{self.born}****{self.last4}"
        return f"{self.area[:4]}**********{self.last4}"


class Party(NamedTuple):
    """An organisation as one record names it."""

    name: str
    credit_code: str = ""
    org_code: str = ""
    reg_no: str = ""


class Judicial:
    """Makes the judicial and penalty rows about each enterprise as it is written.

    Draws from its own random stream (derived from the seed), so the registry files are
    the same whether or not these files are written. Memory stays flat: serial counters per
    court and year, and bounded pools of people and outside firms.
    """

    def __init__(self, seed: int, as_of: date, enterprises: int) -> None:
        self.rng = Random(f"{seed}:judicial")
        # The demo is a sample of the city: gaps between document serials make a small
        # sample's numbers look like a whole year's (a basic court files thousands a year).
        self.gap = max(1, min(60, round(700_000 / enterprises)))
        self.r = self.rng.random
        self.as_of = as_of.toordinal()
        self.as_of_text = iso(self.as_of)
        self.mint = CodeMint(self.rng)
        self._serials: dict[tuple[str, int], int] = {}
        self._people: list[Person] = []
        self._outside: list[Party] = []
        self._outside_names: set[str] = set()
        self._offences: dict[tuple[str, str], list[str]] = {}

    # ---- small draws --------------------------------------------------------------

    def pick(self, seq: Any) -> Any:
        return seq[int(self.r() * len(seq))]

    def _day(self, years: list[int], lo: int, hi: int) -> int | None:
        """A day in [lo, hi], spread by the year table where the table allows."""
        if lo > hi:
            return None
        y = years[int(self.r() * len(years))]
        d = _YEAR_START[y] + int(self.r() * 365)
        if d < lo or d > hi:
            d = lo + int(self.r() * (hi - lo + 1))
        return d

    def _serial(self, key: str, year: int) -> int:
        """Serial numbers of one court's or authority's documents in a year: rising, gapped."""
        n = self._serials.get((key, year))
        gap = self.gap
        n = 1 + int(self.r() * 3 * gap) if n is None else n + 1 + int(self.r() * (2 * gap - 1))
        self._serials[key, year] = n
        return n

    def _case_number(self, court_code: str, filed: int) -> str:
        y = year_of(filed)
        if self.r() < 0.05:  # a resumed case (执恢): the creditor found new assets
            return f"（{y}）{court_code}执恢{self._serial(court_code + '执恢', y)}号"
        return f"（{y}）{court_code}执{self._serial(court_code + '执', y)}号"

    def _amount(self, person: bool) -> int:
        """执行标的 in fen: 5,000 to 5,000,000 yuan, most of it small, people's smaller."""
        x = self.r() ** (2.0 if person else 1.3)
        whole = int(5000 * 1000**x)
        if whole >= 100_000 and self.r() < 0.6:
            whole = whole // 100 * 100
        fen = whole * 100
        if self.r() < 0.35:  # interest and costs run to the fen
            fen += int(self.r() * 100)
        return min(fen, 500_000_000)

    def person(self) -> Person:
        if self._people and self.r() < PERSON_REUSE:
            return self.pick(self._people)
        name, male = person_name_and_sex(self.rng)
        r = self.r
        area = self.pick(jv.HOME_AREAS) if r() < 0.92 else self.pick(jv.NEIGHBOUR_AREAS)
        # The 17th digit is odd for men, even for women; the last is the check character.
        sex_digit = 2 * int(r() * 5) + (1 if male else 0)
        last4 = f"{int(r() * 100):02d}{sex_digit}{'0123456789X'[int(r() * 11)]}"
        p = Person(name, male, area, 1952 + int(r() * 52), last4)
        if len(self._people) < PERSON_POOL:
            self._people.append(p)
        else:
            self._people[int(r() * PERSON_POOL)] = p
        return p

    def outside_firm(self) -> Party:
        """A firm registered in another city: valid code, but not in this registry."""
        if len(self._outside) >= OUTSIDE_FIRMS or (self._outside and self.r() < 0.2):
            return self.pick(self._outside)
        city, division = self.pick(OUTSIDE_PLACES)
        brand = self.pick(OUTSIDE_BRANDS) + self.pick(OUTSIDE_BRANDS)
        name = f"{city}{brand}{self.pick(OUTSIDE_TRADES)}有限公司"
        if name in self._outside_names:
            return self.pick(self._outside)
        year = 2015 + int(self.r() * 11)
        firm = Party(name, self.mint.uscc("91", division, self.mint.org_body(year, "ma")))
        self._outside_names.add(name)
        self._outside.append(firm)
        return firm

    # ---- how a record names an enterprise -----------------------------------------------

    def _spelling(self, e: Enterprise) -> str:
        """The name as a clerk typed it: half-width brackets, or a space after the place."""
        if "（" in e.name:
            return e.name.replace("（", "(").replace("）", ")")
        cut = 3 if e.name.startswith("连云港") else 2
        return e.name[:cut] + " " + e.name[cut:]

    def _name_only(self, e: Enterprise) -> str:
        # Older decisions and judgments often carry a name the firm has since changed.
        if e.former_names and self.r() < 0.4:
            return self.pick(e.former_names)
        return e.name

    @staticmethod
    def _org_code_ok(e: Enterprise) -> bool:
        # Individual businesses never had 组织机构代码; a few codes fail the GB 11714 check.
        code = e.credit_code
        return code[:2] != "92" and org_check_char(code[8:16]) == code[16]

    @staticmethod
    def _reads_as_person(code: str) -> bool:
        # An all-digit credit code that is also a valid ID number would be read as personal.
        return code[:17].isdigit() and is_personal_id(code)

    def enforcement_party(self, e: Enterprise) -> Party:
        """Name and 身份证号码/组织机构代码 as a zxgk record gives an organisation."""
        x = self.r()
        code = e.credit_code
        if x < 0.74 and not self._reads_as_person(code):
            return Party(e.name, code)
        if x < 0.84 and self._org_code_ok(e):
            org = code[8:17]
            return Party(e.name, org_code=org if self.r() < 0.5 else f"{org[:8]}-{org[8]}")
        if x < 0.94:
            return Party(self._name_only(e))
        return Party(self._spelling(e))

    def penalty_party(self, e: Enterprise) -> Party:
        """Name and codes as a 双公示 record gives a registered party."""
        x = self.r()
        if x < 0.85:
            return Party(e.name, e.credit_code)
        if x < 0.88 and e.reg_no:
            return Party(e.name, reg_no=e.reg_no)
        if x < 0.91 and self._org_code_ok(e):
            return Party(e.name, org_code=e.credit_code[8:17])
        if x < 0.96:
            return Party(self._name_only(e))
        return Party(self._spelling(e))

    # ---- enforcement -------------------------------------------------------------------

    def _basis(self, kind: str, district: str, court: tuple[str, str], filed: int):
        """执行依据: (document number, issuer, enforcing court (name, code), its day)."""
        r = self.r
        day = filed - 30 - int(r() * 400)
        y = year_of(day)
        if kind == "仲裁":
            return f"（{y}）连仲裁字第{1 + int(r() * 900)}号", jv.ARBITRATION, jv.INTERMEDIATE_COURT
        if kind == "劳仲":
            d = BY_CODE[_DISTRICT_OF.get(district, district)]
            number = f"{jv.ABBR[d.code]}劳人仲案字〔{y}〕第{1 + int(r() * 1500)}号"
            return number, d.bureau("劳动人事争议仲裁委员会"), court
        if kind == "民初" and r() < 0.2:  # upheld on appeal
            name, code = jv.INTERMEDIATE_COURT
            return f"（{y}）{code}民终{1 + int(r() * 6000)}号", name, court
        top = 9000 if kind == "民初" else 900
        return f"（{y}）{court[1]}{kind}{1 + int(r() * top)}号", court[0], court

    def _case(
        self,
        court: tuple[str, str],
        district: str,
        filed: int,
        *,
        person: bool,
        who: str,
        cause: tuple | None = None,
        amount: int | None = None,
    ) -> dict[str, Any]:
        """One enforcement case: number, court, amount and what the judgment ordered."""
        r = self.r
        cause = cause or self.pick(PERSON_CAUSES if person else ORG_CAUSES)
        _, kind, template, _, _ = cause
        basis_number, issuer, court = self._basis(kind, district, court, filed)
        fen = amount if amount is not None else self._amount(person)
        principal = max(1000, int(fen / 100 * (0.8 + 0.2 * r())))
        obligation = template.format(
            who=("被告" if kind not in ("民督", "民特") else "被申请人") + who,
            name=who,
            A=principal,
            bank=self.pick(jv.BANKS),
            day=iso(filed - 60 - int(r() * 500)).replace("-", "年", 1).replace("-", "月", 1) + "日",
        )
        return {
            "court": court,
            "case_number": self._case_number(court[1], filed),
            "filed": filed,
            "amount": fen,
            "principal": principal,
            "basis_number": basis_number,
            "basis_issuer": issuer,
            "obligation": obligation,
        }

    def _status(self, filed: int) -> tuple[str, str]:
        x = self.r()
        if x < 0.80:
            return "执行中", ""
        if x < 0.92:
            return "终结本次执行", ""
        closed = filed + 30 + int(self.r() * 400)
        if closed >= self.as_of:
            return "执行中", ""
        return ("已结案" if x < 0.97 else "执行完毕"), iso(closed)

    def debtor_row(
        self,
        case: dict[str, Any],
        name: str,
        party_id: str,
        status: tuple[str, str] | None = None,
    ) -> Row:
        case_status, closed = status or self._status(case["filed"])
        return {
            "case_number": case["case_number"],
            "party_name": name,
            "party_id": party_id,
            "court": case["court"][0],
            "filed_on": iso(case["filed"]),
            "amount_fen": yuan(case["amount"]),
            "case_status": case_status,
            "case_closed_on": closed,
            "as_of": self.as_of_text,
        }

    def dishonest_row(
        self,
        case: dict[str, Any],
        name: str,
        party_id: str,
        *,
        person: Person | None = None,
        legal_rep: str = "",
        published: int | None = None,
        conduct: str | None = None,
    ) -> Row:
        r = self.r
        filed = case["filed"]
        if published is None:
            published = min(filed + 45 + int(r() * 380), self.as_of - 1)
        published = max(published, filed)
        principal = case["principal"]
        if r() < 0.85:
            performance, done = "全部未履行", "暂无"
            left = "暂无" if r() < 0.3 else f"{principal}元"
        else:
            paid = max(100, int(principal * (0.1 + 0.6 * r())) // 100 * 100)
            performance, done, left = "部分未履行", f"{paid}元", f"{principal - paid}元"
        return {
            "party_name": name,
            "party_type": "自然人" if person else "法人或其他组织",
            "party_id": party_id,
            "gender": ("男" if person.male else "女") if person else "",
            "age": str(year_of(published) - person.born) if person else "",
            "legal_rep": legal_rep,
            "province": "江苏",
            "court": case["court"][0],
            "case_number": case["case_number"],
            "filed_on": iso(filed),
            "published_on": iso(published),
            "basis_number": case["basis_number"],
            "basis_issuer": case["basis_issuer"],
            "obligation": case["obligation"],
            "performance": performance,
            "performed_part": done,
            "unperformed_part": left,
            "conduct": conduct or self.pick(CONDUCTS),
            "as_of": self.as_of_text,
        }

    def _window(self, e: Enterprise, after: int) -> tuple[int, int]:
        lo = max(e.established + after, Y2019)
        hi = self.as_of - 7
        if e.status in ("注销", "迁出") and e.status_date is not None:
            hi = min(hi, e.status_date - 20)  # gone (or moved away) before any later case
        return lo, hi

    def _org_debtor(self, e: Enterprise, out: list[tuple[str, Row]]) -> None:
        lo, hi = self._window(e, 180)
        court = jv.COURTS[e.division]
        co_debtor = CO_DEBTOR.get(e.credit_code[:2], CO_DEBTOR_OTHERS) if e.legal_rep else 0.0
        for _ in range(self.pick(COUNTS_1_3)):
            filed = self._day(FILING_YEARS, lo, hi)
            if filed is None:
                return
            party = self.enforcement_party(e)
            case = self._case(court, e.division, filed, person=False, who=party.name)
            party_id = party.credit_code or party.org_code
            out.append((DEBTORS, self.debtor_row(case, party.name, party_id)))
            if self.r() < co_debtor:
                guarantor = self.person()._replace(name=e.legal_rep)
                out.append((DEBTORS, self.debtor_row(case, e.legal_rep, guarantor.masked_id())))

    def _org_dishonest(self, e: Enterprise, out: list[tuple[str, Row]]) -> None:
        lo, hi = self._window(e, 180)
        court = jv.COURTS[e.division]
        for _ in range(self.pick(COUNTS_1_2)):
            filed = self._day(FILING_YEARS, lo, min(hi, self.as_of - 60))
            if filed is None:
                return
            party = self.enforcement_party(e)
            party_id = party.credit_code or party.org_code
            case = self._case(court, e.division, filed, person=False, who=party.name)
            if self.r() < PAIRED:
                out.append((DEBTORS, self.debtor_row(case, party.name, party_id)))
            row = self.dishonest_row(case, party.name, party_id, legal_rep=e.legal_rep)
            out.append((DISHONEST, row))

    def _person_debtor(self, out: list[tuple[str, Row]]) -> None:
        p = self.person()
        district = self.pick(PERSON_DISTRICTS).code
        filed = self._day(FILING_YEARS, Y2019, self.as_of - 7)
        assert filed is not None
        case = self._case(jv.COURTS[district], district, filed, person=True, who="")
        out.append((DEBTORS, self.debtor_row(case, p.name, p.masked_id())))

    def _person_dishonest(self, out: list[tuple[str, Row]]) -> None:
        p = self.person()
        district = self.pick(PERSON_DISTRICTS).code
        filed = self._day(FILING_YEARS, Y2019, self.as_of - 60)
        assert filed is not None
        case = self._case(jv.COURTS[district], district, filed, person=True, who="")
        if self.r() < PAIRED:
            out.append((DEBTORS, self.debtor_row(case, p.name, p.masked_id())))
        masked = p.masked_id(with_birth_year=self.r() < 0.4)
        out.append((DISHONEST, self.dishonest_row(case, p.name, masked, person=p)))

    def _outside_enforcement(self, out: list[tuple[str, Row]]) -> None:
        firm = self.outside_firm()
        district = self.pick(PERSON_DISTRICTS).code
        filed = self._day(FILING_YEARS, Y2019, self.as_of - 7)
        assert filed is not None
        case = self._case(jv.COURTS[district], district, filed, person=False, who=firm.name)
        out.append((DEBTORS, self.debtor_row(case, firm.name, firm.credit_code)))

    # ---- penalties -------------------------------------------------------------------

    def _offence_table(self, e: Enterprise) -> list[str]:
        kind = e.credit_code[:2]
        group = kind if kind in ("92", "93") else "org"
        key = (group, e.industry)
        table = self._offences.get(key)
        if table is None:
            if group == "92":
                weights = dict(_INDIVIDUAL_OFFENCES)
            elif group == "93":
                weights = dict(_COOP_OFFENCES)
            else:
                weights = dict(_BASE_OFFENCES)
                for k, w in _INDUSTRY_OFFENCES.get(e.industry, {}).items():
                    weights[k] = weights.get(k, 0.0) + w
            table = self._offences[key] = weighted_table(list(weights.items()), 1000)
        return table

    def _authority(self, domain: str, district: str, registered_with: str = "") -> jv.Authority:
        by_kind = jv.BY_DISTRICT[_DISTRICT_OF.get(district, district)]
        if domain == "market":
            return jv.MARKET_BY_NAME.get(registered_with) or by_kind["market"]
        if domain == "safety":
            return jv.SAFETY if self.r() < 0.5 else by_kind["safety"]
        return {
            "tax": by_kind["tax"],
            "tax_audit": jv.TAX_AUDIT,
            "environment": jv.ENVIRONMENT,
            "fire": by_kind["fire"],
            "transport": jv.TRANSPORT,
        }[domain]

    def penalty_row(
        self,
        party: Party,
        category: str,
        legal_rep: str,
        authority: jv.Authority,
        decided: int,
        *,
        violation: str,
        facts: str,
        basis: str,
        fine: int = 0,
        confiscated: int = 0,
        warning: bool = False,
        suspend: bool = False,
        revoke: str = "",
    ) -> Row:
        """One decision. Amounts in yuan; 公示截止期 one year on, three for serious ones."""
        types, content = [], []
        if warning:
            types.append("警告")
            content.append("警告")
        if fine:
            types.append("罚款")
            content.append(f"罚款人民币{fine}元")
        if confiscated:
            types.append("没收违法所得")
            content.append(f"没收违法所得{confiscated}元")
        if suspend:
            types.append("责令停产停业")
            content.append("责令停产整治")
        if revoke:
            types.append("吊销营业执照")
            content.append("吊销营业执照")
        serious = suspend or bool(revoke) or fine >= 100_000
        publish_until = iso(add_years(decided, 3 if serious else 1) - 1)
        return {
            "party_name": party.name,
            "party_category": category,
            "party_credit_code": party.credit_code,
            "party_reg_no": party.reg_no,
            "party_org_code": party.org_code,
            "legal_rep": legal_rep,
            "decision_number": authority.number(
                year_of(decided), self._serial(authority.prefix, year_of(decided))
            ),
            "violation_type": violation,
            "facts": facts,
            "legal_basis": basis,
            "penalty_types": "；".join(types),
            "content": "；".join(content),
            "fine_fen": wan(fine * 100) if fine else "",
            "confiscated_fen": wan(confiscated * 100) if confiscated else "",
            "licence_action": f"营业执照（统一社会信用代码：{revoke}）" if revoke else "",
            "decided_on": iso(decided),
            "valid_until": "长期" if revoke else publish_until,
            "publish_until": publish_until,
            "authority": authority.name,
            "authority_credit_code": authority.code,
            "data_source_unit": authority.name,
            "data_source_credit_code": authority.code,
            "as_of": self.as_of_text,
        }

    def _offence_row(
        self, key: str, party: Party, category: str, legal_rep: str, district: str,
        decided: int, registered_with: str = "",
    ) -> Row:  # fmt: skip
        r = self.r
        o = jv.OFFENCES[_dated(key, decided)]
        lo, hi, step = o.fine
        fine = min(hi, lo + int(r() * ((hi - lo) // step + 1)) * step) if hi else 0
        confiscated = 0
        if o.confiscate:
            confiscated = o.confiscate[0] + int(r() * (o.confiscate[1] - o.confiscate[0]))
        basis = o.basis + (jv.LENIENCY if fine < o.legal_minimum else "")
        return self.penalty_row(
            party,
            category,
            legal_rep,
            self._authority(o.domain, district, registered_with),
            decided,
            violation=o.violation,
            facts=o.facts.format(x=self.pick(o.fills)),
            basis=basis,
            fine=fine,
            confiscated=confiscated,
            warning=r() < o.warning,
            suspend=r() < o.suspend,
        )

    @staticmethod
    def _category(e: Enterprise) -> str:
        return "个体工商户" if e.credit_code[:2] == "92" else "法人及非法人组织"

    def _revocation(self, e: Enterprise, out: list[tuple[str, Row]]) -> None:
        """A company revoked for idleness since 2019: the 吊销 decision as published."""
        assert e.status_date is not None
        o = jv.OFFENCES[_dated("idle_revoked", e.status_date)]
        row = self.penalty_row(
            Party(e.name, e.credit_code),
            self._category(e),
            e.legal_rep,
            self._authority("market", e.division, e.authority),
            e.status_date,
            violation=o.violation,
            facts=o.facts,
            basis=o.basis,
            revoke=e.credit_code,
        )
        out.append((PENALTIES, row))

    def _org_penalties(self, e: Enterprise, out: list[tuple[str, Row]]) -> None:
        lo, hi = self._window(e, 60)
        table = self._offence_table(e)
        category = self._category(e)
        for _ in range(self.pick(COUNTS_1_3)):
            decided = self._day(PENALTY_YEARS, lo, hi)
            if decided is None:
                return
            row = self._offence_row(
                self.pick(table),
                self.penalty_party(e),
                category,
                e.legal_rep,
                e.division,
                decided,
                e.authority,
            )
            out.append((PENALTIES, row))

    def _person_penalty(self, out: list[tuple[str, Row]]) -> None:
        # Natural persons: name only; their ID numbers are not published.
        p = self.person()
        district = self.pick(PERSON_DISTRICTS).code
        decided = self._day(PENALTY_YEARS, Y2019, self.as_of - 5)
        assert decided is not None
        key = self.pick(jv.PERSON_OFFENCES)
        out.append(
            (PENALTIES, self._offence_row(key, Party(p.name), "自然人", "", district, decided))
        )

    def _outside_penalty(self, out: list[tuple[str, Row]]) -> None:
        firm = self.outside_firm()
        district = self.pick(PERSON_DISTRICTS).code
        decided = self._day(PENALTY_YEARS, Y2019, self.as_of - 5)
        assert decided is not None
        key = self.pick(("safety_training", "fire_exits", "substandard_product"))
        out.append(
            (PENALTIES, self._offence_row(key, firm, "法人及非法人组织", "", district, decided))
        )

    # ---- per enterprise ----------------------------------------------------------------

    def records(self, e: Enterprise) -> list[tuple[str, Row]]:
        """Rows to write after an ordinary enterprise: its own records and some others'.

        Most enterprises have none: the dice are rolled before any work is done, since this
        runs once per enterprise of a million.
        """
        r = self.r
        out: list[tuple[str, Row]] = []
        if e.status != "迁出":  # moved away: its cases are heard elsewhere
            if r() < DEBTOR_ORG:
                self._org_debtor(e, out)
            if r() < DISHONEST_ORG:
                self._org_dishonest(e, out)
            if (
                e.status == "吊销"
                and e.status_date is not None
                and e.status_date >= Y2019
                and e.status_reason in REVOKED_IDLE
                and "公司" in e.entity_type
                and r() < REVOKED_PENALTY
            ):
                self._revocation(e, out)
            if r() < PENALTY_ORG:
                self._org_penalties(e, out)
        if r() < DEBTOR_PERSON:
            self._person_debtor(out)
        if r() < DISHONEST_PERSON:
            self._person_dishonest(out)
        if r() < PENALTY_PERSON:
            self._person_penalty(out)
        x = r()
        if x < OUTSIDE * 0.7:
            self._outside_enforcement(out)
        elif x < OUTSIDE:
            self._outside_penalty(out)
        return out

    # ---- the debt-service sector's story -----------------------------------------------

    def sector_records(self, sector: list[Member]) -> list[tuple[str, Row, dict[str, str]]]:
        """The records the sector's story needs, each with what it shows (for the manifest).

        Lawful law firms, mediation bodies and auction houses get none.
        """
        by_name = {m.enterprise.name: m for m in sector}
        out: list[tuple[str, Row, dict[str, str]]] = []

        def add(file: str, row: Row, m: Member, story: str, shows: str) -> None:
            out.append(
                (
                    file,
                    row,
                    {
                        "credit_code": m.enterprise.credit_code,
                        "name": m.enterprise.name,
                        "role": m.role,
                        "story": story,
                        "shows": shows,
                    },
                )
            )

        revoked = [
            m for m in sector if m.role == UNLAWFUL_COLLECTOR and m.enterprise.status == "吊销"
        ]
        assert len(revoked) == 2
        # (brand in the facts, service fee refunded, damages, filed, published)
        suits = (
            ("讨债公司", 48_000, 12_000, date(2025, 6, 18), date(2025, 9, 3)),
            ("追债公司", 26_500, 8_500, date(2025, 7, 9), date(2025, 10, 21)),
        )
        for m, (brand, fee, damages, filed, published) in zip(revoked, suits, strict=True):
            e = m.enterprise
            assert e.status_date is not None
            gain = 80_000 + int(self.r() * 120_000)
            facts = jv.VIOLENT_COLLECTION_FACTS.format(
                brand=brand, start="2024年5月", end="2025年2月", gain=gain
            )
            row = self.penalty_row(
                Party(e.name, e.credit_code),
                "法人及非法人组织",
                e.legal_rep,
                self._authority("market", e.division, e.authority),
                e.status_date,
                violation=jv.VIOLENT_COLLECTION_VIOLATION,
                facts=facts,
                basis=jv.VIOLENT_COLLECTION_BASIS,
                confiscated=gain,
                revoke=e.credit_code,
            )
            add(
                PENALTIES,
                row,
                m,
                "violent_collection_revoked",
                "因暴力催收被市场监督管理局吊销营业执照 / licence revoked for violent collection",
            )
            case = self._case(
                jv.COURTS[e.division],
                e.division,
                filed.toordinal(),
                person=False,
                who=e.name,
                amount=(fee + damages) * 100 + 4_650,
            )
            case["principal"] = fee + damages
            case["obligation"] = (
                f"被告{e.name}于本判决生效之日起十日内返还原告服务费{fee}元并赔偿原告损失{damages}元"
            )
            add(
                DEBTORS,
                self.debtor_row(case, e.name, e.credit_code, ("执行中", "")),
                m,
                "collector_dishonest",
                "被吊销的讨债公司为被执行人 / the revoked collector is a judgment debtor",
            )
            row = self.dishonest_row(
                case,
                e.name,
                e.credit_code,
                legal_rep=e.legal_rep,
                published=published.toordinal(),
                conduct="违反财产报告制度",
            )
            add(
                DISHONEST,
                row,
                m,
                "collector_dishonest",
                "被吊销的讨债公司为失信被执行人 / the revoked collector is a dishonest debtor",
            )

        # The 失信 agency: a credit-management firm with a 备案 that looks lawful otherwise.
        m = by_name["江苏诚泰信用管理有限公司"]
        assert m.role == ACCOUNT_MANAGEMENT
        e = m.enterprise
        cause = (
            "房屋租赁合同纠纷",
            "民初",
            "{who}于本判决生效之日起十日内支付原告办公用房租金{A}元及逾期付款违约金",
            0,
            0,
        )
        case = self._case(
            jv.COURTS[e.division],
            e.division,
            date(2026, 3, 10).toordinal(),
            person=False,
            who=e.name,
            cause=cause,
            amount=30_187_000,
        )
        add(
            DEBTORS,
            self.debtor_row(case, e.name, e.credit_code, ("执行中", "")),
            m,
            "dishonest_agency",
            "商账管理机构为被执行人（房屋租赁合同纠纷）/ the agency is a judgment debtor",
        )
        row = self.dishonest_row(
            case,
            e.name,
            e.credit_code,
            legal_rep=e.legal_rep,
            published=date(2026, 6, 22).toordinal(),
            conduct="有履行能力而拒不履行生效法律文书确定义务",
        )
        add(
            DISHONEST,
            row,
            m,
            "dishonest_agency",
            "看似合法的商账管理机构为失信被执行人：三步核验第三步应拦截 / "
            "a lawful-looking agency is a dishonest debtor: step 3 must catch it",
        )

        # A consulting firm collecting debts beyond its scope.
        m = by_name[DEBT_BRANDED_CONSULTING[0][0]]
        e = m.enterprise
        gain = 24_600
        row = self.penalty_row(
            Party(e.name, e.credit_code),
            "法人及非法人组织",
            e.legal_rep,
            self._authority("market", e.division, e.authority),
            date(2026, 1, 16).toordinal(),
            violation=jv.BEYOND_SCOPE_VIOLATION,
            facts=jv.BEYOND_SCOPE_FACTS.format(start="2025年3月", end="2025年9月", gain=gain),
            basis=jv.BEYOND_SCOPE_BASIS,
            fine=8_000,
            confiscated=gain,
        )
        add(
            PENALTIES,
            row,
            m,
            "beyond_scope",
            "商务咨询公司超范围从事债务催收被处罚 / consulting firm penalised for collecting "
            "debts beyond its scope",
        )

        # The article's yellow warning: a 商务咨询 firm with a contract-dispute case.
        m = by_name["连云港安信商务咨询有限公司"]
        e = m.enterprise
        cause = ("服务合同纠纷", "民初", "{who}于本判决生效之日起十日内支付原告服务费{A}元", 0, 0)
        case = self._case(
            jv.COURTS[e.division],
            e.division,
            date(2026, 5, 12).toordinal(),
            person=False,
            who=e.name,
            cause=cause,
            amount=8_650_000,
        )
        add(
            DEBTORS,
            self.debtor_row(case, e.name, e.credit_code, ("执行中", "")),
            m,
            "contract_dispute",
            "商务咨询公司因合同纠纷为被执行人（执行中）：黄色警示 / "
            "consulting firm under enforcement for a contract dispute: yellow warning",
        )

        # A plain consulting firm whose only case is closed: history, not a current record.
        branded = {name for name, _ in DEBT_BRANDED_CONSULTING}
        m = next(
            m
            for m in sector
            if m.role == CONSULTING and m.enterprise.name not in branded and not m.successor_of
        )
        e = m.enterprise
        filed = max(date(2024, 8, 5).toordinal(), e.established + 200)
        case = self._case(
            jv.COURTS[e.division], e.division, filed, person=False, who=e.name, amount=3_280_000
        )
        closed = min(filed + 75, self.as_of - 5)
        add(
            DEBTORS,
            self.debtor_row(case, e.name, e.credit_code, ("已结案", iso(closed))),
            m,
            "closed_case",
            "被执行案件已结案（有结案日期）：仅为历史记录 / case closed with a closing date: "
            "history only",
        )
        return out
