"""Pydantic shapes of a verification: request, reasons with evidence, steps and the verdict."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, Field, model_validator

from xinyong.errors import InvalidInput

PASS, WARNING, FAIL = "通过", "警示", "不通过"
VERDICT_EN = {PASS: "pass", WARNING: "warning", FAIL: "fail"}
Outcome = Literal["fail", "warn", "info"]
StepName = Literal["identity", "qualification", "records"]


class VerificationRequest(BaseModel):
    """What a creditor types: a code, a name, or both (then they must match)."""

    code: str | None = Field(
        None, max_length=40, description="统一社会信用代码/注册号/组织机构代码"
    )
    name: str | None = Field(None, max_length=200, description="企业名称 / enterprise name")
    service: str | None = Field(
        None, max_length=40, description="核验的服务，默认 debt_recovery / service to check"
    )

    @model_validator(mode="after")
    def _code_or_name(self) -> VerificationRequest:
        self.code = (self.code or "").strip() or None
        self.name = (self.name or "").strip() or None
        if self.code is None and self.name is None:
            raise InvalidInput(
                "请填写统一社会信用代码或企业名称（至少一项）",
                "give a credit code or an enterprise name (at least one)",
                field="code",
            )
        return self


class Evidence(BaseModel):
    """One record a reason rests on, with where it came from and as of when."""

    record_type: str  # enterprise, dishonest_record, enforcement_case, penalty, abnormal_entry…
    record_id: int | str | None = None
    source: str | None = None
    source_record_id: str | None = None
    as_of: date | None = None
    fetched_at: datetime | None = None
    summary: str = ""


class Subject(BaseModel):
    """Whom a reason is about: the entity itself, or one of its people (always masked)."""

    role: Literal["entity", "legal_rep", "shareholder"]
    name: str
    id_number: str | None = None  # masked
    match_basis: str | None = None  # how a person's record was matched to them


class Reason(BaseModel):
    rule_id: str
    step: StepName
    outcome: Outcome
    message_zh: str
    message_en: str
    subject: Subject | None = None
    evidence: list[Evidence] = []


class StepResult(BaseModel):
    step: StepName
    title_zh: str
    title_en: str
    outcome: Literal["pass", "warn", "fail", "skipped"]
    reasons: list[Reason] = []


class EnterpriseBrief(BaseModel):
    credit_code: str
    name: str
    status: str
    legal_rep: str | None = None  # masked
    entity_class: str | None = None
    entity_class_zh: str | None = None


class DataAsOf(BaseModel):
    """How fresh the data behind the verdict is, per record table."""

    record_type: str
    source: str | None = None
    as_of: date | None = None
    fetched_at: datetime | None = None


class VerificationOut(BaseModel):
    id: str
    created_at: datetime
    verdict: Literal["通过", "警示", "不通过"]
    verdict_en: Literal["pass", "warning", "fail"]
    query: VerificationRequest
    service: str
    service_zh: str
    enterprise: EnterpriseBrief | None = None
    steps: list[StepResult]
    data_as_of: list[DataAsOf] = []
    rules_version: int
    rules_file: str
    digest: str | None = None
    url: str | None = None

    @property
    def reasons(self) -> list[Reason]:
        return [r for s in self.steps for r in s.reasons]


class BatchProblem(BaseModel):
    """A row of an uploaded file that could not be verified, and what was expected."""

    row: int
    field: str | None = None
    value: str | None = None
    message_zh: str
    message_en: str


class BatchRow(BaseModel):
    row: int
    code: str | None = None
    name: str | None = None
    verification_id: str | None = None
    credit_code: str | None = None
    enterprise_name: str | None = None
    verdict: str | None = None
    verdict_en: str | None = None
    reasons_zh: str = ""
    reasons_en: str = ""
    problem: BatchProblem | None = None


class BatchOut(BaseModel):
    file: str
    rows: list[BatchRow]
    problems: list[BatchProblem]
    counts: dict[str, int]
