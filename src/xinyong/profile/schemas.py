"""Public shapes of the related-enterprise (周边风险) section of a profile."""

from __future__ import annotations

from datetime import date

from pydantic import BaseModel, Field


class RelationLink(BaseModel):
    """One way a related enterprise is tied to the one it was reached from."""

    kind: str = Field(description="person（同一自然人）/ ownership（持股关系）")
    through_code: str = Field(description="由此企业关联而来 / reached from this enterprise")
    through_name: str
    person: str | None = Field(None, description="共同的自然人姓名 / the shared person's name")
    role_through: str = Field(description="在来源企业的身份 / role in the enterprise reached from")
    role_related: str = Field(description="在关联企业的身份 / role in the related enterprise")
    basis: str = Field(description="认定依据 / what the link rests on")


class RecordCounts(BaseModel):
    dishonest: int = 0  # 失信被执行人 entries in force
    enforcement: int = 0  # open 被执行人 cases
    penalties: int = 0  # administrative penalties in the look-back years
    abnormal: int = 0  # open abnormal-operation entries


class RelatedEnterprise(BaseModel):
    credit_code: str
    name: str
    status: str
    status_date: date | None
    status_reason: str | None
    legal_rep: str | None
    hops: int = Field(description="1 = 直接关联, 2 = 间接关联 / one or two links away")
    via: list[RelationLink]
    records: RecordCounts
    risks: list[str]


class CommonName(BaseModel):
    """A name too common to follow: many enterprises carry it, likely different people."""

    name: str
    # At least this many: the larger of its counts as legal representative and as shareholder.
    enterprises: int


class RelatedEnterprises(BaseModel):
    credit_code: str
    hops: int
    items: list[RelatedEnterprise]
    common_names: list[CommonName]
    penalty_years: int
    computed_on: date
    note: str = (
        "国家企业信用信息公示系统仅公示自然人姓名，关联按姓名相同认定，可能存在同名不同人；"
        "过于常见的姓名不予关联。/ GSXT publishes people by name only: links rest on equal names "
        "and may join different people who share one; very common names are not followed."
    )
