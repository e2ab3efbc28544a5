"""Building reasons and evidence: one place that turns a finding and its records into a Reason."""

from __future__ import annotations

from typing import Any

from xinyong.codes import mask_person_name
from xinyong.enforcement.models import EnforcementCase
from xinyong.sources.layouts_judicial import PERSON
from xinyong.verification.rules import Rules
from xinyong.verification.schemas import Evidence, Reason, StepName, Subject

_SUMMARY_FIELDS = {
    "enterprise": ("name", "status"),
    "dishonest_record": ("case_number", "court", "published_on"),
    "enforcement_case": ("case_number", "court", "filed_on", "case_status"),
    "penalty": ("decision_number", "authority", "decided_on"),
    "abnormal_entry": ("reason", "listed_on"),
    "licence": ("title", "number", "valid_to"),
}


# What evidence() reads of a record besides its summary fields.
_PROVENANCE = (
    "id",
    "source",
    "source_record_id",
    "party_name",
    "party_kind",
    "as_of",
    "fetched_at",
)


def evidence_columns(table: Any, record_type: str, *used: str) -> list[Any]:
    """The columns of `table` that evidence() reads of a `record_type` record, and those the
    caller reads itself (`used`): a check selects only these. Its statements run for every
    verification, most finding nothing, and the driver describes each column of each result
    whether rows come or not (bench/RESULTS.md, load: 310 -> 172 columns a verification, 2-6%
    of the app's CPU on PostgreSQL)."""
    names = dict.fromkeys((*_PROVENANCE, *_SUMMARY_FIELDS.get(record_type, ()), *used))
    return [table.c[name] for name in names if name in table.c]


def evidence(record_type: str, row: Any, summary: str | None = None) -> Evidence:
    """Evidence from an ORM object or a row mapping, carrying its provenance."""

    def get(key: str) -> Any:
        return row.get(key) if isinstance(row, dict) else getattr(row, key, None)

    if summary is None:
        parts = [get(f) for f in _SUMMARY_FIELDS.get(record_type, ())]
        summary = " · ".join(str(p) for p in parts if p)
    record_key = get("source_record_id")
    party = get("party_name")
    if record_key and party and get("party_kind") == PERSON:
        # Upstream keys of person records embed the person's name (案号|姓名): mask it too.
        record_key = record_key.replace(party, mask_person_name(party))
    return Evidence(
        record_type=record_type,
        record_id=get("id"),
        source=get("source"),
        source_record_id=record_key,
        as_of=get("as_of"),
        fetched_at=get("fetched_at"),
        summary=summary,
    )


class Findings:
    """The reasons of one step, each given the outcome the rules assign to its rule id."""

    def __init__(self, rules: Rules, step: StepName) -> None:
        self.rules = rules
        self.step = step
        self.reasons: list[Reason] = []

    def add(
        self,
        rule_id: str,
        message_zh: str,
        message_en: str,
        evidence: list[Evidence] | None = None,
        subject: Subject | None = None,
    ) -> Reason:
        reason = Reason(
            rule_id=rule_id,
            step=self.step,
            outcome=self.rules.outcomes[rule_id],
            message_zh=message_zh,
            message_en=message_en,
            subject=subject,
            evidence=evidence or [],
        )
        self.reasons.append(reason)
        return reason

    @property
    def outcome(self) -> str:
        outcomes = {r.outcome for r in self.reasons}
        return "fail" if "fail" in outcomes else "warn" if "warn" in outcomes else "pass"


# A case in one of these states no longer binds the debtor; 终结本次执行 does: the debt is
# unpaid and the case resumes when assets are found.
CLOSED_CASE_STATUSES = frozenset({"已结案", "终结执行", "执行完毕", "销案", "不予执行", "驳回申请"})


# What open_case() reads besides the case's summary fields (case_status among them).
OPEN_CASE_FIELDS = ("ended_on", "case_closed_on")


def open_case(case: EnforcementCase) -> bool:
    """Whether a 被执行人 case still binds its party."""
    return (
        case.ended_on is None
        and case.case_closed_on is None
        and case.case_status not in CLOSED_CASE_STATUSES
    )
