"""Enforcement tables: 被执行人 cases and 失信被执行人 records, linked to enterprises when we can tell."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.sources.linking import Linked
from xinyong.sources.provenance import Closable, Provenance

_ID = BigInteger().with_variant(Integer, "sqlite")


class EnforcementCase(Provenance, Linked, Closable, Base):
    """A party under enforcement in one case (被执行人); zxgk drops it when the case ends."""

    __tablename__ = "enforcement_case"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    case_number: Mapped[str] = mapped_column(String(100), index=True)  # 案号
    party_name: Mapped[str] = mapped_column(String(200))  # 被执行人姓名/名称
    party_kind: Mapped[str] = mapped_column(String(12))  # person / organisation
    # 身份证号码/组织机构代码: an organisation's code, or a person's ID only ever masked.
    party_id: Mapped[str | None] = mapped_column(String(40))
    court: Mapped[str] = mapped_column(String(200))  # 执行法院
    filed_on: Mapped[date] = mapped_column(Date)  # 立案时间
    amount_fen: Mapped[int | None] = mapped_column(BigInteger)  # 执行标的
    case_status: Mapped[str | None] = mapped_column(String(20))  # 案件状态
    case_closed_on: Mapped[date | None] = mapped_column(Date)  # 结案日期


class DishonestRecord(Provenance, Linked, Closable, Base):
    """A dishonest judgment debtor entry (失信被执行人); when it ends it is closed, not deleted."""

    __tablename__ = "dishonest_record"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    party_name: Mapped[str] = mapped_column(String(200))  # 被执行人姓名/名称
    party_type: Mapped[str | None] = mapped_column(String(20))  # 主体类型 as published
    party_kind: Mapped[str] = mapped_column(String(12))  # person / organisation
    party_id: Mapped[str | None] = mapped_column(String(40))  # masked for persons
    legal_rep: Mapped[str | None] = mapped_column(String(100))  # 法定代表人或者负责人姓名
    province: Mapped[str | None] = mapped_column(String(20))  # 省份
    court: Mapped[str] = mapped_column(String(200))  # 执行法院
    case_number: Mapped[str] = mapped_column(String(100), index=True)  # 案号
    filed_on: Mapped[date | None] = mapped_column(Date)  # 立案时间
    published_on: Mapped[date] = mapped_column(Date)  # 发布时间
    basis_number: Mapped[str | None] = mapped_column(String(200))  # 执行依据文号
    basis_issuer: Mapped[str | None] = mapped_column(String(200))  # 做出执行依据单位
    obligation: Mapped[str | None] = mapped_column(Text)  # 生效法律文书确定的义务
    performance: Mapped[str | None] = mapped_column(String(20))  # 被执行人的履行情况
    performed_part: Mapped[str | None] = mapped_column(Text)  # 已履行部分
    unperformed_part: Mapped[str | None] = mapped_column(Text)  # 未履行部分
    conduct: Mapped[str | None] = mapped_column(Text)  # 失信被执行人行为具体情形
