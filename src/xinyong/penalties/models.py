"""The administrative penalty table (行政处罚), linked to enterprises when we can tell."""

from __future__ import annotations

from datetime import date

from sqlalchemy import BigInteger, Date, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from xinyong.db import Base
from xinyong.sources.linking import Linked
from xinyong.sources.provenance import Closable, Provenance

_ID = BigInteger().with_variant(Integer, "sqlite")


class Penalty(Provenance, Linked, Closable, Base):
    """One penalty decision against one party, in the 双公示 data items.

    Natural persons' ID numbers are never published in full and never stored in full here.
    `ended_on` is set when the publication ends (公示截止期 passed, credit repair).
    """

    __tablename__ = "penalty"

    id: Mapped[int] = mapped_column(_ID, primary_key=True)
    party_name: Mapped[str] = mapped_column(String(200))  # 行政相对人名称
    party_category: Mapped[str] = mapped_column(String(20))  # 行政相对人类别
    party_kind: Mapped[str] = mapped_column(String(12))  # person / organisation
    party_credit_code: Mapped[str | None] = mapped_column(String(18))  # 统一社会信用代码
    party_reg_no: Mapped[str | None] = mapped_column(String(40))  # 工商注册号
    party_org_code: Mapped[str | None] = mapped_column(String(20))  # 组织机构代码
    party_tax_no: Mapped[str | None] = mapped_column(String(40))  # 税务登记号
    party_institution_no: Mapped[str | None] = mapped_column(String(40))  # 事业单位证书号
    party_social_org_no: Mapped[str | None] = mapped_column(String(40))  # 社会组织登记证号
    legal_rep: Mapped[str | None] = mapped_column(String(100))  # 法定代表人
    legal_rep_id_type: Mapped[str | None] = mapped_column(String(40))
    legal_rep_id_number: Mapped[str | None] = mapped_column(String(40))  # masked
    party_id_type: Mapped[str | None] = mapped_column(String(40))  # 证件类型
    party_id_number: Mapped[str | None] = mapped_column(String(40))  # 证件号码, masked
    decision_number: Mapped[str] = mapped_column(String(200), index=True)  # 行政处罚决定书文号
    violation_type: Mapped[str | None] = mapped_column(Text)  # 违法行为类型
    facts: Mapped[str | None] = mapped_column(Text)  # 违法事实
    legal_basis: Mapped[str | None] = mapped_column(Text)  # 处罚依据
    penalty_types: Mapped[str] = mapped_column(String(200))  # 处罚类别
    content: Mapped[str | None] = mapped_column(Text)  # 处罚内容
    fine_fen: Mapped[int | None] = mapped_column(BigInteger)  # 罚款金额
    confiscated_fen: Mapped[int | None] = mapped_column(BigInteger)  # 没收违法所得、非法财物
    licence_action: Mapped[str | None] = mapped_column(Text)  # 暂扣或吊销证照名称及编号
    # Indexed: the public publication (penalties/publication.py) lists the newest first.
    decided_on: Mapped[date] = mapped_column(Date, index=True)  # 处罚决定日期
    valid_until: Mapped[date | None] = mapped_column(Date)  # 处罚有效期
    publish_until: Mapped[date | None] = mapped_column(Date)  # 公示截止期
    authority: Mapped[str] = mapped_column(String(200))  # 处罚机关
    authority_credit_code: Mapped[str | None] = mapped_column(String(18))
    data_source_unit: Mapped[str | None] = mapped_column(String(200))  # 数据来源单位
    data_source_credit_code: Mapped[str | None] = mapped_column(String(18))
    remarks: Mapped[str | None] = mapped_column(Text)  # 备注
