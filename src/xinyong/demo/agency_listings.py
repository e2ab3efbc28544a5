"""Demo agency directory and fee schedules for the debt-service sector, some breaking the rules."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path
from typing import Any

from xinyong.agencies.importer import AGENCY_PROFILES, FEE_SCHEDULES
from xinyong.demo.places import CITY_DIVISION
from xinyong.demo.sector import (
    ACCOUNT_MANAGEMENT,
    AUCTION,
    CONSULTING,
    LAW_FIRM,
    MEDIATION,
    UNLAWFUL_COLLECTOR,
    Member,
)

AGENCY_FILE = "agencies.csv"
SCHEDULE_FILE = "fee_schedules.csv"

SERVICES = {
    LAW_FIRM: "诉讼代理；非诉讼清收；支付令申请；执行代理；法律咨询",
    MEDIATION: "纠纷调解",
    AUCTION: "司法拍卖辅助",
    ACCOUNT_MANAGEMENT: "商账管理；非诉讼清收；资信调查",
    CONSULTING: "非诉讼清收；法律咨询",
    UNLAWFUL_COLLECTOR: "非诉讼清收",
}
KIND = {
    LAW_FIRM: "律师事务所",
    MEDIATION: "调解组织",
    AUCTION: "司法拍卖辅助机构",
    ACCOUNT_MANAGEMENT: "商账管理机构",
    CONSULTING: "咨询公司",
    UNLAWFUL_COLLECTOR: "咨询公司",  # how such firms present themselves
}

ACTUAL = {"policy": "actual"}
PERSONAL_HOURLY = {
    "min_rate": "200",
    "max_rate": "500",
    "applies_to_zh": "个人债务",
    "applies_to_en": "personal debts",
}


def bands(*edges_and_rates: Any) -> list[dict[str, Any]]:
    """bands(30, 50000, 20) → 0–50,000 at 30%, above 50,000 at 20%."""
    rates, edges = edges_and_rates[::2], edges_and_rates[1::2]
    bounds = [0, *edges, None]
    return [
        {"from": str(lo), "to": None if hi is None else str(hi), "rate": str(rate)}
        for lo, hi, rate in zip(bounds, bounds[1:], rates, strict=False)
    ]


def commission(method: str, *scale: Any, contingency: bool = True, basis: str = "recovered"):
    return {"method": method, "basis": basis, "contingency": contingency, "bands": bands(*scale)}


LAWYER_CAP = commission("marginal", 18, 1000000, 15, 5000000, 12, 10000000, 9, 50000000, 6)
LAWYER_LOWER = commission("marginal", 15, 1000000, 12, 5000000, 10, 10000000, 8, 50000000, 5)
LAWYER_BASE = commission("marginal", 10, 1000000, 8, 5000000, 6)
# The article's example, read marginally: 30% breaks the 18% cap for a law firm.
ARTICLE_MARGINAL = commission("marginal", 30, 50000, 20)
# The article's text as written: nothing said between 50,000 and 100,000 — a gap.
ARTICLE_LITERAL = {
    "method": "marginal",
    "bands": [
        {"from": "0", "to": "50000", "rate": "30"},
        {"from": "100000", "to": None, "rate": "20"},
    ],
}


def _law_firm(i: int, name: str) -> list[dict[str, Any]]:
    if name == "江苏田湾律师事务所":  # the lawful firm the article names: clean and clear,
        return [  # and on the platform's model agreement
            {
                "title": "债权清收法律服务收费标准",
                "contract_template": "debt_entrustment",
                "commission": LAWYER_LOWER,
                "hourly": PERSONAL_HOURLY,
                "minimum_fee": "3000",
                "expenses": ACTUAL,
            }
        ]
    if i == 3:  # publishes the article's scale: breaks the cap, so it is not listed
        return [{"title": "风险代理收费", "commission": ARTICLE_MARGINAL, "expenses": ACTUAL}]
    if i == 5:  # version 1 broke the cap; version 2 corrected it
        return [
            {"title": "风险代理收费（旧）", "commission": commission("marginal", 25, 200000, 18)},
            {
                "title": "风险代理收费（2026 年修订）",
                "commission": LAWYER_CAP,
                "expenses": {"policy": "capped", "cap": "5000"},
            },
        ]
    if i == 8:  # the article's literal text: rejected by the connector for its gap
        return [{"title": "清收收费", "commission": ARTICLE_LITERAL}]
    if i % 3 == 0:
        return [
            {
                "title": "基础收费加风险代理",
                "contract_template": "legal_services",
                "commission": LAWYER_BASE,
                "fixed_fees": [
                    {
                        "name_zh": "基础代理费",
                        "name_en": "base fee",
                        "amount": "5000",
                        "upfront": True,
                    }
                ],
                "expenses": ACTUAL,
            }
        ]
    if i % 3 == 1:
        return [
            {
                "title": "计时收费",
                "hourly": {"min_rate": "300", "max_rate": "1200"},
                "minimum_fee": "2000",
                "expenses": ACTUAL,
            }
        ]
    return [{"title": "风险代理收费", "commission": LAWYER_CAP, "expenses": ACTUAL}]


def _mediation(i: int) -> list[dict[str, Any]]:
    if i == 1:  # whole-amount scale: the fee falls just above each edge (a warning)
        scale = commission("whole_amount", 4, 100000, 3, 1000000, 2)
    else:
        scale = commission("marginal", 3, 100000, 2, 1000000, 1)
    return [
        {
            "title": "调解服务收费",
            "contract_template": "debt_entrustment",
            "commission": scale,
            "minimum_fee": "500",
            "maximum_fee": "50000",
            "expenses": {"policy": "included"},
        }
    ]


def _auction(i: int) -> list[dict[str, Any]]:
    return [
        {
            "title": "拍卖佣金",
            "commission": commission(
                "marginal", 5, 2000000, 3, 10000000, 1, contingency=False, basis="recovered"
            ),
            "fixed_fees": [{"name_zh": "公告费", "name_en": "notice fee", "amount": "800"}],
            "expenses": ACTUAL,
        }
    ]


def _account(i: int) -> list[dict[str, Any]]:
    if i == 2:  # an upfront fee the debt-entrustment template forbids
        return [
            {
                "title": "商账清收收费",
                "contract_template": "debt_entrustment",
                "commission": commission("marginal", 25, 100000, 18, 1000000, 12),
                "fixed_fees": [
                    {
                        "name_zh": "前期调查费",
                        "name_en": "investigation fee",
                        "amount": "2000",
                        "upfront": True,
                    }
                ],
                "expenses": ACTUAL,
            }
        ]
    if i == 4:  # overlapping bands: rejected by the connector
        return [
            {
                "title": "商账清收收费",
                "commission": {
                    "method": "marginal",
                    "bands": [
                        {"from": "0", "to": "100000", "rate": "25"},
                        {"from": "80000", "to": None, "rate": "15"},
                    ],
                },
            }
        ]
    if i == 6:  # a rate above 100%: rejected by the connector
        return [{"title": "清收收费", "commission": commission("marginal", 120, 10000, 30)}]
    if i % 2:
        scale = commission("whole_amount", 30, 50000, 25, 200000, 20)
    else:
        scale = commission("marginal", 30, 50000, 20)  # the article's scale, lawful here
    return [
        {
            "title": "商账清收收费",
            "contract_template": "debt_entrustment",
            "commission": scale,
            "minimum_fee": "1000",
            "expenses": ACTUAL,
        }
    ]


def _collector() -> list[dict[str, Any]]:
    return [
        {
            "title": "要账收费",
            "commission": commission("whole_amount", 50, 100000, 40),
            "fixed_fees": [
                {"name_zh": "出车费", "name_en": "call-out fee", "amount": "3000", "upfront": True}
            ],
        }
    ]


def _phone(n: int) -> str:
    return f"0518-85{(n * 7919) % 1000000:06d}"


def write_agency_files(out_dir: Path, sector: list[Member], as_of: date) -> dict[str, Any]:
    """Write agencies.csv and fee_schedules.csv for the sector; return what they hold."""
    agencies: list[dict[str, str]] = []
    schedules: list[dict[str, str]] = []
    counters: dict[str, int] = {}
    consulting_seen = 0
    for n, member in enumerate(sector):
        e, role = member.enterprise, member.role
        i = counters.get(role, 0)
        counters[role] = i + 1
        if role == LAW_FIRM:
            versions = _law_firm(i, e.name)
        elif role == MEDIATION:
            versions = _mediation(i)
        elif role == AUCTION:
            versions = _auction(i)
        elif role == ACCOUNT_MANAGEMENT:
            versions = _account(i)
        elif role == UNLAWFUL_COLLECTOR and i < 2:
            versions = _collector()
        elif role == CONSULTING and "咨询" in e.name and consulting_seen < 2 and member.note:
            consulting_seen += 1
            versions = [
                {
                    "title": "清收服务收费",
                    "commission": commission("marginal", 35, 100000, 30),
                    "fixed_fees": [
                        {
                            "name_zh": "咨询费",
                            "name_en": "consultation",
                            "amount": "1500",
                            "upfront": True,
                        }
                    ],
                }
            ]
        else:
            continue
        regions = [e.division] if role in (CONSULTING, UNLAWFUL_COLLECTOR) else [CITY_DIVISION]
        agencies.append(
            {
                "credit_code": e.credit_code,
                "name": e.name,
                "kind": KIND[role],
                "services": SERVICES[role],
                "regions": "；".join(regions),
                "phone": _phone(n + 1),
                "address": e.address,
                "website": "",
                "description": member.note,
                "as_of": as_of.isoformat(),
            }
        )
        for v, doc in enumerate(versions, start=1):
            doc = dict(doc)
            title = doc.pop("title")
            last = v == len(versions)
            schedules.append(
                {
                    "credit_code": e.credit_code,
                    "version": str(v),
                    "effective_from": "2024-01-01" if v == 1 else "2026-01-01",
                    "effective_to": "" if last else "2025-12-31",
                    "title": title,
                    "schedule": json.dumps(doc, ensure_ascii=False, separators=(",", ":")),
                    "as_of": as_of.isoformat(),
                }
            )
    for name, layout, rows in (
        (AGENCY_FILE, AGENCY_PROFILES, agencies),
        (SCHEDULE_FILE, FEE_SCHEDULES, schedules),
    ):
        with open(out_dir / name, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh, lineterminator="\n")
            writer.writerow(layout.headers)
            writer.writerows([[row.get(fl.key, "") for fl in layout.fields] for row in rows])
    return {"files": {AGENCY_FILE: len(agencies), SCHEDULE_FILE: len(schedules)}}
