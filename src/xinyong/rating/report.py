"""The back-test (`xinyong rating report`): grade distribution, and the demo's known actors checked
against what their grades should be."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from xinyong.errors import InvalidInput
from xinyong.rating.config import GRADES, default_scorecard
from xinyong.rating.service import colour_distribution, distribution, grades_for
from xinyong.sources.readers import read_manifest

LOW = ("CC", "C")
HIGH = ("AAA", "AA", "A")
NOT_ABOVE_B = ("B", "CCC", "CC", "C")
LAWFUL_ROLES = ("law_firm", "mediation", "auction", "account_management")


@dataclass
class Check:
    name_zh: str
    name_en: str
    expected: str
    subjects: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.subjects) and all(s["ok"] for s in self.subjects)


@dataclass
class BackTest:
    model_version: str
    rated: int
    grades: dict[str, int]
    colours: dict[str, int]
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.checks)

    def as_dict(self) -> dict[str, Any]:
        return {
            "model_version": self.model_version,
            "rated": self.rated,
            "grades": self.grades,
            "colours": self.colours,
            "ok": self.ok,
            "checks": [
                {
                    "name_zh": c.name_zh,
                    "name_en": c.name_en,
                    "expected": c.expected,
                    "ok": c.ok,
                    "subjects": c.subjects,
                }
                for c in self.checks
            ],
        }


def back_test(session: Session, folder: Path) -> BackTest:
    """Grades of the whole store, and the demo manifest's sector checked member by member."""
    manifest = read_manifest(folder)
    if not manifest.get("sector"):
        raise InvalidInput(
            f"{folder} 中没有演示数据清单 manifest.json（含 sector），无法回测",
            f"{folder} has no demo manifest.json with a sector: nothing to back-test against",
            field="manifest",
        )
    story_codes: dict[str, set[str]] = {}
    for r in manifest.get("sector_records", []):
        story_codes.setdefault(r["story"], set()).add(r["credit_code"])
    flagged = set().union(*story_codes.values()) if story_codes else set()
    sector = manifest["sector"]
    groups = [
        (
            Check(
                "因暴力催收被吊销的讨债公司", "collectors revoked for violent collection", "C/CC"
            ),
            [m for m in sector if m["role"] == "unlawful_collector" and m["status"] == "吊销"],
            LOW,
        ),
        (
            Check("失信被执行人服务机构", "agencies that are dishonest judgment debtors", "C/CC"),
            [m for m in sector if m["credit_code"] in story_codes.get("dishonest_agency", ())],
            LOW,
        ),
        (
            Check("名称含讨债、追债、要账的企业", "every 讨债/追债/要账-named enterprise", "C/CC"),
            [m for m in sector if m["role"] == "unlawful_collector"],
            LOW,
        ),
        (
            Check(
                "超范围从事债务催收被处罚的企业",
                "firms penalised for collecting debts beyond their scope",
                "B or worse",
            ),
            [m for m in sector if m["credit_code"] in story_codes.get("beyond_scope", ())],
            NOT_ABOVE_B,
        ),
        (
            Check(
                "合法且无不良记录的服务机构", "lawful agencies with a clean record", "A or better"
            ),
            [m for m in sector if m["role"] in LAWFUL_ROLES and m["credit_code"] not in flagged],
            HIGH,
        ),
    ]
    ratings = grades_for(session, [m["credit_code"] for m in sector])
    checks = []
    for check, members, wanted in groups:
        for m in members:
            r = ratings.get(m["credit_code"])
            check.subjects.append(
                {
                    "credit_code": m["credit_code"],
                    "name": m["name"],
                    "grade": r.grade if r else None,
                    "score": r.score if r else None,
                    "colour": r.colour if r else None,
                    "ok": r is not None and r.grade in wanted,
                }
            )
        checks.append(check)
    grades = distribution(session)
    return BackTest(
        model_version=default_scorecard().model_version,
        rated=sum(grades.values()),
        grades={g: grades[g] for g in GRADES},
        colours=colour_distribution(session),
        checks=checks,
    )
