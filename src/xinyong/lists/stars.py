"""Star certification (星级认证) and the recommended agencies (推荐服务机构), computed from the
published criteria in stars.yaml: the grade, the black list, the SLA record, the fee schedule
and the contract template — never typed in."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from xinyong.agencies.models import Agency
from xinyong.agencies.rules import FeeRules
from xinyong.agencies.rules import default_rules as fee_rules
from xinyong.agencies.schedule import FeeSchedule
from xinyong.agencies.service import in_force, schedule_versions
from xinyong.agencies.validation import compliance_problems
from xinyong.errors import InvalidInput
from xinyong.lists.clock import local_date, resolve
from xinyong.lists.models import ListEntry
from xinyong.rating.config import GRADES
from xinyong.rating.service import grades_for, rate_unrated
from xinyong.rating.signals import ServiceRecord, service_records
from xinyong.registry.models import Enterprise
from xinyong.verification.schemas import VERDICT_EN
from xinyong.verification.service import standing_verdicts

STARS_FILE = Path(__file__).parent / "stars.yaml"
MAX_STARS = 5


class StarsConfigInvalid(InvalidInput):
    code = "stars_config_invalid"
    title_zh = "星级认证标准配置无效"
    title_en = "Invalid star criteria"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Eligibility(_Strict):
    min_grade: str
    no_black_list: bool = True
    # The three-step verification (for the default service) must not fail.
    passes_verification: bool = True
    active_status: list[str]


class Criterion(_Strict):
    zh: str
    en: str
    min_grade: str | None = None
    min_complaints_in_time: Decimal | None = None
    min_first_reports_on_time: Decimal | None = None


class StarCriteria(_Strict):
    version: int
    title_zh: str
    title_en: str
    eligibility: Eligibility
    criteria: dict[str, Criterion]
    recommended_min_stars: int


def load_criteria(path: Path | None = None) -> StarCriteria:
    path = path or STARS_FILE
    try:
        out = StarCriteria.model_validate(yaml.safe_load(path.read_text(encoding="utf-8")))
    except (ValidationError, yaml.YAMLError) as exc:
        raise StarsConfigInvalid(
            f"星级标准 {path.name} 无效：{exc}", f"star criteria {path.name} are invalid: {exc}"
        ) from exc
    known = {"high_grade", "fee_schedule", "contract_template", "sla_record"}
    if set(out.criteria) != known or len(out.criteria) + 1 != MAX_STARS:
        raise StarsConfigInvalid(
            f"星级标准应恰好包含 {'、'.join(sorted(known))}",
            f"star criteria must be exactly {', '.join(sorted(known))}",
        )
    return out


@lru_cache
def default_criteria() -> StarCriteria:
    return load_criteria()


@dataclass
class Met:
    key: str
    zh: str
    en: str
    met: bool | None  # None: no record to judge by (counts as not met, and says so)
    detail_zh: str = ""
    detail_en: str = ""


@dataclass
class Certification:
    credit_code: str
    name: str
    stars: int  # 0: not certified
    grade: str | None
    score: int | None
    recommended: bool
    criteria_version: int
    checks: list[Met] = field(default_factory=list)  # the conditions first, then the stars'
    conditions: int = 0  # how many of `checks` are conditions (together, the first star)

    def as_dict(self) -> dict[str, Any]:
        return {
            "credit_code": self.credit_code,
            "name": self.name,
            "stars": self.stars,
            "grade": self.grade,
            "score": self.score,
            "recommended": self.recommended,
            "criteria_version": self.criteria_version,
            "checks": [m.__dict__ for m in self.checks],
        }


def _at_least(grade: str | None, floor: str) -> bool:
    return grade is not None and GRADES.index(grade) <= GRADES.index(floor)


def _template_basis(record: ServiceRecord | None, rules: FeeRules) -> tuple[str, str]:
    """What the contract-template criterion was judged by, in words."""
    if record is None or record.contract_template_adopted is None:
        return "暂无记录", "no record"
    if record.contracts_short:
        n = record.contracts_short
        return (
            f"{n} 份委托合同缺少范本必备条款",
            f"{n} entrustment contracts lack the model's mandatory clauses",
        )
    if record.contracts_reviewed:
        n = record.contracts_reviewed
        return (
            f"{n} 份委托合同经审查含范本全部必备条款",
            f"{n} entrustment contracts reviewed hold all the model's mandatory clauses",
        )
    code = record.template_declared
    if code is None:
        return "", ""
    template = rules.contract_templates.get(code)
    zh, en = (template.title_zh, template.title_en) if template else (code, code)
    return f"现行收费标准声明采用《{zh}》", f"the schedule in force declares the {en}"


def _sla(c: Criterion, record: ServiceRecord | None) -> Met:
    base = ("sla_record", c.zh, c.en)
    if record is None or (record.complaints == 0 and record.first_reports_due == 0):
        return Met(*base, None, "暂无办案记录", "no case-handling record yet")
    # Only complaints answered or whose 48 hours ran out count: one filed an hour ago is
    # neither in time nor late. Each of those was answered in time or breached (late or not at all).
    decided = record.answered_in_time + record.breached
    if decided == 0 and record.first_reports_due == 0:
        return Met(
            *base,
            None,
            "暂无到期的投诉或首份报告（投诉仍在 48 小时答复期内）",
            "no complaint or first report has fallen due yet (complaints are within their 48 hours)",
        )
    in_time = Decimal(record.answered_in_time) / decided if decided else None
    on_time = (
        Decimal(record.first_reports_on_time) / record.first_reports_due
        if record.first_reports_due
        else None
    )
    ok = (in_time is None or in_time >= c.min_complaints_in_time) and (
        on_time is None or on_time >= c.min_first_reports_on_time
    )
    pct = lambda x: "-" if x is None else f"{x * 100:.0f}%"  # noqa: E731
    return Met(
        *base,
        ok,
        f"投诉按时答复 {pct(in_time)}，首份报告按时 {pct(on_time)}",
        f"complaints answered in time {pct(in_time)}, first reports on time {pct(on_time)}",
    )


def certify(
    session: Session,
    codes: list[str] | None = None,
    now: datetime | None = None,
    criteria: StarCriteria | None = None,
    verdicts: dict[str, str] | None = None,
) -> list[Certification]:
    """Stars for the agencies in the directory (or these codes), best first. `verdicts`: the
    standing verification's verdict (通过/警示/不通过) of each agency the registry knows, when
    the caller has worked them out already (`standing_verdicts`); else they are worked out."""
    criteria = criteria or default_criteria()
    now = resolve(now)
    today = local_date(now)
    query = select(Agency.credit_code, Agency.name)
    if codes is not None:
        query = query.where(Agency.credit_code.in_(codes))
    agencies = dict(session.execute(query).all())
    if not agencies:
        return []
    wanted = list(agencies)
    ratings = grades_for(session, wanted)
    missing = [c for c in wanted if c not in ratings]
    if missing:  # rated on first need, like the rating API
        ratings |= rate_unrated(session, missing, now)
    status = dict(
        session.execute(
            select(Enterprise.credit_code, Enterprise.status).where(
                Enterprise.credit_code.in_(wanted)
            )
        ).all()
    )
    black = set(
        session.scalars(
            select(ListEntry.credit_code).where(
                ListEntry.credit_code.in_(wanted),
                ListEntry.list_type == "black",
                ListEntry.state == "published",
                ListEntry.publicity_start <= today,
                ListEntry.publicity_end > today,
            )
        )
    )
    schedules = schedule_versions(session, wanted)
    kinds = dict(session.execute(select(Agency.credit_code, Agency.kind)).all())
    records = service_records(session, wanted, now)
    if not criteria.eligibility.passes_verification:
        verdicts = {}
    elif verdicts is None:
        verdicts = {c: out.verdict for c, out in standing_verdicts(session, wanted, now).items()}
    rules = fee_rules()
    out = []
    el = criteria.eligibility
    for code, name in agencies.items():
        r = ratings.get(code)
        grade = r.grade if r else None
        checks = [
            Met(
                "eligible_grade",
                f"信用评级不低于 {el.min_grade}",
                f"credit rating {el.min_grade} or better",
                _at_least(grade, el.min_grade),
                f"当前评级 {grade or '未评级'}",
                f"current grade {grade or 'not rated'}",
            ),
            Met(
                "no_black_list",
                "不在失信惩戒名单（黑名单）公示期内",
                "not on the official black list",
                code not in black,
            ),
            Met(
                "active",
                "登记状态为存续或在业",
                "registration active (存续/在业)",
                status.get(code) in el.active_status,
                f"登记状态 {status.get(code) or '未登记'}",
                f"status {status.get(code) or 'not registered'}",
            ),
        ]
        if el.passes_verification:
            verdict = verdicts.get(code)
            checks.append(
                Met(
                    "verified",
                    "三步核验结论为通过或警示",
                    "the three-step verification passed (with or without warnings)",
                    None if verdict is None else verdict != "不通过",
                    f"核验结论 {verdict}" if verdict else "企业登记信息中无此机构，未能核验",
                    f"verdict {VERDICT_EN[verdict]}"
                    if verdict
                    else "not in the registry: not verified",
                )
            )
        eligible = all(m.met for m in checks)
        c = criteria.criteria
        row = in_force(schedules.get(code, []), today)
        compliant = row is not None and not compliance_problems(
            FeeSchedule.model_validate(row.schedule), kinds.get(code, ""), rules
        )
        record = records.get(code)
        adopted = record.contract_template_adopted if record else None
        extra = [
            Met("high_grade", c["high_grade"].zh, c["high_grade"].en,
                _at_least(grade, c["high_grade"].min_grade or "AA")),
            Met("fee_schedule", c["fee_schedule"].zh, c["fee_schedule"].en, compliant,
                f"第 {row.version} 版" if row else "未公布", f"version {row.version}" if row else
                "none published"),
            Met("contract_template", c["contract_template"].zh, c["contract_template"].en, adopted,
                *_template_basis(record, rules)),
            _sla(c["sla_record"], record),
        ]  # fmt: skip
        stars = (1 + sum(1 for m in extra if m.met)) if eligible else 0
        out.append(
            Certification(
                credit_code=code,
                name=name,
                stars=stars,
                grade=grade,
                score=r.score if r else None,
                recommended=stars >= criteria.recommended_min_stars,
                criteria_version=criteria.version,
                checks=checks + extra,
                conditions=len(checks),
            )
        )
    out.sort(key=lambda x: (-x.stars, -(x.score or 0), x.name))
    return out


def recommended(session: Session, now: datetime | None = None) -> list[Certification]:
    """推荐服务机构: the agencies whose stars reach the published threshold."""
    return [c for c in certify(session, now=now) if c.recommended]


def standing_provider(
    session: Session, codes: list[str], verdicts: dict[str, str] | None = None
) -> dict[str, dict[str, Any]]:
    """Each agency's stars (None when not certified), as the agency directory's standing shows
    them (given `verdicts`, as for `certify`)."""
    return {
        c.credit_code: {"stars": c.stars or None}
        for c in certify(session, codes, verdicts=verdicts)
    }
