"""The demo's debt-service sector: lawful agencies, consulting firms and unlawful collectors."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from xinyong.demo import industries as ind
from xinyong.demo.base import D2015_10
from xinyong.demo.builder import Builder
from xinyong.demo.model import Abnormal, Enterprise
from xinyong.demo.people import Person
from xinyong.demo.places import BY_CODE, CITY_DIVISION, PROVINCE_DIVISION, address

LAW_FIRM = "law_firm"
MEDIATION = "mediation"
AUCTION = "auction"
ACCOUNT_MANAGEMENT = "account_management"
CONSULTING = "consulting"
UNLAWFUL_COLLECTOR = "unlawful_collector"
LAWFUL_ROLES = (LAW_FIRM, MEDIATION, AUCTION, ACCOUNT_MANAGEMENT)

VIOLENT_REVOCATION = "以暴力、威胁等非法手段催收债务，被依法吊销营业执照"

LAW_SCOPE = (
    "业务范围：民事、刑事、行政诉讼代理；非诉讼法律事务；法律事务代理；法律咨询；"
    "担任法律顾问；代写法律文书；参加调解、仲裁活动"
)
MEDIATION_SCOPE = (
    "业务范围：商事纠纷调解；金融纠纷调解；债权债务纠纷调解；调解咨询服务；调解员培训；法治宣传"
)
ASSOCIATION_SCOPE = "业务范围：调解理论研究；调解员培训；指导会员开展民商事纠纷调解；行业交流与合作"
AUCTION_SCOPE = ind.scope_text(
    ("司法拍卖辅助服务", "二手车经纪", "资产评估", "信息咨询服务（不含许可类信息咨询服务）"),
    ("拍卖业务", "文物拍卖"),
    "new",
)
ACCOUNT_SCOPE = ind.scope_text(
    (
        "商账管理",
        "应收账款管理服务",
        "企业信用管理咨询服务",
        "企业信用评级服务",
        "商务代理代办服务",
        "信息咨询服务（不含许可类信息咨询服务）",
    ),
    (),
    "new",
)
CREDIT_SCOPE = ind.scope_text(
    (
        "企业征信服务",
        "企业信用管理咨询服务",
        "商账管理",
        "数据处理服务",
        "信息咨询服务（不含许可类信息咨询服务）",
    ),
    (),
    "new",
)
CONSULTING_SCOPE = ind.scope_text(
    (
        "企业管理咨询",
        "信息咨询服务（不含许可类信息咨询服务）",
        "市场营销策划",
        "商务代理代办服务",
        "会议及展览服务",
    ),
    (),
    "new",
)

# (name, district code, partnership?) — 江苏田湾律师事务所 is the lawful firm the article names.
LAW_FIRMS = (
    ("江苏田湾律师事务所", "320703", True),
    ("江苏港城律师事务所", "320706", True),
    ("江苏云台山律师事务所", "320706", True),
    ("江苏郁洲律师事务所", "320706", True),
    ("江苏朐阳律师事务所", "320706", True),
    ("江苏海宁律师事务所", "320706", True),
    ("江苏连海律师事务所", "320703", True),
    ("江苏瀛洲律师事务所", "320706", True),
    ("江苏灌河律师事务所", "320724", True),
    ("江苏晶都律师事务所", "320722", False),
    ("江苏海头律师事务所", "320707", False),
    ("江苏正衡律师事务所", "320706", True),
    ("江苏伊芦律师事务所", "320723", True),
    ("江苏诚至律师事务所", "320707", True),
)
# (name, district, type2) — 52 民办非企业单位, 51 社会团体.
MEDIATION_BODIES = (
    ("连云港市商事调解中心", "320706", "52"),
    ("连云港市金融纠纷调解中心", "320706", "52"),
    ("连云港港航商事调解中心", "320703", "52"),
    ("东海县商事纠纷调解中心", "320722", "52"),
    ("灌云县民商事纠纷调解中心", "320723", "52"),
    ("连云港市调解协会", "320706", "51"),
)
AUCTION_HOUSES = (
    ("连云港港城拍卖有限公司", "320706"),
    ("连云港连海拍卖有限公司", "320703"),
    ("连云港宏信拍卖有限公司", "320706"),
    ("连云港嘉禾拍卖有限公司", "320707"),
    ("江苏瀛洲拍卖有限公司", "320706"),
    ("江苏苍海拍卖有限公司", "320722"),
    ("连云港市海州区恒通拍卖有限公司", "320706"),
)
ACCOUNT_FIRMS = (
    ("连云港信和商账管理有限公司", "320706"),
    ("连云港融正商账管理有限公司", "320706"),
    ("连云港恒诚商账管理有限公司", "320703"),
    ("连云港汇信商账管理有限公司", "320707"),
    ("江苏港信信用管理有限公司", "320706"),
    ("江苏诚泰信用管理有限公司", "320706"),
    ("江苏鼎誉信用管理有限公司", "320771"),
    ("连云港正信企业征信服务有限公司", "320706"),
    ("连云港安和企业征信服务有限公司", "320722"),
    ("连云港海诚企业征信服务有限公司", "320706"),
)
# Brands that promise collection while the scope says only 企业管理咨询: beyond-scope suspects.
DEBT_BRANDED_CONSULTING = (
    ("连云港信达商务咨询有限公司", "320706"),
    ("连云港速达商务信息咨询有限公司", "320706"),
    ("连云港鼎信企业管理咨询有限公司", "320703"),
    ("连云港安信商务咨询有限公司", "320707"),
    ("连云港汇融企业管理咨询有限公司", "320706"),
    ("连云港诚达商务咨询有限公司", "320722"),
    ("连云港市海州区清源商务咨询有限公司", "320706"),
    ("灌南县讯达企业管理咨询有限公司", "320724"),
)
PLAIN_CONSULTING_BRANDS = (
    "智远",
    "博睿",
    "恒远",
    "嘉和",
    "明德",
    "卓越",
    "华策",
    "思远",
    "睿智",
    "启航",
    "同创",
    "致远",
    "鼎立",
    "众合",
    "弘毅",
    "锦程",
    "远航",
    "优创",
    "汇智",
    "合力",
)
# (name, district, scope, status) of collectors whose very name or scope is a red flag.
COLLECTORS = (
    (
        "连云港金鼎盛国际要账有限公司",
        "320706",
        ind.scope_text(
            ("要账咨询服务", "债务信息咨询", "商务信息咨询（不含投资类咨询）", "企业管理咨询"),
            (),
            "new",
        ),
    ),
    (
        "连云港德律讨债服务有限公司",
        "320706",
        ind.scope_text(
            ("讨债咨询服务", "商务信息咨询（不含投资类咨询）", "企业管理咨询"), (), "new"
        ),
    ),
    (
        "连云港鼎力追债服务有限公司",
        "320707",
        ind.scope_text(("债务追讨咨询", "商务信息咨询（不含投资类咨询）"), (), "new"),
    ),
    (
        "海州区速通要账信息咨询服务部",
        "320706",
        ind.scope_text(("要账信息咨询", "商务信息咨询（不含投资类咨询）"), (), "new"),
    ),
    (
        "灌云县诚收讨债咨询有限公司",
        "320723",
        ind.scope_text(("讨债咨询", "债务信息咨询", "企业管理咨询"), (), "new"),
    ),
)
SECTOR_SIZE = (
    len(LAW_FIRMS)
    + len(MEDIATION_BODIES)
    + len(AUCTION_HOUSES)
    + len(ACCOUNT_FIRMS)
    + len(DEBT_BRANDED_CONSULTING)
    + len(PLAIN_CONSULTING_BRANDS)
    + 2
    + len(COLLECTORS)
)


@dataclass
class Member:
    """One sector enterprise and what the manifest says about it."""

    enterprise: Enterprise
    role: str
    note: str = ""
    successor_of: str = ""

    def describe(self) -> dict[str, Any]:
        e = self.enterprise
        out: dict[str, Any] = {
            "credit_code": e.credit_code,
            "name": e.name,
            "role": self.role,
            "status": e.status,
        }
        if self.note:
            out["note"] = self.note
        if self.successor_of:
            out["successor_of"] = self.successor_of
        return out


def _day(y: int, m: int, d: int) -> int:
    return date(y, m, d).toordinal()


class _SectorBuilder:
    def __init__(self, b: Builder) -> None:
        self.b = b
        self.members: list[Member] = []

    def entity(
        self,
        name: str,
        district_code: str,
        *,
        type2: str,
        entity_type: str,
        est: int,
        scope: str,
        industry: str,
        reg_div: str | None = None,
        authority: str | None = None,
        org_kind: str | None = None,
    ) -> Enterprise:
        b = self.b
        district = BY_CODE[district_code]
        reg_div = reg_div or district.code
        if not b.claim_name(name):
            raise ValueError(f"sector name used twice: {name}")
        if org_kind is None:
            org_kind = "old" if est < D2015_10 else "ma"
        body = b.mint.org_body(date.fromordinal(est).year, org_kind)
        e = Enterprise(
            credit_code=b.mint.uscc(type2, reg_div, body),
            name=name,
            entity_type=entity_type,
            established=est,
            status="存续",
            division=district.code,
            as_of=b.as_of - int(b.r() * 10),
        )
        if type2 in ("91", "92") and est < D2015_10:
            e.reg_no = b.mint.registration_number(reg_div, "0" if type2 == "91" else "6")
        e.authority = authority or district.market_regulator
        e.address = address(b.rng, district)
        e.scope, e.industry = scope, industry
        e.term_from = est if type2 != "92" else None
        e.approved = b.between(est, e.as_of)
        return e

    def company(
        self,
        name: str,
        district_code: str,
        est: int,
        scope: str,
        industry: str,
        capital_wan: int,
        holders: list[Person],
        legal_rep: Person | None = None,
        type2: str = "91",
    ) -> Enterprise:
        entity_type = {1: "有限责任公司(自然人独资)"}.get(
            len(holders), "有限责任公司(自然人投资或控股)"
        )
        if type2 == "92":
            entity_type = "个体工商户"
        e = self.entity(
            name,
            district_code,
            type2=type2,
            entity_type=entity_type,
            est=est,
            scope=scope,
            industry=industry,
        )
        e.capital_fen, e.currency = capital_wan * 1_000_000, "人民币"
        e.legal_rep = (legal_rep or holders[0]).name
        if type2 != "92":
            self.b.fill_shares(e, list(holders), e.capital_fen)
        return e

    def add(self, e: Enterprise, role: str, note: str = "", successor_of: str = "") -> Enterprise:
        self.members.append(Member(e, role, note, successor_of))
        return e

    def year_day(self, first: int, last: int) -> int:
        return _day(first, 1, 1) + int(self.b.r() * (_day(last, 12, 31) - _day(first, 1, 1)))

    def people(self, n: int) -> list[Person]:
        return [self.b.people.new() for _ in range(n)]


def build_sector(b: Builder) -> list[Member]:
    """All sector enterprises, in their fixed order.

    The sector is the same size whatever the number of enterprises and comes first in the
    files, so tests and walkthroughs can rely on it. Names are fixed; codes, people and
    dates follow the seed.
    """
    s = _SectorBuilder(b)
    r = b.r
    for name, district, partnership in LAW_FIRMS:
        est = _day(2009, 6, 18) if name == "江苏田湾律师事务所" else s.year_day(1996, 2022)
        e = s.entity(
            name,
            district,
            type2="31",
            entity_type="律师事务所(合伙)" if partnership else "律师事务所(个人)",
            est=est,
            scope=LAW_SCOPE,
            industry=ind.BUSINESS,
            reg_div=PROVINCE_DIVISION,
            authority="江苏省司法厅",
            org_kind="law",
        )
        partners = s.people(3 + int(r() * 5) if partnership else 1)
        e.legal_rep = partners[0].name  # 负责人
        e.capital_fen, e.currency = (30 + int(r() * 20) * 10) * 1_000_000, "人民币"
        b.fill_shares(e, list(partners), e.capital_fen)
        b.licences(e, "law_practice", "江苏省", PROVINCE_DIVISION, start=est)
        s.add(e, LAW_FIRM, "律师事务所，持律师事务所执业许可证")

    for name, district, type2 in MEDIATION_BODIES:
        est = s.year_day(2016, 2023)
        city_level = name.startswith("连云港")
        bureau = "连云港市民政局" if city_level else BY_CODE[district].bureau("民政局")
        e = s.entity(
            name,
            district,
            type2=type2,
            entity_type="民办非企业单位" if type2 == "52" else "社会团体",
            est=est,
            scope=MEDIATION_SCOPE if type2 == "52" else ASSOCIATION_SCOPE,
            industry=ind.BUSINESS,
            reg_div=CITY_DIVISION if city_level else district,
            authority=bureau,
            org_kind="mj",
        )
        e.term_from = None
        e.legal_rep = b.people.new().name
        e.capital_fen, e.currency = (3 + int(r() * 8)) * 1_000_000, "人民币"  # 开办资金
        place = bureau.removesuffix("民政局")
        certificate = "npo_certificate" if type2 == "52" else "society_certificate"
        b.licences(e, certificate, place, e.credit_code[2:8], start=est)
        if type2 == "52":
            b.licences(e, "mediation_roster", place, e.credit_code[2:8], start=est + 90)
        s.add(e, MEDIATION, "调解组织" + ("，人民法院特邀调解组织" if type2 == "52" else ""))

    for i, (name, district) in enumerate(AUCTION_HOUSES):
        est = s.year_day(1998, 2020)
        e = s.company(
            name,
            district,
            est,
            AUCTION_SCOPE,
            ind.TRADE,
            (100, 200, 300, 500, 1000)[i % 5],
            s.people(2 + i % 2),
        )
        b.licences(e, "auction", "江苏省", PROVINCE_DIVISION, start=est + 20)
        if i < 5:
            b.licences(
                e,
                "court_auction_roster",
                "江苏省",
                PROVINCE_DIVISION,
                start=max(est + 400, _day(2017, 3, 1)),
            )
        s.add(e, AUCTION, "拍卖企业" + ("，列入司法拍卖辅助机构名册" if i < 5 else ""))

    for i, (name, district) in enumerate(ACCOUNT_FIRMS):
        est = s.year_day(2012, 2023)
        credit = "征信" in name
        e = s.company(
            name,
            district,
            est,
            CREDIT_SCOPE if credit else ACCOUNT_SCOPE,
            ind.BUSINESS,
            (100, 200, 500, 1000)[i % 4],
            s.people(1 + i % 3),
        )
        if credit or i in (4, 5):
            b.licences(
                e,
                "credit_filing",
                "江苏省",
                PROVINCE_DIVISION,
                start=max(est + 120, _day(2016, 6, 1)),
            )
        s.add(e, ACCOUNT_MANAGEMENT, "商账管理 / 企业征信服务")

    for name, district in DEBT_BRANDED_CONSULTING:
        e = s.company(
            name,
            district,
            s.year_day(2016, 2024),
            CONSULTING_SCOPE,
            ind.BUSINESS,
            (10, 50, 100, 200)[int(r() * 4)],
            s.people(1 + int(r() * 2)),
        )
        s.add(e, CONSULTING, "字号暗示讨债业务，经营范围仅企业管理咨询：涉嫌超范围经营")
    for brand in PLAIN_CONSULTING_BRANDS:
        where = "连云港" if r() < 0.7 else "连云港市海州区"
        word = "企业管理咨询" if r() < 0.6 else "商务信息咨询"
        e = s.company(
            f"{where}{brand}{word}有限公司",
            "320706",
            s.year_day(2010, 2025),
            CONSULTING_SCOPE,
            ind.BUSINESS,
            (10, 50, 100, 200, 500)[int(r() * 5)],
            s.people(1 + int(r() * 3)),
        )
        s.add(e, CONSULTING)

    # The unlawful collectors: two revoked in March 2025 for violent collection, whose
    # people reappear behind fresh "consulting" firms registered a few months later.
    collectors: list[Enterprise] = []
    owners: list[list[Person]] = []
    established = (
        _day(2019, 5, 14),
        _day(2018, 8, 2),
        _day(2020, 4, 21),
        _day(2022, 9, 6),
        _day(2021, 3, 17),
    )
    for (name, district, scope), est in zip(COLLECTORS, established, strict=True):
        people = s.people(2)
        if name.endswith("服务部"):
            e = s.company(name, district, est, scope, ind.BUSINESS, 5, people[:1], type2="92")
        else:
            e = s.company(
                name,
                district,
                est,
                scope,
                ind.BUSINESS,
                (500, 100, 200, 0, 50)[len(collectors)],
                people,
            )
        collectors.append(e)
        owners.append(people)
    for e, day in ((collectors[1], _day(2025, 3, 12)), (collectors[2], _day(2025, 3, 26))):
        e.status, e.status_date, e.status_reason = "吊销", day, VIOLENT_REVOCATION
        e.approved = day
    unreachable = collectors[4]
    listed = _day(2024, 8, 19)
    unreachable.abnormal.append(
        Abnormal("通过登记的住所或者经营场所无法联系", listed, unreachable.authority)
    )

    successor = s.company(
        "连云港德信企业管理咨询有限公司",
        "320706",
        _day(2025, 5, 8),
        CONSULTING_SCOPE,
        ind.BUSINESS,
        100,
        owners[1][:1],
    )
    s.add(
        successor,
        CONSULTING,
        "法定代表人曾任因暴力催收被吊销的讨债公司法定代表人",
        collectors[1].credit_code,
    )
    successor = s.company(
        "连云港鼎盛商务信息咨询有限公司",
        "320707",
        _day(2025, 6, 16),
        CONSULTING_SCOPE,
        ind.BUSINESS,
        50,
        [owners[2][1], b.people.new()],
    )
    s.add(
        successor,
        CONSULTING,
        "法定代表人曾为因暴力催收被吊销的追债公司股东",
        collectors[2].credit_code,
    )

    notes = (
        "名称含“要账”",
        "名称含“讨债”；因暴力催收被吊销",
        "名称含“追债”；因暴力催收被吊销",
        "名称含“要账”（个体工商户）",
        "名称含“讨债”；列入经营异常名录",
    )
    for e, note in zip(collectors, notes, strict=True):
        s.add(e, UNLAWFUL_COLLECTOR, note)
    assert len(s.members) == SECTOR_SIZE
    return s.members
