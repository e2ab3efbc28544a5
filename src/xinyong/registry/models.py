"""Registry tables (the GSXT part): enterprises, shareholders, licences, abnormal-operation entries."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from sqlalchemy import JSON, BigInteger, Date, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.sources.provenance import Closable, Provenance

_ID = BigInteger().with_variant(Integer, "sqlite")


class Enterprise(Provenance, Base):
    """An enterprise or other registered entity, as the registry last told us."""

    __tablename__ = "enterprise"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), unique=True)  # 统一社会信用代码
    reg_no: Mapped[str | None] = mapped_column(String(15), index=True)  # 注册号 (legacy)
    org_code: Mapped[str | None] = mapped_column(String(9), index=True)  # 组织机构代码
    name: Mapped[str] = mapped_column(String(200), index=True)
    former_names: Mapped[list[str]] = mapped_column(JSON, default=list)  # 曾用名
    legal_rep: Mapped[str | None] = mapped_column(String(100))  # 法定代表人 (indexed below)
    entity_type: Mapped[str | None] = mapped_column(String(100))
    registered_capital_fen: Mapped[int | None] = mapped_column(BigInteger)
    capital_currency: Mapped[str | None] = mapped_column(String(20))
    established_on: Mapped[date | None] = mapped_column(Date)
    term_from: Mapped[date | None] = mapped_column(Date)
    term_to: Mapped[date | None] = mapped_column(Date)
    registration_authority: Mapped[str | None] = mapped_column(String(200))
    approved_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(10), index=True)  # 存续/在业/吊销/注销/迁出
    status_date: Mapped[date | None] = mapped_column(Date)
    status_reason: Mapped[str | None] = mapped_column(Text)
    address: Mapped[str | None] = mapped_column(String(500))
    division_code: Mapped[str | None] = mapped_column(String(6), index=True)
    business_scope: Mapped[str | None] = mapped_column(Text)  # 经营范围
    industry: Mapped[str | None] = mapped_column(String(100))


class Shareholder(Provenance, Closable, Base):
    """A shareholder (股东) and its contribution; linked to the enterprise by credit code."""

    __tablename__ = "shareholder"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(200))  # indexed below
    kind: Mapped[str | None] = mapped_column(String(20))
    id_type: Mapped[str | None] = mapped_column(String(40))
    id_number: Mapped[str | None] = mapped_column(String(40), index=True)
    subscribed_fen: Mapped[int | None] = mapped_column(BigInteger)
    share_percent: Mapped[Decimal | None] = mapped_column(Numeric(9, 4))
    subscribed_on: Mapped[date | None] = mapped_column(Date)


# Where a person is legal representative, and where a natural-person shareholder now: the
# related-enterprises walk asks this of every name it follows. Indexes holding the credit code
# (and the shareholder's kind and end) answer it without reading a row: at a million
# enterprises each row read was a page SQLite's cache seldom held (migration 0024).
Index("ix_enterprise_legal_rep", Enterprise.legal_rep, Enterprise.credit_code)
# The search page's industry filter lists the industries the registry holds, found by stepping
# through this index (registry.service.industries; migration 0025).
Index("ix_enterprise_industry", Enterprise.industry)
Index(
    "ix_shareholder_name",
    Shareholder.name,
    Shareholder.kind,
    Shareholder.ended_on,
    Shareholder.credit_code,
)


class Licence(Provenance, Closable, Base):
    """A licence or filing (行政许可/行业备案)."""

    __tablename__ = "licence"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    kind: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(200))
    number: Mapped[str | None] = mapped_column(String(100))
    issuer: Mapped[str | None] = mapped_column(String(200))
    valid_from: Mapped[date | None] = mapped_column(Date)
    valid_to: Mapped[date | None] = mapped_column(Date)
    content: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10))


class AbnormalEntry(Provenance, Closable, Base):
    """An entry in the abnormal-operation list (经营异常名录); removal keeps the entry."""

    __tablename__ = "abnormal_entry"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    credit_code: Mapped[str] = mapped_column(String(18), index=True)
    reason: Mapped[str] = mapped_column(Text)
    listed_on: Mapped[date] = mapped_column(Date)
    listed_by: Mapped[str | None] = mapped_column(String(200))
    removal_reason: Mapped[str | None] = mapped_column(Text)
    removed_on: Mapped[date | None] = mapped_column(Date)
    removed_by: Mapped[str | None] = mapped_column(String(200))
